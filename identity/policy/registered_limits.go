package identitypolicy

import "github.com/gostack/gostack/services/policy"

// registeredLimitRules returns the defaults for registered limits (keystone/common/policies/registered_limit.py).
func registeredLimitRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_registered_limit",
			Check:       "",
			Description: "Show registered limit details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/registered_limits/{registered_limit_id}", "HEAD /v3/registered_limits/{registered_limit_id}"),
		},
		{
			Name:        "identity:list_registered_limits",
			Check:       "",
			Description: "List registered limits.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/registered_limits", "HEAD /v3/registered_limits"),
		},
		{
			Name:        "identity:create_registered_limits",
			Check:       systemAdmin,
			Description: "Create registered limits.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/registered_limits"),
		},
		{
			Name:        "identity:update_registered_limit",
			Check:       systemAdmin,
			Description: "Update registered limit.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/registered_limits/{registered_limit_id}"),
		},
		{
			Name:        "identity:delete_registered_limit",
			Check:       systemAdmin,
			Description: "Delete registered limit.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/registered_limits/{registered_limit_id}"),
		},
	}
}
