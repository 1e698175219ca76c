package identitypolicy

import "github.com/gostack/gostack/services/policy"

// identity:check_grant and its kin protect both user and group grants on
// both projects and domains, so a domain reader or admin is allowed when
// the actor (user or group) and the target (project or domain) are both
// in the token's domain; and, for check/create/revoke, when the role is
// global or belongs to that domain.
const (
	grantsDomainReader = "(role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or " +
		"(role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or " +
		"(role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or " +
		"(role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)"
	grantsDomainAdmin = "(role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or " +
		"(role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or " +
		"(role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or " +
		"(role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)"
	domainMatchesRole = "domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s"
)

const grantDeprecation = "The assignment API is now aware of system scope and default roles."

// grantRules returns the defaults for role grants on projects, domains and the system (keystone/common/policies/grant.py).
func grantRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:  "identity:check_grant",
			Check: "(" + systemReader + ") or (" + grantsDomainReader + ") and (" + domainMatchesRole + ")",
			Description: "Check a role grant between a target and an actor. A target can be either a domain or a project. " +
				"An actor can be either a user or a group. These terms also apply to the OS-INHERIT APIs, where " +
				"grants on the target are inherited to all projects in the subtree, if applicable.",
			ScopeTypes: []string{"system", "domain"},
			Operations: ops(
				"HEAD /v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
				"GET /v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
				"HEAD /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
				"GET /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
				"HEAD /v3/domains/{domain_id}/users/{user_id}/roles/{role_id}",
				"GET /v3/domains/{domain_id}/users/{user_id}/roles/{role_id}",
				"HEAD /v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
				"GET /v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
				"HEAD /v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"GET /v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"HEAD /v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
				"GET /v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
				"HEAD /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"GET /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"HEAD /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
				"GET /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
			),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:  "identity:list_grants",
			Check: "(" + systemReader + ") or " + grantsDomainReader,
			Description: "List roles granted to an actor on a target. A target can be either a domain or a project. An " +
				"actor can be either a user or a group. For the OS-INHERIT APIs, it is possible to list inherited " +
				"role grants for actors on domains, where grants are inherited to all projects in the specified " +
				"domain.",
			ScopeTypes: []string{"system", "domain"},
			Operations: ops(
				"GET /v3/projects/{project_id}/users/{user_id}/roles",
				"HEAD /v3/projects/{project_id}/users/{user_id}/roles",
				"GET /v3/projects/{project_id}/groups/{group_id}/roles",
				"HEAD /v3/projects/{project_id}/groups/{group_id}/roles",
				"GET /v3/domains/{domain_id}/users/{user_id}/roles",
				"HEAD /v3/domains/{domain_id}/users/{user_id}/roles",
				"GET /v3/domains/{domain_id}/groups/{group_id}/roles",
				"HEAD /v3/domains/{domain_id}/groups/{group_id}/roles",
				"GET /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/inherited_to_projects",
				"GET /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/inherited_to_projects",
			),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:  "identity:create_grant",
			Check: "(" + systemAdmin + ") or (" + grantsDomainAdmin + ") and (" + domainMatchesRole + ")",
			Description: "Create a role grant between a target and an actor. A target can be either a domain or a project. " +
				"An actor can be either a user or a group. These terms also apply to the OS-INHERIT APIs, where " +
				"grants on the target are inherited to all projects in the subtree, if applicable.",
			ScopeTypes: []string{"system", "domain"},
			Operations: ops(
				"PUT /v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
				"PUT /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
				"PUT /v3/domains/{domain_id}/users/{user_id}/roles/{role_id}",
				"PUT /v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
				"PUT /v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"PUT /v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
				"PUT /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"PUT /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
			),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:  "identity:revoke_grant",
			Check: "(" + systemAdmin + ") or (" + grantsDomainAdmin + ") and (" + domainMatchesRole + ")",
			Description: "Revoke a role grant between a target and an actor. A target can be either a domain or a project. " +
				"An actor can be either a user or a group. These terms also apply to the OS-INHERIT APIs, where " +
				"grants on the target are inherited to all projects in the subtree, if applicable. In that case, " +
				"revoking the role grant in the target would remove the logical effect of inheriting it to the " +
				"target's projects subtree.",
			ScopeTypes: []string{"system", "domain"},
			Operations: ops(
				"DELETE /v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
				"DELETE /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
				"DELETE /v3/domains/{domain_id}/users/{user_id}/roles/{role_id}",
				"DELETE /v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
				"DELETE /v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"DELETE /v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
				"DELETE /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects",
				"DELETE /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
			),
			Deprecated: &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:list_system_grants_for_user",
			Check:       systemReader,
			Description: "List all grants a specific user has on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("HEAD /v3/system/users/{user_id}/roles", "GET /v3/system/users/{user_id}/roles"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:check_system_grant_for_user",
			Check:       systemReader,
			Description: "Check if a user has a role on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("HEAD /v3/system/users/{user_id}/roles/{role_id}", "GET /v3/system/users/{user_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:create_system_grant_for_user",
			Check:       systemAdmin,
			Description: "Grant a user a role on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PUT /v3/system/users/{user_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:revoke_system_grant_for_user",
			Check:       systemAdmin,
			Description: "Remove a role from a user on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/system/users/{user_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:list_system_grants_for_group",
			Check:       systemReader,
			Description: "List all grants a specific group has on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("HEAD /v3/system/groups/{group_id}/roles", "GET /v3/system/groups/{group_id}/roles"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:check_system_grant_for_group",
			Check:       systemReader,
			Description: "Check if a group has a role on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("HEAD /v3/system/groups/{group_id}/roles/{role_id}", "GET /v3/system/groups/{group_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:create_system_grant_for_group",
			Check:       systemAdmin,
			Description: "Grant a group a role on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PUT /v3/system/groups/{group_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
		{
			Name:        "identity:revoke_system_grant_for_group",
			Check:       systemAdmin,
			Description: "Remove a role from a group on the system.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/system/groups/{group_id}/roles/{role_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: grantDeprecation},
		},
	}
}
