package config

import (
	"errors"
	"flag"
	"io"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseArgs(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"nova.conf.d/20-b.conf": "", "nova.conf.d/10-a.conf": "", "nova.conf.d/x.txt": "",
	})
	d := filepath.Join(dir, "nova.conf.d")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no flags: defaults", nil, []string{"/default.conf"}},
		{"one file", []string{"--config-file", "/etc/nova/nova.conf"}, []string{"/etc/nova/nova.conf"}},
		{"repeated, in order", []string{"--config-file=/a.conf", "-config-file", "/b.conf", "--config-file", "/c.conf"},
			[]string{"/a.conf", "/b.conf", "/c.conf"}},
		{"dir expanded in place", []string{"--config-file", "/a.conf", "--config-dir", d, "--config-file", "/z.conf"},
			[]string{"/a.conf", filepath.Join(d, "10-a.conf"), filepath.Join(d, "20-b.conf"), "/z.conf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseArgsQuiet(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseArgsExported(t *testing.T) {
	got, err := ParseArgs("nova", "nova-compute", []string{"--config-file", "/etc/nova/nova.conf"})
	if err != nil || !reflect.DeepEqual(got, []string{"/etc/nova/nova.conf"}) {
		t.Errorf("ParseArgs = %v, %v", got, err)
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		is   error
	}{
		{"help", []string{"-h"}, flag.ErrHelp},
		{"unknown flag", []string{"--verbose"}, nil},
		{"positional argument", []string{"--config-file", "/a.conf", "extra"}, nil},
		{"missing dir", []string{"--config-dir", "/nonexistent/dir"}, nil},
		{"empty path", []string{"--config-file="}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgsQuiet(tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

// parseArgsQuiet is ParseArgs without usage output, defaulting to
// /default.conf.
func parseArgsQuiet(args []string) ([]string, error) {
	return parseArgs("nova-compute", args, io.Discard, func() ([]string, error) { return []string{"/default.conf"}, nil })
}

func TestFlagsDefaultsAndUsage(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	f := AddFlags(fs)
	if f.Given() {
		t.Error("Given before parsing")
	}
	fs.PrintDefaults() // must not panic on the zero flag.Value
	if err := fs.Parse([]string{"--config-file", "/a", "--config-dir", "/d", "--config-file", "/b"}); err != nil {
		t.Fatal(err)
	}
	if got := fs.Lookup("config-file").Value.String(); got != "/a,/b" {
		t.Errorf("config-file = %q", got)
	}
	if got := fs.Lookup("config-dir").Value.String(); got != "/d" {
		t.Errorf("config-dir = %q", got)
	}
}

func TestSearchDefaults(t *testing.T) {
	home := writeFiles(t, map[string]string{".nova/nova-compute.conf": ""})
	etc := writeFiles(t, map[string]string{
		"nova/nova.conf": "", "nova/nova-compute.conf": "", "nova/nova.conf.d/01.conf": "", "nova/nova-compute.conf.d/01.conf": "",
	})
	dirs := []string{filepath.Join(home, ".nova"), home, filepath.Join(etc, "nova"), etc}
	got, err := searchDefaults(dirs, "nova", "nova-compute")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(etc, "nova/nova.conf"),
		filepath.Join(home, ".nova/nova-compute.conf"), // the first found wins
		filepath.Join(etc, "nova/nova.conf.d/01.conf"),
		filepath.Join(etc, "nova/nova-compute.conf.d/01.conf"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	none, err := searchDefaults([]string{t.TempDir()}, "nova", "nova")
	if err != nil || len(none) != 0 {
		t.Errorf("empty search = %v, %v", none, err)
	}
}
