package identitypolicy

import "github.com/gostack/gostack/services/policy"

const tokenDeprecation = "The token API is now aware of system scope and default roles."

// tokenRules returns the defaults for token validation and revocation (keystone/common/policies/token.py and token_revocation.py).
func tokenRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:  "identity:revocation_list",
			Check: "rule:service_or_admin",
			Description: "List revoked PKI tokens. Deprecated for removal since T: The identity:revocation_list policy " +
				"isn't used to protect any APIs in keystone now that the revocation list API has been deprecated " +
				"and only returns a 410 or 403 depending on how keystone is configured. This policy can be safely " +
				"removed from policy files.",
			ScopeTypes: []string{"system", "project"},
			Operations: ops("GET /v3/auth/tokens/OS-PKI/revoked"),
		},
		{
			Name:        "identity:check_token",
			Check:       "(role:reader and system_scope:all) or rule:token_subject",
			Description: "Check a token.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("HEAD /v3/auth/tokens"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_or_token_subject", Since: "T", Reason: tokenDeprecation},
		},
		{
			Name:        "identity:validate_token",
			Check:       "(role:reader and system_scope:all) or rule:service_role or rule:token_subject",
			Description: "Validate a token.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/auth/tokens"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:service_admin_or_token_subject", Since: "T", Reason: tokenDeprecation},
		},
		{
			Name:        "identity:revoke_token",
			Check:       "(role:admin and system_scope:all) or rule:token_subject",
			Description: "Revoke a token.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("DELETE /v3/auth/tokens"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_or_token_subject", Since: "T", Reason: tokenDeprecation},
		},
	}
}
