package identitypolicy

import "github.com/gostack/gostack/services/policy"

const policyDeprecation = "The policy API is now aware of system scope and default roles."

// policyRules returns the defaults for policy blobs (keystone/common/policies/policy.py).
func policyRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_policy",
			Check:       systemReader,
			Description: "Show policy details.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/policies/{policy_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation},
		},
		{
			Name:        "identity:list_policies",
			Check:       systemReader,
			Description: "List policies.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/policies"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation},
		},
		{
			Name:        "identity:create_policy",
			Check:       systemAdmin,
			Description: "Create policy.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/policies"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation},
		},
		{
			Name:        "identity:update_policy",
			Check:       systemAdmin,
			Description: "Update policy.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/policies/{policy_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation},
		},
		{
			Name:        "identity:delete_policy",
			Check:       systemAdmin,
			Description: "Delete policy.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/policies/{policy_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation},
		},
	}
}
