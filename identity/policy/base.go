package identitypolicy

import (
	"slices"
	"strings"

	"github.com/gostack/gostack/services/policy"
)

// Check strings the identity:* rules share (keystone/common/policies/base.py).
// The explicit system_scope:all keeps system-only APIs closed to project
// readers while enforce_scope is off, which is the default.
const (
	systemReader      = "role:reader and system_scope:all"
	systemAdmin       = "role:admin and system_scope:all"
	ruleAdminRequired = "rule:admin_required"
	ruleAdminOrOwner  = "rule:admin_or_owner"
)

// baseRules returns the helper rules the others refer to with rule:NAME.
// Operators override them to change many rules at once (e.g. a cloud
// admin role named other than admin).
func baseRules() []policy.Rule {
	return []policy.Rule{
		// is_admin:1 never matches: keystone's credentials have no
		// is_admin, and True is not "1". It is kept because operators'
		// files copy it.
		{Name: "admin_required", Check: "role:admin or is_admin:1"},
		{Name: "service_role", Check: "role:service"},
		{Name: "service_or_admin", Check: "rule:admin_required or rule:service_role"},
		{Name: "owner", Check: "user_id:%(user_id)s"},
		{Name: "admin_or_owner", Check: "rule:admin_required or rule:owner"},
		{Name: "token_subject", Check: "user_id:%(target.token.user_id)s"},
		{Name: "admin_or_token_subject", Check: "rule:admin_required or rule:token_subject"},
		{Name: "service_admin_or_token_subject", Check: "rule:service_or_admin or rule:token_subject"},
	}
}

// ops turns "METHOD /path" strings into operations.
func ops(specs ...string) []policy.Operation {
	out := make([]policy.Operation, len(specs))
	for i, s := range specs {
		method, path, _ := strings.Cut(s, " ")
		out[i] = policy.Operation{Method: method, Path: strings.TrimSpace(path)}
	}
	return out
}

// replacing is a rule of the given scopes whose check replaced old (its
// deprecated default), for the families written alike.
func replacing(name, check, description string, scopes []string, old policy.DeprecatedRule, operations ...string) policy.Rule {
	return policy.Rule{Name: "identity:" + name, Check: check, Description: description, ScopeTypes: slices.Clone(scopes),
		Operations: ops(operations...), Deprecated: &old}
}

var (
	systemScope        = []string{"system"}
	systemProjectScope = []string{"system", "project"}
)
