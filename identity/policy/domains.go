package identitypolicy

import "github.com/gostack/gostack/services/policy"

const domainDeprecation = "The domain API is now aware of system scope and default roles."

// domainRules returns the defaults for domains (keystone/common/policies/domain.py).
func domainRules() []policy.Rule {
	return []policy.Rule{
		{
			Name: "identity:get_domain",
			Check: "(role:reader and system_scope:all) or token.domain.id:%(target.domain.id)s or " +
				"token.project.domain.id:%(target.domain.id)s",
			Description: "Show domain details.",
			ScopeTypes:  []string{"system", "domain", "project"},
			Operations:  ops("GET /v3/domains/{domain_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: "rule:admin_required or token.project.domain.id:%(target.domain.id)s", Since: "S", Reason: domainDeprecation},
		},
		{
			Name:        "identity:list_domains",
			Check:       systemReader,
			Description: "List domains.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("GET /v3/domains"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: domainDeprecation},
		},
		{
			Name:        "identity:create_domain",
			Check:       systemAdmin,
			Description: "Create domain.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("POST /v3/domains"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: domainDeprecation},
		},
		{
			Name:        "identity:update_domain",
			Check:       systemAdmin,
			Description: "Update domain.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("PATCH /v3/domains/{domain_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: domainDeprecation},
		},
		{
			Name:        "identity:delete_domain",
			Check:       systemAdmin,
			Description: "Delete domain.",
			ScopeTypes:  []string{"system"},
			Operations:  ops("DELETE /v3/domains/{domain_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: domainDeprecation},
		},
	}
}
