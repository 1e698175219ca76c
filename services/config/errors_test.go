package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
)

func TestValueErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		text string
		want string // the whole message
	}{
		{"integer", Seconds("DEFAULT", "report_interval", 10*time.Second, "h"),
			"[DEFAULT]\nreport_interval = ten\n",
			`nova.conf:2: [DEFAULT] report_interval = "ten": not an integer number of seconds`},
		{"boolean", Bool("DEFAULT", "debug", false, "h"),
			"[DEFAULT]\n\ndebug = maybe\n",
			`nova.conf:3: [DEFAULT] debug = "maybe": not a boolean (true/false, yes/no, on/off, 1/0)`},
		{"port", Port("DEFAULT", "osapi_compute_listen_port", 8774, "h"),
			"[DEFAULT]\nosapi_compute_listen_port = 70000\n",
			`nova.conf:2: [DEFAULT] osapi_compute_listen_port = "70000": must be between 1 and 65535`},
		{"choice", Choice("libvirt", "images_type", "default", []string{"default", "raw", "rbd"}, "h"),
			"[libvirt]\nimages_type = ceph\n",
			`nova.conf:2: [libvirt] images_type = "ceph": must be one of: default, raw, rbd`},
		{"range", Int("DEFAULT", "osapi_compute_workers", 1, "h", Min(1), Max(64)),
			"[DEFAULT]\nosapi_compute_workers = 0\n",
			`nova.conf:2: [DEFAULT] osapi_compute_workers = "0": must be between 1 and 64`},
		{"secret value hidden", Port("database", "db_port", 5432, "h", Secret()),
			"[database]\ndb_port = hunter2\n",
			`nova.conf:2: [database] db_port = "***": not a port number (an integer from 1 to 65535)`},
		{"required", String("database", "connection", "", "h", Required()),
			"[DEFAULT]\n",
			`required option [database] connection is not set; add it to nova.conf`},
		{"required but empty", String("database", "connection", "", "h", Required()),
			"[database]\nconnection =\n",
			`required option [database] connection is not set; add it to nova.conf`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("nova.conf", tt.text, tt.opt)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if err.Error() != tt.want {
				t.Errorf("message\n got %s\nwant %s", err, tt.want)
			}
			if !errors.Is(err, fault.Of(fault.Invalid)) || fault.KindOf(err) != fault.Invalid {
				t.Errorf("kind = %s, want invalid", fault.KindOf(err))
			}
			if got := fault.MessageOf(err); got != tt.want {
				t.Errorf("MessageOf = %q, want the same message", got)
			}
		})
	}
}

func TestValueErrorFields(t *testing.T) {
	_, err := Parse("cinder.conf", "[DEFAULT]\nreport_interval = ten\n", Int("DEFAULT", "report_interval", 10, "h"))
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValueError", err)
	}
	want := ValueError{File: "cinder.conf", Line: 2, Section: "DEFAULT", Option: "report_interval", Value: "ten", Expected: "not an integer"}
	if *ve != want {
		t.Errorf("got %+v, want %+v", *ve, want)
	}
}

func TestAllBadValuesReported(t *testing.T) {
	opts := []Option{
		Bool("DEFAULT", "debug", false, "h"),
		Int("DEFAULT", "report_interval", 10, "h"),
		String("database", "connection", "", "h", Required()),
		String("DEFAULT", "host", "", "h"),
	}
	_, err := Parse("nova.conf", "[DEFAULT]\ndebug = maybe\nreport_interval = ten\nhost = c1\n", opts...)
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	for _, want := range []string{"[DEFAULT] debug", "[DEFAULT] report_interval", "[database] connection"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "host") {
		t.Errorf("error %q mentions the good option host", err)
	}
	if fault.KindOf(err) != fault.Invalid {
		t.Errorf("kind = %s, want invalid", fault.KindOf(err))
	}
}

func TestMissingErrorWithoutFiles(t *testing.T) {
	_, err := Load(nil, String("database", "connection", "", "h", Required()))
	want := "required option [database] connection is not set and no config file was read; pass --config-file"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}
