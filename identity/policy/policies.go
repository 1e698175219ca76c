package identitypolicy

import "github.com/gostack/gostack/services/policy"

const policyDeprecation = "The policy API is now aware of system scope and default roles."

// policyRules returns the defaults for policy blobs (keystone/common/policies/policy.py).
func policyRules() []policy.Rule {
	const one = "/v3/policies/{policy_id}"
	old := policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: policyDeprecation}
	return []policy.Rule{
		replacing("get_policy", systemReader, "Show policy details.", systemScope, old, "GET "+one),
		replacing("list_policies", systemReader, "List policies.", systemScope, old, "GET /v3/policies"),
		replacing("create_policy", systemAdmin, "Create policy.", systemScope, old, "POST /v3/policies"),
		replacing("update_policy", systemAdmin, "Update policy.", systemScope, old, "PATCH "+one),
		replacing("delete_policy", systemAdmin, "Delete policy.", systemScope, old, "DELETE "+one),
	}
}
