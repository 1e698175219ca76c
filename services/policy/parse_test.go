package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "@"},
		{"@", "@"},
		{"!", "!"},
		{"role:admin", "role:admin"},
		{"rule:admin_required", "rule:admin_required"},
		{"is_admin:True", "is_admin:True"},
		{"project_id:%(project_id)s", "project_id:%(project_id)s"},
		{"user_id:%(target.user.id)s", "user_id:%(target.user.id)s"},
		{"'member':%(role.name)s", "'member':%(role.name)s"},
		// not binds tightest, then and, then or.
		{"not role:a and role:b", "(not role:a and role:b)"},
		{"role:a or role:b and role:c", "(role:a or (role:b and role:c))"},
		{"role:a and role:b or role:c", "((role:a and role:b) or role:c)"},
		{"role:a and role:b or role:c and role:d", "((role:a and role:b) or (role:c and role:d))"},
		{"role:a or not role:b and role:c", "(role:a or (not role:b and role:c))"},
		{"role:a or role:b or role:c", "(role:a or role:b or role:c)"},
		{"role:a and role:b and role:c", "(role:a and role:b and role:c)"},
		{"not not role:a", "not not role:a"},
		// Parentheses group, also glued to words and nested.
		{"(role:a or role:b) and role:c", "((role:a or role:b) and role:c)"},
		{"role:a and (role:b or role:c)", "(role:a and (role:b or role:c))"},
		{"not (role:a or role:b)", "not (role:a or role:b)"},
		{"((role:a))", "role:a"},
		{"( role:a )", "role:a"},
		{"(project_id:%(project_id)s)", "project_id:%(project_id)s"},
		// Keywords in any case, any whitespace.
		{"role:a AND role:b Or NOT role:c", "((role:a and role:b) or not role:c)"},
		{"  role:a\n\tand\trole:b ", "(role:a and role:b)"},
		// keystone's composed strings.
		{"(role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
			"((role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s))"},
		{"role:reader and system_scope:all or user_id:%(target.trust.trustor_user_id)s",
			"((role:reader and system_scope:all) or user_id:%(target.trust.trustor_user_id)s)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := parse(tt.in)
			if err != nil {
				t.Fatalf("parse(%q): %v", tt.in, err)
			}
			if got := n.String(); got != tt.want {
				t.Errorf("parse(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, wantIn string // wantIn: a part of the message
	}{
		{"   ", "only whitespace"},
		{"role:a and", `"and" must be followed by a check`},
		{"role:a or", `"or" must be followed by a check`},
		{"not", `"not" must be followed by a check`},
		{"and role:a", `unexpected "and"`},
		{"role:a role:b", `unexpected check "role:b"`},
		{"(role:a", "not closed"},
		{"role:a)", `unexpected ")"`},
		{"()", `unexpected ")"`},
		{"admin", "not of the form kind:match"},
		{"'member'", "quoted 'member' is not a check"},
		{"http://example.com/check", "remote http: checks are not supported"},
		{"https:foo", "remote https: checks are not supported"},
		{"user_id:%(user_id)d", "%(key)s"},
		{"user_id:%(user_id", "%(key)s"},
		{"user_id:50%", "lone %"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := parse(tt.in)
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("parse(%q) error = %v, want ErrSyntax", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("parse(%q) error = %q, want it to contain %q", tt.in, err, tt.wantIn)
			}
		})
	}
}

func TestLiteralKind(t *testing.T) {
	tests := []struct {
		kind, want string
		ok         bool
	}{
		{"True", "True", true},
		{"False", "False", true},
		{"None", "None", true},
		{"'member'", "member", true},
		{`"member"`, "member", true},
		{"1", "1", true},
		{"-3", "-3", true},
		{"1.5", "1.5", true},
		{"2.0", "2.0", true},
		{"007", "", false},
		{"true", "", false},
		{"user_id", "", false},
		{"token.is_admin_project", "", false},
		{"'it's'", "", false},
	}
	for _, tt := range tests {
		got, ok := literalKind(tt.kind)
		if got != tt.want || ok != tt.ok {
			t.Errorf("literalKind(%q) = %q, %v; want %q, %v", tt.kind, got, ok, tt.want, tt.ok)
		}
	}
}
