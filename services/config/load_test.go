package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

// writeFiles creates files (name -> content) in a temporary directory and
// returns the directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadLaterFilesOverride(t *testing.T) {
	debug := Bool("DEFAULT", "debug", false, "h")
	host := String("DEFAULT", "host", "localhost", "h")
	pool := String("libvirt", "images_rbd_pool", "rbd", "h")
	backends := List("DEFAULT", "enabled_backends", nil, "h")
	dir := writeFiles(t, map[string]string{
		"nova.conf":         "[DEFAULT]\ndebug = false\nhost = a\nenabled_backends = x\n[libvirt]\nimages_rbd_pool = vms\n",
		"nova-compute.conf": "[DEFAULT]\ndebug = true\n",
		"override.conf":     "[DEFAULT]\nhost = c\n[libvirt]\n",
	})
	files := []string{filepath.Join(dir, "nova.conf"), filepath.Join(dir, "nova-compute.conf"), filepath.Join(dir, "override.conf")}
	c, err := Load(files, debug, host, pool, backends)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"overridden by second file", debug.Get(c), true},
		{"overridden by third file", host.Get(c), "c"},
		{"kept from first file", pool.Get(c), "vms"},
		{"list from first file", backends.Get(c), []string{"x"}},
		{"files", c.Files(), files},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLoadErrorNamesTheRightFile(t *testing.T) {
	debug := Bool("DEFAULT", "debug", false, "h")
	dir := writeFiles(t, map[string]string{
		"a.conf": "[DEFAULT]\ndebug = maybe\n",
		"b.conf": "[DEFAULT]\n\n\ndebug = perhaps\n",
	})
	a, b := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
	_, err := Load([]string{a, b}, debug)
	want := b + `:4: [DEFAULT] debug = "perhaps": not a boolean`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want the last file's value: %s", err, want)
	}
	// A bad value overridden by a later file is no error.
	if _, err := Load([]string{b, writeFiles(t, map[string]string{"c.conf": "[DEFAULT]\ndebug = on\n"}) + "/c.conf"}, debug); err != nil {
		t.Errorf("overridden bad value: %v", err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"bad.conf": "[DEFAULT]\ndebug true\n"})
	tests := []struct {
		name string
		file string
		kind fault.Kind
		want string
	}{
		{"missing file", filepath.Join(dir, "nope.conf"), fault.NotFound, "config file " + filepath.Join(dir, "nope.conf") + " does not exist"},
		{"malformed file", filepath.Join(dir, "bad.conf"), fault.Invalid, filepath.Join(dir, "bad.conf") + `:2: expected option = value or a [section] header: "debug true"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]string{tt.file})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if fault.KindOf(err) != tt.kind {
				t.Errorf("kind = %s, want %s", fault.KindOf(err), tt.kind)
			}
		})
	}
	if _, err := Load([]string{filepath.Join(dir, "nope.conf")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestDirFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"20-b.conf": "", "10-a.conf": "", "notes.txt": "", "30-c.conf.bak": "",
	})
	got, err := DirFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "10-a.conf"), filepath.Join(dir, "20-b.conf")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DirFiles = %v, want %v", got, want)
	}
	if _, err := DirFiles(filepath.Join(dir, "missing")); fault.KindOf(err) != fault.NotFound {
		t.Errorf("missing dir: error %v, want not_found", err)
	}
}

func TestUnknownOptionsIgnoredButReachable(t *testing.T) {
	debug := Bool("DEFAULT", "debug", false, "h")
	c, err := Parse("nova.conf", "[DEFAULT]\ndebug = true\nsome_future_option = 1\n[oslo_messaging_rabbit]\nrabbit_ha_queues = true\n", debug)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Lookup("oslo_messaging_rabbit", "rabbit_ha_queues"); !ok || v != "true" {
		t.Errorf("Lookup = %q, %v", v, ok)
	}
	if _, ok := c.Lookup("DEFAULT", "absent"); ok {
		t.Error("Lookup found an absent option")
	}
	if got, want := c.Sections(), []string{"DEFAULT", "oslo_messaging_rabbit"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Sections = %v, want %v", got, want)
	}
	if got, want := c.Options("DEFAULT"), []string{"debug", "some_future_option"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Options = %v, want %v", got, want)
	}
}

func TestGetUndeclaredPanics(t *testing.T) {
	declared := Bool("DEFAULT", "debug", false, "h")
	other := Bool("DEFAULT", "verbose", false, "h")
	c, err := Parse("nova.conf", "", declared)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "[DEFAULT] verbose") {
			t.Errorf("recover() = %v, want a panic naming [DEFAULT] verbose", r)
		}
	}()
	other.Get(c)
}

func TestDuplicateDeclarations(t *testing.T) {
	a := Bool("DEFAULT", "debug", false, "h")
	same := Bool("DEFAULT", "debug", false, "other help")
	conflicting := Int("DEFAULT", "debug", 0, "h")
	c, err := Parse("nova.conf", "[DEFAULT]\ndebug = yes\n", a, a, same)
	if err != nil {
		t.Fatalf("compatible duplicates: %v", err)
	}
	if !a.Get(c) || !same.Get(c) {
		t.Error("duplicates do not both read the value")
	}
	if got := len(c.Dump()); got != 2 {
		t.Errorf("Dump has %d entries, want 2 (the same declaration passed twice counts once)", got)
	}
	_, err = Parse("nova.conf", "", a, conflicting)
	if err == nil || fault.KindOf(err) != fault.Internal || !strings.Contains(err.Error(), "[DEFAULT] debug is declared twice") {
		t.Errorf("conflicting duplicates: error = %v", err)
	}
}
