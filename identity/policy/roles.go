package identitypolicy

import "github.com/gostack/gostack/services/policy"

const roleDeprecation = "The role API is now aware of system scope and default roles."

// roleRules returns the defaults for global and domain-specific roles (keystone/common/policies/role.py).
func roleRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_role",
			Check:       systemReader,
			Description: "Show role details.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/roles/{role_id}", "HEAD /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleDeprecation},
		},
		{
			Name:        "identity:list_roles",
			Check:       systemReader,
			Description: "List roles.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/roles", "HEAD /v3/roles"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleDeprecation},
		},
		{
			Name:        "identity:create_role",
			Check:       systemAdmin,
			Description: "Create role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/roles"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleDeprecation},
		},
		{
			Name:        "identity:update_role",
			Check:       systemAdmin,
			Description: "Update role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleDeprecation},
		},
		{
			Name:        "identity:delete_role",
			Check:       systemAdmin,
			Description: "Delete role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleDeprecation},
		},
		{
			Name:        "identity:get_domain_role",
			Check:       systemReader,
			Description: "Show domain role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/roles/{role_id}", "HEAD /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleDeprecation},
		},
		{
			Name:        "identity:list_domain_roles",
			Check:       systemReader,
			Description: "List domain roles.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/roles?domain_id={domain_id}", "HEAD /v3/roles?domain_id={domain_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleDeprecation},
		},
		{
			Name:        "identity:create_domain_role",
			Check:       systemAdmin,
			Description: "Create domain role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/roles"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleDeprecation},
		},
		{
			Name:        "identity:update_domain_role",
			Check:       systemAdmin,
			Description: "Update domain role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleDeprecation},
		},
		{
			Name:        "identity:delete_domain_role",
			Check:       systemAdmin,
			Description: "Delete domain role.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleDeprecation},
		},
	}
}
