package identitypolicy

import "github.com/gostack/gostack/services/policy"

const impliedRoleDeprecation = "The implied role API is now aware of system scope and default roles."

// impliedRoleRules returns the defaults for implied roles (keystone/common/policies/implied_role.py).
func impliedRoleRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:  "identity:get_implied_role",
			Check: systemReader,
			Description: "Get information about an association between two roles. When a relationship exists between a " +
				"prior role and an implied role and the prior role is assigned to a user, the user also assumes " +
				"the implied role.",
			ScopeTypes: []string{"system"},
			Operations: ops("GET /v3/roles/{prior_role_id}/implies/{implied_role_id}"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
		{
			Name:  "identity:list_implied_roles",
			Check: systemReader,
			Description: "List associations between two roles. When a relationship exists between a prior role and an " +
				"implied role and the prior role is assigned to a user, the user also assumes the implied role. " +
				"This will return all the implied roles that would be assumed by the user who gets the specified " +
				"prior role.",
			ScopeTypes: []string{"system"},
			Operations: ops("GET /v3/roles/{prior_role_id}/implies", "HEAD /v3/roles/{prior_role_id}/implies"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
		{
			Name:  "identity:create_implied_role",
			Check: systemAdmin,
			Description: "Create an association between two roles. When a relationship exists between a prior role and an " +
				"implied role and the prior role is assigned to a user, the user also assumes the implied role.",
			ScopeTypes: []string{"system"},
			Operations: ops("PUT /v3/roles/{prior_role_id}/implies/{implied_role_id}"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
		{
			Name:  "identity:delete_implied_role",
			Check: systemAdmin,
			Description: "Delete the association between two roles. When a relationship exists between a prior role and an " +
				"implied role and the prior role is assigned to a user, the user also assumes the implied role. " +
				"Removing the association will cause that effect to be eliminated.",
			ScopeTypes: []string{"system"},
			Operations: ops("DELETE /v3/roles/{prior_role_id}/implies/{implied_role_id}"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
		{
			Name:  "identity:list_role_inference_rules",
			Check: systemReader,
			Description: "List all associations between two roles in the system. When a relationship exists between a " +
				"prior role and an implied role and the prior role is assigned to a user, the user also assumes " +
				"the implied role.",
			ScopeTypes: []string{"system"},
			Operations: ops("GET /v3/role_inferences", "HEAD /v3/role_inferences"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
		{
			Name:  "identity:check_implied_role",
			Check: systemReader,
			Description: "Check an association between two roles. When a relationship exists between a prior role and an " +
				"implied role and the prior role is assigned to a user, the user also assumes the implied role.",
			ScopeTypes: []string{"system"},
			Operations: ops("HEAD /v3/roles/{prior_role_id}/implies/{implied_role_id}"),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: impliedRoleDeprecation},
		},
	}
}
