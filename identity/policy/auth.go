package identitypolicy

import "github.com/gostack/gostack/services/policy"

// authRules returns the defaults for token-authenticated discovery: /v3/auth/catalog, projects, domains, system (keystone/common/policies/auth.py).
func authRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_auth_catalog",
			Check:       "",
			Description: "Get service catalog.",
			Operations:  ops("GET /v3/auth/catalog", "HEAD /v3/auth/catalog"),
		},
		{
			Name:        "identity:get_auth_projects",
			Check:       "",
			Description: "List all projects a user has access to via role assignments.",
			Operations:  ops("GET /v3/auth/projects", "HEAD /v3/auth/projects"),
		},
		{
			Name:        "identity:get_auth_domains",
			Check:       "",
			Description: "List all domains a user has access to via role assignments.",
			Operations:  ops("GET /v3/auth/domains", "HEAD /v3/auth/domains"),
		},
		{
			Name:        "identity:get_auth_system",
			Check:       "",
			Description: "List systems a user has access to via role assignments.",
			Operations:  ops("GET /v3/auth/system", "HEAD /v3/auth/system"),
		},
	}
}
