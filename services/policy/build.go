package policy

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// New builds an Enforcer from a service's default rules and the
// operator's overrides (from ReadFile or OverridesFrom; nil for none).
//
// A rule in overrides replaces its default outright, deprecated default
// included. A default left alone is in force as its check string, OR'ed
// with its deprecated check string unless opts.EnforceNewDefaults, as
// oslo's Enforcer.load_rules and _handle_deprecated_rule decide. If a
// renamed rule's old name is overridden and the new name is not, the old
// override applies to the new name. Overrides may add rules of their own
// for rule:NAME checks.
//
// Every problem is reported at once, each naming its rule: a duplicate
// default, a check string that does not parse (ErrSyntax), a reference to
// a rule nobody defines (ErrUnknownRule), a cycle (ErrCycle).
func New(defaults []Rule, overrides map[string]string, opts Options) (*Enforcer, error) {
	e := &Enforcer{rules: make(map[string]*entry, len(defaults)+len(overrides)), opts: opts, denied: opts.DeniedFormat}
	if e.denied == "" {
		e.denied = DeniedFormat
	}
	var errs []error

	file := make(map[string]node, len(overrides))
	for _, name := range sortedKeys(overrides) {
		n, err := parse(overrides[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("policy file: rule %q: %w", name, err))
			continue
		}
		file[name] = n
		e.rules[name] = &entry{check: n}
	}

	seen := make(map[string]bool, len(defaults))
	for _, r := range defaults {
		if seen[r.Name] {
			errs = append(errs, fmt.Errorf("default rule %q is declared twice", r.Name))
			continue
		}
		seen[r.Name] = true
		scopes := slices.Clone(r.ScopeTypes)
		if n, ok := file[r.Name]; ok {
			e.rules[r.Name] = &entry{check: n, scopes: scopes}
			continue
		}
		if _, bad := overrides[r.Name]; bad {
			continue // its parse error is already reported
		}
		n, err := effective(r, file, opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("default rule %q: %w", r.Name, err))
			continue
		}
		e.rules[r.Name] = &entry{check: n, scopes: scopes}
	}

	if len(errs) == 0 {
		errs = append(errs, e.link()...)
	}
	if len(errs) == 0 {
		errs = append(errs, e.findCycles()...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// effective is a default rule's check in force when the file does not
// override it.
func effective(r Rule, file map[string]node, opts Options) (node, error) {
	n, err := parse(r.Check)
	if err != nil {
		return nil, err
	}
	d := r.Deprecated
	if d == nil {
		return n, nil
	}
	old, err := parse(d.Check)
	if err != nil {
		return nil, fmt.Errorf("deprecated default: %w", err)
	}
	if renamed, ok := file[d.Name]; ok && d.Name != "" && d.Name != r.Name {
		// The operator customised the old name: keep their rule rather
		// than widen or narrow access on upgrade, unless the file merely
		// points the old name at the new one.
		s := renamed.String()
		if s != "rule:"+r.Name && s != old.String() {
			return renamed, nil
		}
	}
	if !opts.EnforceNewDefaults && d.Check != r.Check {
		return &orCheck{xs: []node{n, old}}, nil
	}
	return n, nil
}

// link points every rule:NAME check at its rule.
func (e *Enforcer) link() []error {
	var errs []error
	for _, name := range sortedKeys(e.rules) {
		visit(e.rules[name].check, func(n node) {
			rc, ok := n.(*ruleCheck)
			if !ok {
				return
			}
			target, ok := e.rules[rc.name]
			if !ok {
				errs = append(errs, fmt.Errorf("rule %q: %w %q in rule:%s", name, ErrUnknownRule, rc.name, rc.name))
				return
			}
			rc.ref = target.check
		})
	}
	return errs
}

// findCycles reports each rule that reaches itself through rule:NAME
// checks.
func (e *Enforcer) findCycles() []error {
	const (
		unvisited = iota
		onPath
		done
	)
	state := make(map[string]int, len(e.rules))
	var errs []error
	var dfs func(name string, path []string)
	dfs = func(name string, path []string) {
		switch state[name] {
		case onPath:
			i := slices.Index(path, name)
			errs = append(errs, fmt.Errorf("rule %q: %w: %v", name, ErrCycle, slices.Concat(path[i:], []string{name})))
			return
		case done:
			return
		}
		state[name] = onPath
		path = append(path, name)
		visit(e.rules[name].check, func(n node) {
			if rc, ok := n.(*ruleCheck); ok {
				dfs(rc.name, path)
			}
		})
		state[name] = done
	}
	for _, name := range sortedKeys(e.rules) {
		dfs(name, nil)
	}
	return errs
}

// visit calls fn on n and every check under it, not following rule:NAME.
func visit(n node, fn func(node)) {
	fn(n)
	switch n := n.(type) {
	case *notCheck:
		visit(n.x, fn)
	case *andCheck:
		for _, x := range n.xs {
			visit(x, fn)
		}
	case *orCheck:
		for _, x := range n.xs {
			visit(x, fn)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
