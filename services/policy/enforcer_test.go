package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

// defaults shaped like keystone's: a new system-scoped default with the
// old admin_required as its deprecated default.
var testDefaults = []Rule{
	{Name: "admin_required", Check: "role:admin or is_admin:1"},
	{Name: "identity:list_roles", Check: "role:reader and system_scope:all",
		ScopeTypes: []string{"system"},
		Deprecated: &DeprecatedRule{Name: "identity:list_roles", Check: "rule:admin_required", Since: "S"}},
	{Name: "identity:get_user", Check: "(role:reader and system_scope:all) or user_id:%(target.user.id)s",
		ScopeTypes: []string{"system", "domain", "project"}},
	{Name: "identity:create_thing", Check: "role:admin and system_scope:all",
		ScopeTypes: []string{"system"},
		Deprecated: &DeprecatedRule{Name: "identity:add_thing", Check: "rule:admin_required", Since: "T"}},
}

var (
	projectAdmin  = &Credentials{UserID: "a", ProjectID: "p", Roles: []string{"admin", "member", "reader"}}
	projectReader = &Credentials{UserID: "r", ProjectID: "p", Roles: []string{"reader"}}
	systemReader  = &Credentials{UserID: "s", System: "all", Roles: []string{"reader"}}
)

func TestEnforceDeprecatedDefaults(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		overrides map[string]string
		creds     *Credentials
		rule      string
		want      bool
		effective string
	}{
		{"old default still allows a project admin", Options{}, nil, projectAdmin, "identity:list_roles", true,
			"((role:reader and system_scope:all) or rule:admin_required)"},
		{"new default allows a system reader", Options{}, nil, systemReader, "identity:list_roles", true, ""},
		{"neither allows a project reader", Options{}, nil, projectReader, "identity:list_roles", false, ""},
		{"enforce_new_defaults drops the old default", Options{EnforceNewDefaults: true}, nil, projectAdmin, "identity:list_roles", false,
			"(role:reader and system_scope:all)"},
		{"an override replaces both", Options{}, map[string]string{"identity:list_roles": "role:member"}, projectAdmin, "identity:list_roles", true,
			"role:member"},
		{"an override replaces both (deny)", Options{}, map[string]string{"identity:list_roles": "!"}, projectAdmin, "identity:list_roles", false, "!"},
		{"an override may reference its own rules", Options{}, map[string]string{"identity:list_roles": "rule:mine", "mine": "role:reader"}, projectReader, "identity:list_roles", true,
			"rule:mine"},
		{"override of an old name carries to the new name", Options{}, map[string]string{"identity:add_thing": "role:member"}, projectAdmin, "identity:create_thing", true,
			"role:member"},
		{"old name pointing at the new name is ignored", Options{}, map[string]string{"identity:add_thing": "rule:identity:create_thing"}, projectAdmin, "identity:create_thing", true,
			"((role:admin and system_scope:all) or rule:admin_required)"},
		{"scope not enforced by default", Options{}, nil, projectAdmin, "identity:list_roles", true, ""},
		{"enforce_scope refuses a project token", Options{EnforceScope: true}, nil, projectAdmin, "identity:list_roles", false, ""},
		{"enforce_scope lets the system reader in", Options{EnforceScope: true}, nil, systemReader, "identity:list_roles", true, ""},
		{"enforce_scope, rule for every scope", Options{EnforceScope: true}, nil, projectReader, "identity:get_user", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(testDefaults, tt.overrides, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			target := Target{"target.user.id": "r"}
			if got := e.Check(tt.creds, tt.rule, target); got != tt.want {
				t.Errorf("Check = %v, want %v", got, tt.want)
			}
			if err := e.Enforce(tt.creds, tt.rule, target); (err == nil) != tt.want {
				t.Errorf("Enforce = %v, want allowed %v", err, tt.want)
			}
			if tt.effective != "" {
				if got, _ := e.Effective(tt.rule); got != tt.effective {
					t.Errorf("Effective = %s, want %s", got, tt.effective)
				}
			}
		})
	}
}

func TestEnforceErrors(t *testing.T) {
	e, err := New(testDefaults, nil, Options{EnforceScope: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		creds   *Credentials
		rule    string
		kind    fault.Kind
		message string
		cause   error
	}{
		{"denied", projectReader, "identity:get_user", fault.Forbidden,
			"You are not authorized to perform the requested action: identity:get_user.", nil},
		{"no credentials", nil, "identity:get_user", fault.Forbidden,
			"You are not authorized to perform the requested action: identity:get_user.", nil},
		{"wrong scope", projectAdmin, "identity:list_roles", fault.Forbidden,
			"You are not authorized to perform the requested action: identity:list_roles.", ErrInvalidScope},
		{"unknown rule", projectAdmin, "identity:no_such_rule", fault.Internal,
			"The policy rule identity:no_such_rule is not defined.", ErrUnknownRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Enforce(tt.creds, tt.rule, Target{"target.user.id": "someone else"})
			if got := fault.KindOf(err); got != tt.kind {
				t.Errorf("kind = %s, want %s (%v)", got, tt.kind, err)
			}
			if got := fault.MessageOf(err); got != tt.message {
				t.Errorf("message = %q, want %q", got, tt.message)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %v does not wrap %v", err, tt.cause)
			}
		})
	}
	if e.Check(projectAdmin, "identity:no_such_rule", nil) {
		t.Error("Check allowed an unknown rule")
	}
}

func TestDeniedFormat(t *testing.T) {
	e, err := New([]Rule{{Name: "compute:servers:index", Check: "!"}}, nil,
		Options{DeniedFormat: "Policy doesn't allow %s to be performed."})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Enforce(projectAdmin, "compute:servers:index", nil)
	if got, want := fault.MessageOf(err), "Policy doesn't allow compute:servers:index to be performed."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name      string
		defaults  []Rule
		overrides map[string]string
		is        error
		wantIn    []string
	}{
		{"bad default", []Rule{{Name: "identity:get_user", Check: "role:admin and"}}, nil,
			ErrSyntax, []string{`default rule "identity:get_user"`, `"and" must be followed`}},
		{"bad deprecated default", []Rule{{Name: "x", Check: "@", Deprecated: &DeprecatedRule{Name: "x", Check: "(role:a"}}}, nil,
			ErrSyntax, []string{`default rule "x"`, "deprecated default"}},
		{"bad override", testDefaults, map[string]string{"identity:get_user": "role:admin or or"}, ErrSyntax,
			[]string{`policy file: rule "identity:get_user"`}},
		{"two bad rules, both named", testDefaults, map[string]string{"a": "(", "b": "http:x"}, ErrSyntax,
			[]string{`rule "a"`, `rule "b"`}},
		{"undefined reference", []Rule{{Name: "x", Check: "rule:nope or role:a"}}, nil, ErrUnknownRule,
			[]string{`rule "x"`, `"nope"`}},
		{"cycle", []Rule{{Name: "a", Check: "rule:b"}, {Name: "b", Check: "role:x or rule:a"}}, nil, ErrCycle,
			[]string{"[a b a]"}},
		{"self reference", []Rule{{Name: "a", Check: "rule:a"}}, nil, ErrCycle, []string{`rule "a"`}},
		{"duplicate default", []Rule{{Name: "a", Check: "@"}, {Name: "a", Check: "!"}}, nil, nil,
			[]string{`default rule "a" is declared twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.defaults, tt.overrides, Options{})
			if err == nil {
				t.Fatal("New succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestHasAndNames(t *testing.T) {
	e, err := New(testDefaults, map[string]string{"custom": "@"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin_required", "identity:get_user", "custom"} {
		if !e.Has(name) {
			t.Errorf("Has(%q) = false", name)
		}
	}
	if e.Has("identity:add_thing") {
		t.Error("Has reports a deprecated name that no file defines")
	}
	if got := len(e.Names()); got != len(testDefaults)+1 {
		t.Errorf("Names has %d rules, want %d", got, len(testDefaults)+1)
	}
}
