package policy

import (
	"fmt"
	"slices"

	"github.com/gostack/gostack/services/fault"
)

// Enforcer holds a service's rules, defaults merged with the operator's
// overrides, parsed and linked once. It is immutable and safe for
// concurrent use.
type Enforcer struct {
	rules  map[string]*entry
	opts   Options
	denied string
}

type entry struct {
	check  node
	scopes []string // of the default rule; nil for rules only in the file
}

// Enforce returns nil when the credentials satisfy the rule for the
// target. Otherwise it returns a *fault.Error of kind fault.Forbidden
// whose message names the rule (see Options.DeniedFormat); with
// enforce_scope, a token of the wrong scope gets the same error, whose
// cause wraps ErrInvalidScope. A rule name the Enforcer does not know is
// a caller bug: a fault.Internal wrapping ErrUnknownRule.
func (e *Enforcer) Enforce(creds *Credentials, rule string, target Target) error {
	r, ok := e.rules[rule]
	if !ok {
		return fault.Wrap(fmt.Errorf("%w: %q", ErrUnknownRule, rule), fault.Internal,
			"The policy rule %s is not defined.", rule)
	}
	if creds == nil {
		return e.deny(rule, nil)
	}
	if err := e.scopeError(r, creds, rule); err != nil {
		return e.deny(rule, err)
	}
	if !r.check.eval(creds, target) {
		return e.deny(rule, nil)
	}
	return nil
}

// Check reports whether Enforce would allow the request; an unknown rule
// is not allowed.
func (e *Enforcer) Check(creds *Credentials, rule string, target Target) bool {
	r, ok := e.rules[rule]
	return ok && creds != nil && e.scopeError(r, creds, rule) == nil && r.check.eval(creds, target)
}

// Has reports whether a rule is defined, by default or by the policy
// file; services check the names they enforce at start-up.
func (e *Enforcer) Has(rule string) bool {
	_, ok := e.rules[rule]
	return ok
}

// Effective returns the check string in force for a rule, in oslo's
// canonical form: the override, or the default, OR'ed with its deprecated
// default unless enforce_new_defaults.
func (e *Enforcer) Effective(rule string) (string, bool) {
	r, ok := e.rules[rule]
	if !ok {
		return "", false
	}
	return r.check.String(), true
}

// Names returns the names of all rules, sorted.
func (e *Enforcer) Names() []string {
	return sortedKeys(e.rules)
}

func (e *Enforcer) scopeError(r *entry, creds *Credentials, rule string) error {
	if !e.opts.EnforceScope || len(r.scopes) == 0 {
		return nil
	}
	scope := creds.Scope()
	if slices.Contains(r.scopes, scope) {
		return nil
	}
	return fmt.Errorf("%w: %s requires a scope of %v, request was made with %s scope",
		ErrInvalidScope, rule, r.scopes, scope)
}

func (e *Enforcer) deny(rule string, cause error) error {
	return &fault.Error{Kind: fault.Forbidden, Message: fmt.Sprintf(e.denied, rule), Cause: cause}
}
