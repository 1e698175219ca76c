package identitypolicy

import "github.com/gostack/gostack/services/policy"

const regionDeprecation = "The region API is now aware of system scope and default roles."

// regionRules returns the defaults for regions (keystone/common/policies/region.py).
func regionRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_region",
			Check:       "",
			Description: "Show region details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/regions/{region_id}", "HEAD /v3/regions/{region_id}"),
		},
		{
			Name:        "identity:list_regions",
			Check:       "",
			Description: "List regions.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/regions", "HEAD /v3/regions"),
		},
		{
			Name:        "identity:create_region",
			Check:       systemAdmin,
			Description: "Create region.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/regions", "PUT /v3/regions/{region_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: regionDeprecation},
		},
		{
			Name:        "identity:update_region",
			Check:       systemAdmin,
			Description: "Update region.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/regions/{region_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: regionDeprecation},
		},
		{
			Name:        "identity:delete_region",
			Check:       systemAdmin,
			Description: "Delete region.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/regions/{region_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: regionDeprecation},
		},
	}
}
