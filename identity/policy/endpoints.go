package identitypolicy

import "github.com/gostack/gostack/services/policy"

const endpointDeprecation = "The endpoint API is now aware of system scope and default roles."

// endpointRules returns the defaults for catalog endpoints (keystone/common/policies/endpoint.py).
func endpointRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_endpoint",
			Check:       systemReader,
			Description: "Show endpoint details.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/endpoints/{endpoint_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: endpointDeprecation},
		},
		{
			Name:        "identity:list_endpoints",
			Check:       systemReader,
			Description: "List endpoints.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/endpoints"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: endpointDeprecation},
		},
		{
			Name:        "identity:create_endpoint",
			Check:       systemAdmin,
			Description: "Create endpoint.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/endpoints"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: endpointDeprecation},
		},
		{
			Name:        "identity:update_endpoint",
			Check:       systemAdmin,
			Description: "Update endpoint.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/endpoints/{endpoint_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: endpointDeprecation},
		},
		{
			Name:        "identity:delete_endpoint",
			Check:       systemAdmin,
			Description: "Delete endpoint.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/endpoints/{endpoint_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: endpointDeprecation},
		},
	}
}
