package policy

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/config"
)

func TestParseFile(t *testing.T) {
	tests := []struct {
		name string
		data string
		want map[string]string
	}{
		{"yaml", `
# keystone policy overrides
"identity:get_user": "role:admin"
"identity:list_users": ""
"identity:delete_user": "!"
identity:create_user: rule:admin_required or role:creator
`, map[string]string{
			"identity:get_user":    "role:admin",
			"identity:list_users":  "",
			"identity:delete_user": "!",
			"identity:create_user": "rule:admin_required or role:creator",
		}},
		{"json", `{"identity:get_user": "role:admin", "admin_required": "role:admin or is_admin:1"}`,
			map[string]string{"identity:get_user": "role:admin", "admin_required": "role:admin or is_admin:1"}},
		{"empty file", "", map[string]string{}},
		{"only comments", "# nothing overridden\n", map[string]string{}},
		{"empty json", "{}", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFile([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("ParseFile = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, data, wantIn string
	}{
		{"yaml list", "- role:admin\n", "not a mapping"},
		{"json list", `["role:admin"]`, "not a mapping"},
		{"old list syntax", `{"identity:get_user": [["role:admin"]]}`, `rule "identity:get_user"`},
		{"yaml boolean", "identity:get_user: true\n", `rule "identity:get_user": the value must be a check string, not bool`},
		{"yaml null", "identity:get_user:\n", `rule "identity:get_user" has no value`},
		{"unquoted ! is null in yaml", "identity:delete_user: !\n", `write "!" (quoted) to allow no one`},
		{"json null", `{"identity:get_user": null}`, `rule "identity:get_user" has no value`},
		{"bad yaml", "identity:get_user: \"role:admin\n", "not a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tt.data))
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseFile error = %v, want ErrSyntax", err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
		})
	}
}

// TestOverridesFromFiles loads YAML and JSON policy files the way a daemon
// does, from [oslo_policy] policy_file beside its config file, and
// enforces with them.
func TestOverridesFromFiles(t *testing.T) {
	tests := []struct {
		name, conf, file, data string
	}{
		{"default name, yaml", "[DEFAULT]\n", "policy.yaml", "identity:get_user: role:auditor\n"},
		{"named json", "[oslo_policy]\npolicy_file = policy.json\n", "policy.json", `{"identity:get_user": "role:auditor"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := config.Parse(filepath.Join(dir, "keystone.conf"), tt.conf, Opts()...)
			if err != nil {
				t.Fatal(err)
			}
			overrides, err := OverridesFrom(c)
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(testDefaults, overrides, OptionsFrom(c))
			if err != nil {
				t.Fatal(err)
			}
			auditor := &Credentials{UserID: "x", ProjectID: "p", Roles: []string{"auditor"}}
			if !e.Check(auditor, "identity:get_user", Target{"target.user.id": "y"}) {
				t.Error("the override did not apply")
			}
			if e.Check(systemReader, "identity:get_user", Target{"target.user.id": "y"}) {
				t.Error("the default still applies")
			}
		})
	}
}

func TestOverridesFromMissing(t *testing.T) {
	dir := t.TempDir()
	c, err := config.Parse(filepath.Join(dir, "keystone.conf"), "[DEFAULT]\n", Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := OverridesFrom(c); err != nil || o != nil {
		t.Errorf("default policy.yaml missing: got %v, %v; want no overrides", o, err)
	}
	c, err = config.Parse(filepath.Join(dir, "keystone.conf"), "[oslo_policy]\npolicy_file = /nonexistent/policy.yaml\n", Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OverridesFrom(c); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("named policy file missing: error %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte("identity:get_user: (\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.Parse(filepath.Join(dir, "keystone.conf"), "[DEFAULT]\n", Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	o, err := OverridesFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(testDefaults, o, Options{}); !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "identity:get_user") {
		t.Errorf("bad rule in the file: error %v, want ErrSyntax naming identity:get_user", err)
	}
}
