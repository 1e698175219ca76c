package identitypolicy

import "github.com/gostack/gostack/services/policy"

const projectDeprecation = "The project API is now aware of system scope and default roles."

// projectRules returns the defaults for projects, a user's projects and project tags (keystone/common/policies/project.py).
func projectRules() []policy.Rule {
	return []policy.Rule{
		{
			Name: "identity:get_project",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s) " +
				"or project_id:%(target.project.id)s",
			Description: "Show project details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/projects/{project_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_required or project_id:%(target.project.id)s", Since: "S", Reason: projectDeprecation},
		},
		{
			Name:        "identity:list_projects",
			Check:       "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
			Description: "List projects.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("GET /v3/projects"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: projectDeprecation},
		},
		{
			Name: "identity:list_user_projects",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s) or " +
				"user_id:%(target.user.id)s",
			Description: "List projects for user.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/users/{user_id}/projects"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "S", Reason: projectDeprecation},
		},
		{
			Name:        "identity:create_project",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s)",
			Description: "Create project.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("POST /v3/projects"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: projectDeprecation},
		},
		{
			Name:        "identity:update_project",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s)",
			Description: "Update project.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("PATCH /v3/projects/{project_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: projectDeprecation},
		},
		{
			Name:        "identity:delete_project",
			Check:       "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s)",
			Description: "Delete project.",
			ScopeTypes:  []string{"system", "domain"},
			Operations:  ops("DELETE /v3/projects/{project_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: projectDeprecation},
		},
		{
			Name: "identity:list_project_tags",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s) " +
				"or project_id:%(target.project.id)s",
			Description: "List tags for a project.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/projects/{project_id}/tags", "HEAD /v3/projects/{project_id}/tags"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_required or project_id:%(target.project.id)s", Since: "T", Reason: projectDeprecation},
		},
		{
			Name: "identity:get_project_tag",
			Check: "(role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s) " +
				"or project_id:%(target.project.id)s",
			Description: "Check if project contains a tag.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/projects/{project_id}/tags/{value}", "HEAD /v3/projects/{project_id}/tags/{value}"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_required or project_id:%(target.project.id)s", Since: "T", Reason: projectDeprecation},
		},
		{
			Name: "identity:update_project_tags",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s) or " +
				"(role:admin and project_id:%(target.project.id)s)",
			Description: "Replace all tags on a project with the new set of tags.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("PUT /v3/projects/{project_id}/tags"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: projectDeprecation},
		},
		{
			Name: "identity:create_project_tag",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s) or " +
				"(role:admin and project_id:%(target.project.id)s)",
			Description: "Add a single tag to a project.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("PUT /v3/projects/{project_id}/tags/{value}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: projectDeprecation},
		},
		{
			Name: "identity:delete_project_tags",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s) or " +
				"(role:admin and project_id:%(target.project.id)s)",
			Description: "Remove all tags from a project.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("DELETE /v3/projects/{project_id}/tags"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: projectDeprecation},
		},
		{
			Name: "identity:delete_project_tag",
			Check: "(role:admin and system_scope:all) or (role:admin and domain_id:%(target.project.domain_id)s) or " +
				"(role:admin and project_id:%(target.project.id)s)",
			Description: "Delete a specified tag from project.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("DELETE /v3/projects/{project_id}/tags/{value}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: projectDeprecation},
		},
	}
}
