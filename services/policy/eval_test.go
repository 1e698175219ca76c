package policy

import (
	"encoding/json"
	"testing"
)

func TestEval(t *testing.T) {
	helpers := []Rule{
		{Name: "admin_required", Check: "role:admin or is_admin:1"},
		{Name: "owner", Check: "user_id:%(user_id)s"},
		{Name: "admin_or_owner", Check: "rule:admin_required or rule:owner"},
	}
	projectMember := &Credentials{UserID: "u1", UserDomainID: "d1", ProjectID: "p1", ProjectDomainID: "d1",
		Roles: []string{"member", "reader"}, IsAdminProject: true}
	projectAdmin := &Credentials{UserID: "a1", UserDomainID: "default", ProjectID: "admin", ProjectDomainID: "default",
		Roles: []string{"Admin", "member", "reader"}, IsAdminProject: true}
	systemReader := &Credentials{UserID: "s1", UserDomainID: "default", System: "all", Roles: []string{"reader"}}
	domainAdmin := &Credentials{UserID: "da", UserDomainID: "d1", DomainID: "d1", Roles: []string{"admin", "member", "reader"}}
	nested := Target{"target": map[string]any{
		"user":    map[string]any{"id": "u1", "domain_id": "d1", "enabled": true},
		"project": map[string]any{"id": "p1", "domain_id": "d1", "tags": []any{"a", "b"}},
		"role":    map[string]any{"domain_id": nil, "name": "member"},
	}}
	flat := Target{"target.user.id": "u1", "target.user.domain_id": "d1", "target.role.domain_id": nil, "user_id": "u1"}

	tests := []struct {
		name   string
		check  string
		creds  *Credentials
		target Target
		want   bool
	}{
		{"always", "", projectMember, nil, true},
		{"always @", "@", projectMember, nil, true},
		{"never", "!", projectAdmin, nil, false},
		{"role held", "role:member", projectMember, nil, true},
		{"role case-insensitive", "role:ADMIN", projectAdmin, nil, true},
		{"role not held", "role:admin", projectMember, nil, false},
		{"role from target", "role:%(target.role.name)s", projectMember, nested, true},
		{"role substitution missing", "role:%(nope)s", projectMember, nested, false},
		{"rule", "rule:admin_required", projectAdmin, nil, true},
		{"rule denies", "rule:admin_required", projectMember, nil, false},
		{"is_admin:1 is not is_admin True", "is_admin:1", &Credentials{IsAdmin: true}, nil, false},
		{"is_admin:True", "is_admin:True", &Credentials{IsAdmin: true}, nil, true},
		{"is_admin:True false", "is_admin:True", projectAdmin, nil, false},
		{"system_scope:all", "system_scope:all", systemReader, nil, true},
		{"system_scope:all project token", "system_scope:all", projectAdmin, nil, false},
		{"unset credential is None", "system_scope:None", projectAdmin, nil, true},
		{"project_id from flat target", "project_id:%(project_id)s", projectMember, Target{"project_id": "p1"}, true},
		{"project_id other", "project_id:%(project_id)s", projectMember, Target{"project_id": "p2"}, false},
		{"missing target key", "project_id:%(project_id)s", projectMember, Target{}, false},
		{"nil target", "project_id:%(project_id)s", projectMember, nil, false},
		{"nested target", "user_id:%(target.user.id)s", projectMember, nested, true},
		{"flat dotted target", "user_id:%(target.user.id)s", projectMember, flat, true},
		{"domain_id nested", "domain_id:%(target.project.domain_id)s", domainAdmin, nested, true},
		{"domain_id of project token is None", "domain_id:%(target.project.domain_id)s", projectMember, nested, false},
		{"None literal matches null", "None:%(target.role.domain_id)s", projectMember, nested, true},
		{"None literal matches null flat", "None:%(target.role.domain_id)s", projectMember, flat, true},
		{"None literal vs value", "None:%(target.user.id)s", projectMember, nested, false},
		{"True literal vs bool", "True:%(target.user.enabled)s", projectMember, nested, true},
		{"quoted literal", "'member':%(target.role.name)s", projectMember, nested, true},
		{"double-quoted literal", `"admin":%(target.role.name)s`, projectMember, nested, false},
		{"literal match", "user_id:u1", projectMember, nil, true},
		{"mixed substitution", "user_id:u%(n)s", projectMember, Target{"n": 1.0}, true},
		{"percent escape", "user_id:100%%", &Credentials{UserID: "100%"}, nil, true},
		{"token.is_admin_project", "token.is_admin_project:True", projectAdmin, nil, true},
		{"token.is_admin_project false", "token.is_admin_project:True", &Credentials{ProjectID: "p", IsAdminProject: false}, nil, false},
		{"token.is_admin_project system token", "token.is_admin_project:True", systemReader, nil, false},
		{"token.domain.id domain token", "token.domain.id:%(target.user.domain_id)s", domainAdmin, nested, true},
		{"token.domain.id project token", "token.domain.id:%(target.user.domain_id)s", projectMember, nested, false},
		{"token.project.domain.id", "token.project.domain.id:d1", projectMember, nil, true},
		{"token.system.all", "token.system.all:True", systemReader, nil, true},
		{"roles generic is a list", "roles:member", projectMember, nil, true},
		{"roles generic is case-sensitive", "roles:admin", projectAdmin, nil, false},
		{"extra attribute", "service_user_id:svc", &Credentials{Extra: map[string]any{"service_user_id": "svc"}}, nil, true},
		{"extra list", "service_roles:service", &Credentials{Extra: map[string]any{"service_roles": []string{"service"}}}, nil, true},
		{"extra nested list of maps", "groups.name:ops", &Credentials{Extra: map[string]any{"groups": []any{
			map[string]any{"name": "dev"}, map[string]any{"name": "ops"}}}}, nil, true},
		{"extra missing", "service_user_id:svc", projectMember, nil, false},
		{"path through a string", "user_id.x:u1", projectMember, nil, false},
		{"not", "not role:admin", projectMember, nil, true},
		{"and", "role:member and project_id:%(project_id)s", projectMember, Target{"project_id": "p1"}, true},
		{"and fails", "role:admin and project_id:%(project_id)s", projectMember, Target{"project_id": "p1"}, false},
		{"or", "role:admin or user_id:%(user_id)s", projectMember, flat, true},
		{"admin_or_owner owner", "rule:admin_or_owner", projectMember, Target{"user_id": "u1"}, true},
		{"admin_or_owner other", "rule:admin_or_owner", projectMember, Target{"user_id": "u2"}, false},
		{"admin_or_owner admin", "rule:admin_or_owner", projectAdmin, Target{"user_id": "u2"}, true},
		{"list_user_projects owner",
			"(role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s) or user_id:%(target.user.id)s",
			projectMember, nested, true},
		{"check_grant domain admin",
			"(role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) and (domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s)",
			domainAdmin, nested, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := append([]Rule{{Name: "under_test", Check: tt.check}}, helpers...)
			e, err := New(rules, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Check(tt.creds, "under_test", tt.target); got != tt.want {
				t.Errorf("%q = %v, want %v", tt.check, got, tt.want)
			}
		})
	}
}

// TestEvalJSONTarget checks a target decoded from JSON, as a handler may
// build it from a stored object.
func TestEvalJSONTarget(t *testing.T) {
	var target Target
	if err := json.Unmarshal([]byte(`{"target": {"limit": {"project_id": null, "resource_limit": 5}}}`), &target); err != nil {
		t.Fatal(err)
	}
	e, err := New([]Rule{
		{Name: "project_limit", Check: "project_id:%(target.limit.project_id)s and not None:%(target.limit.project_id)s"},
		{Name: "five", Check: "5:%(target.limit.resource_limit)s"},
	}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	domainToken := &Credentials{DomainID: "d1", Roles: []string{"reader"}}
	if e.Check(domainToken, "project_limit", target) {
		t.Error("a domain token (project_id None) matched a domain limit (project_id null)")
	}
	if !e.Check(domainToken, "five", target) {
		t.Error("5 did not match the JSON number 5")
	}
}
