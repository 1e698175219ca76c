package identitypolicy

import "github.com/gostack/gostack/services/policy"

const serviceDeprecation = "The service API is now aware of system scope and default roles."

// serviceRules returns the defaults for catalog services (keystone/common/policies/service.py).
func serviceRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_service",
			Check:       systemReader,
			Description: "Show service details.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/services/{service_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: serviceDeprecation},
		},
		{
			Name:        "identity:list_services",
			Check:       systemReader,
			Description: "List services.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/services"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: serviceDeprecation},
		},
		{
			Name:        "identity:create_service",
			Check:       systemAdmin,
			Description: "Create service.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/services"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: serviceDeprecation},
		},
		{
			Name:        "identity:update_service",
			Check:       systemAdmin,
			Description: "Update service.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/services/{service_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: serviceDeprecation},
		},
		{
			Name:        "identity:delete_service",
			Check:       systemAdmin,
			Description: "Delete service.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/services/{service_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: serviceDeprecation},
		},
	}
}
