package identitypolicy

import (
	"strings"
	"testing"

	"github.com/gostack/gostack/services/policy"
)

// TestDefaultsBuild checks that the table parses and links under every
// combination of the [oslo_policy] switches.
func TestDefaultsBuild(t *testing.T) {
	for _, opts := range []policy.Options{
		{},
		{EnforceNewDefaults: true},
		{EnforceScope: true},
		{EnforceScope: true, EnforceNewDefaults: true},
	} {
		if _, err := policy.New(Defaults(), nil, opts); err != nil {
			t.Errorf("%+v: %v", opts, err)
		}
	}
}

// TestDefaultsCoverAPIs lists the rules the identity API enforces; a
// handler whose rule is missing here would fail with ErrUnknownRule.
func TestDefaultsCoverAPIs(t *testing.T) {
	want := []string{
		"admin_required", "service_role", "service_or_admin", "owner", "admin_or_owner", "token_subject",
		"admin_or_token_subject", "service_admin_or_token_subject",
		"identity:get_domain", "identity:list_domains", "identity:create_domain", "identity:update_domain", "identity:delete_domain",
		"identity:get_project", "identity:list_projects", "identity:create_project", "identity:update_project", "identity:delete_project",
		"identity:list_user_projects", "identity:list_project_tags", "identity:get_project_tag", "identity:update_project_tags",
		"identity:create_project_tag", "identity:delete_project_tags", "identity:delete_project_tag",
		"identity:get_user", "identity:list_users", "identity:create_user", "identity:update_user", "identity:delete_user",
		"identity:get_group", "identity:list_groups", "identity:create_group", "identity:update_group", "identity:delete_group",
		"identity:add_user_to_group", "identity:check_user_in_group", "identity:remove_user_from_group",
		"identity:list_users_in_group", "identity:list_groups_for_user",
		"identity:get_role", "identity:list_roles", "identity:create_role", "identity:update_role", "identity:delete_role",
		"identity:get_domain_role", "identity:list_domain_roles", "identity:create_domain_role",
		"identity:update_domain_role", "identity:delete_domain_role",
		"identity:create_implied_role", "identity:get_implied_role", "identity:list_implied_roles",
		"identity:check_implied_role", "identity:delete_implied_role", "identity:list_role_inference_rules",
		"identity:check_grant", "identity:list_grants", "identity:create_grant", "identity:revoke_grant",
		"identity:list_system_grants_for_user", "identity:check_system_grant_for_user",
		"identity:create_system_grant_for_user", "identity:revoke_system_grant_for_user",
		"identity:list_system_grants_for_group", "identity:check_system_grant_for_group",
		"identity:create_system_grant_for_group", "identity:revoke_system_grant_for_group",
		"identity:list_role_assignments", "identity:list_role_assignments_for_tree",
		"identity:get_region", "identity:list_regions", "identity:create_region", "identity:update_region", "identity:delete_region",
		"identity:get_service", "identity:list_services", "identity:create_service", "identity:update_service", "identity:delete_service",
		"identity:get_endpoint", "identity:list_endpoints", "identity:create_endpoint", "identity:update_endpoint", "identity:delete_endpoint",
		"identity:get_application_credential", "identity:list_application_credentials",
		"identity:create_application_credential", "identity:delete_application_credential",
		"identity:check_token", "identity:validate_token", "identity:revocation_list", "identity:revoke_token",
		"identity:get_auth_catalog", "identity:get_auth_projects", "identity:get_auth_domains", "identity:get_auth_system",
		"identity:get_limit_model", "identity:get_limit", "identity:list_limits",
		"identity:create_limits", "identity:update_limit", "identity:delete_limit",
		"identity:get_registered_limit", "identity:list_registered_limits",
		"identity:create_registered_limits", "identity:update_registered_limit", "identity:delete_registered_limit",
	}
	e, err := policy.New(Defaults(), nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range want {
		if !e.Has(name) {
			t.Errorf("no default rule %s", name)
		}
	}
	for _, r := range Defaults() {
		if strings.HasPrefix(r.Name, "identity:") && (r.Description == "" || len(r.Operations) == 0) {
			t.Errorf("%s: no description or operations", r.Name)
		}
		for _, op := range r.Operations {
			if op.Method == "" || !strings.HasPrefix(op.Path, "/v3/") {
				t.Errorf("%s: bad operation %+v", r.Name, op)
			}
		}
	}
}

// Personas, as keystone's tokens would describe them. Role lists are
// expanded through the implied roles admin > member > reader.
var (
	sysAdmin      = &policy.Credentials{UserID: "sysadmin", UserDomainID: "default", System: "all", Roles: []string{"admin", "member", "reader"}}
	sysReader     = &policy.Credentials{UserID: "auditor", UserDomainID: "default", System: "all", Roles: []string{"reader"}}
	projectAdmin  = &policy.Credentials{UserID: "admin", UserDomainID: "default", ProjectID: "admin-project", ProjectDomainID: "default", Roles: []string{"admin", "member", "reader"}, IsAdminProject: true}
	domainAdmin   = &policy.Credentials{UserID: "dadmin", UserDomainID: "d1", DomainID: "d1", Roles: []string{"admin", "member", "reader"}}
	member        = &policy.Credentials{UserID: "alice", UserDomainID: "d1", ProjectID: "p1", ProjectDomainID: "d1", Roles: []string{"member", "reader"}, IsAdminProject: true}
	reader        = &policy.Credentials{UserID: "bob", UserDomainID: "d1", ProjectID: "p1", ProjectDomainID: "d1", Roles: []string{"reader"}, IsAdminProject: true}
	serviceUser   = &policy.Credentials{UserID: "nova", UserDomainID: "default", ProjectID: "service", ProjectDomainID: "default", Roles: []string{"service"}, IsAdminProject: true}
	noCredentials *policy.Credentials
)

// Targets, as keystone's enforce_call builds them.
func userTarget(id, domain string) policy.Target {
	return policy.Target{"user_id": id, "target.user.id": id, "target.user.domain_id": domain}
}

func projectTarget(id, domain string) policy.Target {
	return policy.Target{"project_id": id, "target.project.id": id, "target.project.domain_id": domain}
}

func TestRepresentativeRules(t *testing.T) {
	type check struct {
		who   string
		creds *policy.Credentials
		want  bool
	}
	tests := []struct {
		rule   string
		target policy.Target
		checks []check
	}{
		{"identity:get_user", userTarget("alice", "d1"), []check{
			{"system admin", sysAdmin, true},
			{"system reader", sysReader, true},
			{"project admin (deprecated admin_or_owner)", projectAdmin, true},
			{"domain admin of the user's domain", domainAdmin, true},
			{"the user itself", member, true},
			{"another user", reader, false},
			{"no credentials", noCredentials, false},
		}},
		{"identity:get_user", userTarget("carol", "d2"), []check{
			{"domain admin of another domain", domainAdmin, true}, // admin role: deprecated rule:admin_or_owner
			{"plain user on another user", member, false},
		}},
		{"identity:list_users", policy.Target{"target.domain_id": "d1"}, []check{
			{"system reader", sysReader, true},
			{"project admin", projectAdmin, true},
			{"domain admin", domainAdmin, true},
			{"member", member, false},
		}},
		{"identity:update_user", userTarget("alice", "d1"), []check{
			{"system admin", sysAdmin, true},
			{"system reader", sysReader, false},
			{"project admin", projectAdmin, true},
			{"the user itself", member, false},
		}},
		{"identity:get_project", projectTarget("p1", "d1"), []check{
			{"member of it", member, true},
			{"reader of it", reader, true},
			{"system reader", sysReader, true},
			{"service user elsewhere", serviceUser, false},
		}},
		{"identity:create_project", projectTarget("", "d1"), []check{
			{"system admin", sysAdmin, true},
			{"project admin", projectAdmin, true},
			{"domain admin", domainAdmin, true},
			{"member", member, false},
			{"system reader", sysReader, false},
		}},
		{"identity:list_user_projects", userTarget("alice", "d1"), []check{
			{"the user itself", member, true},
			{"another user", reader, false},
			{"project admin", projectAdmin, true},
		}},
		{"identity:create_grant", policy.Target{"target.project.domain_id": "d1", "target.user.domain_id": "d1", "target.role.domain_id": nil}, []check{
			{"system admin", sysAdmin, true},
			{"domain admin of both", domainAdmin, true},
			{"project admin", projectAdmin, true},
			{"member", member, false},
		}},
		{"identity:create_region", nil, []check{
			{"system admin", sysAdmin, true},
			{"project admin", projectAdmin, true},
			{"member", member, false},
		}},
		{"identity:list_regions", nil, []check{
			{"reader", reader, true},
			{"no credentials", noCredentials, false},
		}},
		{"identity:list_roles", nil, []check{
			{"system reader", sysReader, true},
			{"project admin", projectAdmin, true},
			{"member", member, false},
		}},
		{"identity:validate_token", policy.Target{"target.token.user_id": "alice"}, []check{
			{"the token's owner", member, true},
			{"a service", serviceUser, true},
			{"another user", reader, false},
			{"system reader", sysReader, true},
		}},
		{"identity:revoke_token", policy.Target{"target.token.user_id": "alice"}, []check{
			{"the token's owner", member, true},
			{"a service", serviceUser, false},
			{"project admin", projectAdmin, true},
		}},
		{"identity:get_application_credential", policy.Target{"user_id": "alice", "target.user.id": "alice"}, []check{
			{"its owner", member, true},
			{"another user", reader, false},
			{"project admin", projectAdmin, true},
		}},
		{"identity:create_application_credential", policy.Target{"user_id": "alice"}, []check{
			{"the user itself", member, true},
			{"project admin for someone else", projectAdmin, false},
		}},
		{"identity:create_limits", nil, []check{
			{"system admin", sysAdmin, true},
			{"project admin (no deprecated default)", projectAdmin, false},
		}},
		{"identity:get_auth_catalog", nil, []check{
			{"anyone authenticated", reader, true},
		}},
	}
	e, err := policy.New(Defaults(), nil, policy.Options{DeniedFormat: DeniedFormat})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		for _, c := range tt.checks {
			t.Run(tt.rule+"/"+c.who, func(t *testing.T) {
				err := e.Enforce(c.creds, tt.rule, tt.target)
				if (err == nil) != c.want {
					t.Errorf("Enforce = %v, want allowed %v", err, c.want)
				}
				if err != nil && !strings.Contains(err.Error(), "You are not authorized to perform the requested action: "+tt.rule+".") {
					t.Errorf("message %q", err)
				}
			})
		}
	}
}

// TestNewDefaultsAndScope shows what the [oslo_policy] switches change.
func TestNewDefaultsAndScope(t *testing.T) {
	tests := []struct {
		name   string
		opts   policy.Options
		creds  *policy.Credentials
		rule   string
		target policy.Target
		want   bool
	}{
		{"new defaults: project admin loses list_users", policy.Options{EnforceNewDefaults: true}, projectAdmin, "identity:list_users", policy.Target{"target.domain_id": "d1"}, false},
		{"new defaults: system reader keeps it", policy.Options{EnforceNewDefaults: true}, sysReader, "identity:list_users", nil, true},
		{"new defaults: the user still reads itself", policy.Options{EnforceNewDefaults: true}, member, "identity:get_user", userTarget("alice", "d1"), true},
		{"new defaults: a project admin lists its own tree", policy.Options{EnforceNewDefaults: true}, projectAdmin, "identity:list_role_assignments_for_tree", treeTarget("admin-project", "default"), true},
		{"new defaults: not another project's tree", policy.Options{EnforceNewDefaults: true}, projectAdmin, "identity:list_role_assignments_for_tree", treeTarget("p1", "d1"), false},
		{"new defaults: a domain admin lists trees in its domain", policy.Options{EnforceNewDefaults: true}, domainAdmin, "identity:list_role_assignments_for_tree", treeTarget("p1", "d1"), true},
		{"new defaults: a project member may not", policy.Options{EnforceNewDefaults: true}, member, "identity:list_role_assignments_for_tree", treeTarget("p1", "d1"), false},
		{"new defaults: nor without scope.project.id", policy.Options{EnforceNewDefaults: true}, projectAdmin, "identity:list_role_assignments_for_tree", policy.Target{}, false},
		{"new defaults: a system reader may", policy.Options{EnforceNewDefaults: true}, sysReader, "identity:list_role_assignments_for_tree", policy.Target{}, true},
		{"scope: system-only rule refuses a project admin", policy.Options{EnforceScope: true}, projectAdmin, "identity:create_region", nil, false},
		{"scope: the system admin passes", policy.Options{EnforceScope: true}, sysAdmin, "identity:create_region", nil, true},
		{"scope: get_user allows project tokens", policy.Options{EnforceScope: true}, member, "identity:get_user", userTarget("alice", "d1"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := policy.New(Defaults(), nil, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Check(tt.creds, tt.rule, tt.target); got != tt.want {
				t.Errorf("Check = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestOverride shows an operator's policy.yaml narrowing a default.
func TestOverride(t *testing.T) {
	overrides, err := policy.ParseFile([]byte(`"identity:get_user": "rule:admin_required"` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(Defaults(), overrides, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Check(member, "identity:get_user", userTarget("alice", "d1")) {
		t.Error("the override still lets a user read itself")
	}
	if !e.Check(projectAdmin, "identity:get_user", userTarget("alice", "d1")) {
		t.Error("the override refuses an admin")
	}
}

// treeTarget is the target identity/api builds for
// GET /v3/role_assignments?include_subtree&scope.project.id=id.
func treeTarget(id, domain string) policy.Target {
	return policy.Target{"target.project": map[string]any{"id": id, "domain_id": domain}, "target.domain_id": domain}
}
