package identitypolicy

import "github.com/gostack/gostack/services/policy"

const userDeprecation = "The user API is now aware of system scope and default roles."

// userRules returns the defaults for users (keystone/common/policies/user.py).
func userRules() []policy.Rule {
	return []policy.Rule{
		{
			Name: "identity:get_user",
			Check: "(role:reader and system_scope:all) or (role:reader and " +
				"token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s",
			Description: "Show user details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/users/{user_id}", "HEAD /v3/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "S", Reason: userDeprecation},
		},
		{
			Name:        "identity:list_users",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
			Description: "List users.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/users", "HEAD /v3/users"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: userDeprecation},
		},
		{
			Name:        "identity:list_projects_for_user",
			Check:       "",
			Description: "List all projects a user has access to via role assignments.",
			Operations:  ops("GET /v3/auth/projects"),
		},
		{
			Name:        "identity:list_domains_for_user",
			Check:       "",
			Description: "List all domains a user has access to via role assignments.",
			Operations:  ops("GET /v3/auth/domains"),
		},
		{
			Name:        "identity:create_user",
			Check:       "(role:admin and system_scope:all) or (role:admin and token.domain.id:%(target.user.domain_id)s)",
			Description: "Create a user.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("POST /v3/users"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: userDeprecation},
		},
		{
			Name:        "identity:update_user",
			Check:       "(role:admin and system_scope:all) or (role:admin and token.domain.id:%(target.user.domain_id)s)",
			Description: "Update a user, including administrative password resets.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("PATCH /v3/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: userDeprecation},
		},
		{
			Name:        "identity:delete_user",
			Check:       "(role:admin and system_scope:all) or (role:admin and token.domain.id:%(target.user.domain_id)s)",
			Description: "Delete a user.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("DELETE /v3/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: userDeprecation},
		},
	}
}
