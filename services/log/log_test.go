package log

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/config"
)

func TestConfigPath(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"stderr", Config{Service: "nova-api"}, ""},
		{"file", Config{Service: "nova-api", File: "/var/log/nova/api.log"}, "/var/log/nova/api.log"},
		{"file in dir", Config{Service: "nova-api", File: "api.log", Dir: "/var/log/nova"}, "/var/log/nova/api.log"},
		{"absolute file ignores dir", Config{Service: "nova-api", File: "/tmp/a.log", Dir: "/var/log/nova"}, "/tmp/a.log"},
		{"dir only", Config{Service: "nova-api", Dir: "/var/log/nova"}, "/var/log/nova/nova-api.log"},
		{"output wins", Config{Service: "nova-api", File: "/x.log", Output: &bytes.Buffer{}}, ""},
	}
	for _, tt := range tests {
		if got := tt.c.Path(); got != tt.want {
			t.Errorf("%s: Path() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNewLevelsAndFormat(t *testing.T) {
	tests := []struct {
		name      string
		c         Config
		wantDebug bool
		wantJSON  bool
	}{
		{"text info", Config{}, false, false},
		{"text debug", Config{Debug: true}, true, false},
		{"json info", Config{JSON: true}, false, true},
		{"json debug", Config{JSON: true, Debug: true}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.c.Service, tt.c.Host, tt.c.Output = "nova-compute", "cmp1", &buf
			l, closer, err := New(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			l.Debug("dbg")
			l.Info("started", "pool", "vms")
			out := buf.String()
			if got := strings.Contains(out, "dbg"); got != tt.wantDebug {
				t.Errorf("debug record present = %v, want %v:\n%s", got, tt.wantDebug, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			if tt.wantJSON {
				var rec map[string]any
				if err := json.Unmarshal([]byte(last), &rec); err != nil {
					t.Fatalf("not JSON: %s", last)
				}
				if rec["msg"] != "started" || rec["service"] != "nova-compute" || rec["host"] != "cmp1" || rec["pool"] != "vms" || rec["level"] != "INFO" {
					t.Errorf("record = %v", rec)
				}
				return
			}
			if !strings.Contains(last, `level=INFO msg=started service=nova-compute host=cmp1 pool=vms`) {
				t.Errorf("record = %s", last)
			}
		})
	}
}

func TestNewFileAndHostname(t *testing.T) {
	dir := t.TempDir()
	l, closer, err := New(Config{Service: "cinder-volume", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l.Info("hello")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "cinder-volume.log"))
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if !strings.Contains(string(data), "msg=hello service=cinder-volume host="+host) {
		t.Errorf("log file = %s", data)
	}
	if _, _, err := New(Config{Service: "x", File: filepath.Join(dir, "missing", "x.log")}); err == nil {
		t.Error("New with an unwritable path succeeded")
	}
}

func TestFromConfig(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Config
	}{
		{"defaults", "", Config{Service: "glance-api"}},
		{"all set", "[DEFAULT]\ndebug = True\nuse_json = yes\nlog_file = api.log\nlog_dir = /var/log/glance\n",
			Config{Service: "glance-api", Debug: true, JSON: true, File: "api.log", Dir: "/var/log/glance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, err := config.Parse("glance-api.conf", tt.text, Opts()...)
			if err != nil {
				t.Fatal(err)
			}
			if got := FromConfig(conf, "glance-api"); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	_, err := config.Parse("glance-api.conf", "[DEFAULT]\ndebug = maybe\n", Opts()...)
	if err == nil || !strings.Contains(err.Error(), `glance-api.conf:2: [DEFAULT] debug = "maybe"`) {
		t.Errorf("bad debug value: %v", err)
	}
}
