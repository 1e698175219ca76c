package identitypolicy

import "github.com/gostack/gostack/services/policy"

const roleAssignmentDeprecation = "The assignment API is now aware of system scope and default roles."

// roleAssignmentRules returns the defaults for role assignment listings (keystone/common/policies/role_assignment.py).
func roleAssignmentRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:list_role_assignments",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
			Description: "List role assignments.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/role_assignments", "HEAD /v3/role_assignments"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: roleAssignmentDeprecation},
		},
		{
			Name: "identity:list_role_assignments_for_tree",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s) " +
				"or (role:admin and project_id:%(target.project.id)s)",
			Description: "List all role assignments for a given tree of hierarchical projects.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/role_assignments?include_subtree", "HEAD /v3/role_assignments?include_subtree"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: roleAssignmentDeprecation},
		},
	}
}
