package policy

// Rule is a default rule a service declares in code, oslo's
// DocumentedRuleDefault: its name (e.g. "identity:get_user", or a helper
// such as "admin_required"), its check string, and what it is for.
type Rule struct {
	Name        string
	Check       string // the check string; "" allows everyone
	Description string
	// ScopeTypes are the token scopes the rule is meant for: "system",
	// "domain", "project". Empty means any; see Options.EnforceScope.
	ScopeTypes []string
	Operations []Operation // the API calls the rule protects
	// Deprecated is the rule this one replaces, when its check string
	// changed; see Options.EnforceNewDefaults.
	Deprecated *DeprecatedRule
}

// Operation is an HTTP method and path template the rule protects, e.g.
// GET /v3/users/{user_id}.
type Operation struct {
	Method string
	Path   string
}

// DeprecatedRule is the previous default of a rule, oslo's DeprecatedRule.
type DeprecatedRule struct {
	Name   string // the rule's old name if it was renamed; "" if not
	Check  string
	Reason string
	Since  string // the release that deprecated it, e.g. "W"
}
