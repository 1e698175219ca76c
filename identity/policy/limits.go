package identitypolicy

import "github.com/gostack/gostack/services/policy"

// limitRules returns the defaults for project and domain limits (keystone/common/policies/limit.py).
func limitRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_limit_model",
			Check:       "",
			Description: "Get limit enforcement model.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/limits/model", "HEAD /v3/limits/model"),
		},
		{
			Name: "identity:get_limit",
			Check: "(role:reader and system_scope:all) or (domain_id:%(target.limit.domain.id)s or " +
				"domain_id:%(target.limit.project.domain_id)s) or (project_id:%(target.limit.project_id)s and not " +
				"None:%(target.limit.project_id)s)",
			Description: "Show limit details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/limits/{limit_id}", "HEAD /v3/limits/{limit_id}"),
		},
		{
			Name:        "identity:list_limits",
			Check:       "",
			Description: "List limits.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/limits", "HEAD /v3/limits"),
		},
		{
			Name:        "identity:create_limits",
			Check:       systemAdmin,
			Description: "Create limits.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/limits"),
		},
		{
			Name:        "identity:update_limit",
			Check:       systemAdmin,
			Description: "Update limit.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/limits/{limit_id}"),
		},
		{
			Name:        "identity:delete_limit",
			Check:       systemAdmin,
			Description: "Delete limit.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/limits/{limit_id}"),
		},
	}
}
