package policy

import "errors"

// Sentinels for errors.Is. Errors from New wrap ErrSyntax, ErrUnknownRule or
// ErrCycle and name the rule; errors from Enforce wrap ErrUnknownRule or
// ErrInvalidScope in the *fault.Error's cause.
var (
	// ErrSyntax: a check string or policy file does not parse.
	ErrSyntax = errors.New("policy syntax error")
	// ErrUnknownRule: a rule name (in Enforce, or in a rule:NAME check)
	// that no default or override defines.
	ErrUnknownRule = errors.New("unknown policy rule")
	// ErrCycle: rules that refer to each other in a loop.
	ErrCycle = errors.New("cyclic policy rule references")
	// ErrInvalidScope: with enforce_scope, a token whose scope is not
	// among the rule's scope_types.
	ErrInvalidScope = errors.New("token scope not allowed by policy")
)
