package identitypolicy

import "github.com/gostack/gostack/services/policy"

const groupDeprecation = "The group API is now aware of system scope and default roles."

// groupRules returns the defaults for groups and group membership (keystone/common/policies/group.py).
func groupRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_group",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
			Description: "Show group details.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/groups/{group_id}", "HEAD /v3/groups/{group_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name:        "identity:list_groups",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
			Description: "List groups.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/groups", "HEAD /v3/groups"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name: "identity:list_groups_for_user",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s) or " +
				"user_id:%(user_id)s",
			Description: "List groups to which a user belongs.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/users/{user_id}/groups", "HEAD /v3/users/{user_id}/groups"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "S", Reason: groupDeprecation},
		},
		{
			Name:        "identity:create_group",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.group.domain_id)s)",
			Description: "Create group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("POST /v3/groups"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name:        "identity:update_group",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.group.domain_id)s)",
			Description: "Update group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("PATCH /v3/groups/{group_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name:        "identity:delete_group",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.group.domain_id)s)",
			Description: "Delete group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("DELETE /v3/groups/{group_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name:        "identity:list_users_in_group",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
			Description: "List members of a specific group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/groups/{group_id}/users", "HEAD /v3/groups/{group_id}/users"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name: "identity:remove_user_from_group",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.group.domain_id)s and " +
				"domain_id:%(target.user.domain_id)s)",
			Description: "Remove user from group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("DELETE /v3/groups/{group_id}/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name: "identity:check_user_in_group",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s and " +
				"domain_id:%(target.user.domain_id)s)",
			Description: "Check whether a user is a member of a group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("HEAD /v3/groups/{group_id}/users/{user_id}", "GET /v3/groups/{group_id}/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
		{
			Name: "identity:add_user_to_group",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.group.domain_id)s and " +
				"domain_id:%(target.user.domain_id)s)",
			Description: "Add user to group.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("PUT /v3/groups/{group_id}/users/{user_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: groupDeprecation},
		},
	}
}
