package policy

import "strings"

// node is a parsed check: oslo's BaseCheck tree. eval never allocates for
// the common checks (roles, constant matches, a single %(key)s of a
// string value).
type node interface {
	eval(c *Credentials, t Target) bool
	// String renders the check in oslo's canonical form: "@", "!",
	// "not X", "(X and Y)", "(X or Y)", "kind:match".
	String() string
}

type trueCheck struct{}

func (trueCheck) eval(*Credentials, Target) bool { return true }
func (trueCheck) String() string                 { return "@" }

type falseCheck struct{}

func (falseCheck) eval(*Credentials, Target) bool { return false }
func (falseCheck) String() string                 { return "!" }

type notCheck struct{ x node }

func (n *notCheck) eval(c *Credentials, t Target) bool { return !n.x.eval(c, t) }
func (n *notCheck) String() string                     { return "not " + n.x.String() }

type andCheck struct{ xs []node }

func (n *andCheck) eval(c *Credentials, t Target) bool {
	for _, x := range n.xs {
		if !x.eval(c, t) {
			return false
		}
	}
	return true
}

func (n *andCheck) String() string { return joinChecks(n.xs, " and ") }

type orCheck struct{ xs []node }

func (n *orCheck) eval(c *Credentials, t Target) bool {
	for _, x := range n.xs {
		if x.eval(c, t) {
			return true
		}
	}
	return false
}

func (n *orCheck) String() string { return joinChecks(n.xs, " or ") }

func joinChecks(xs []node, op string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return "(" + strings.Join(s, op) + ")"
}

// ruleCheck is rule:NAME. New links ref to the named rule's effective
// check, so evaluation follows a pointer, not a map.
type ruleCheck struct {
	name string
	ref  node
}

func (n *ruleCheck) eval(c *Credentials, t Target) bool {
	return n.ref != nil && n.ref.eval(c, t)
}

func (n *ruleCheck) String() string { return "rule:" + n.name }

// roleCheck is role:NAME, case-insensitive; NAME may substitute from the
// target.
type roleCheck struct{ m match }

func (n *roleCheck) eval(c *Credentials, t Target) bool {
	name, ok := n.m.render(t)
	return ok && c.hasRole(name)
}

func (n *roleCheck) String() string { return "role:" + n.m.raw }

// genericCheck is KIND:MATCH: a literal kind compared with the rendered
// match, or a credential path whose value is.
type genericCheck struct {
	kind    string
	literal string
	isLit   bool
	attr    attr
	m       match
}

func (n *genericCheck) eval(c *Credentials, t Target) bool {
	want, ok := n.m.render(t)
	if !ok {
		return false
	}
	if n.isLit {
		return n.literal == want
	}
	return n.attr.matches(c, want)
}

func (n *genericCheck) String() string { return n.kind + ":" + n.m.raw }
