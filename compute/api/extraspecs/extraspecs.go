// Package extraspecs validates flavor extra specs the way nova's compute
// API does from microversion 2.86 ("flavor extra spec validation").
//
// Nova Zed registers the extra specs it knows, by namespace: accel,
// aggregate_instance_extra_specs, capabilities, hw, hw_rng, hw_video, os,
// pci_passthrough, quota, resources{group}, trait{group} and vmware, plus
// the unnamespaced group_policy and hide_hypervisor_id. A key is checked
// against that table: a known key's value must be of its type (string,
// integer or boolean-like) and within its enum, range or pattern; a key
// in a known namespace that matches no registered extra spec is refused;
// any other key (an unknown namespace, or no namespace) passes unchecked.
// The messages are nova's, word for word.
package extraspecs

import (
	"math/big"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/gostack/gostack/services/fault"
)

// kind is the type of an extra spec's value.
type kind int

const (
	text    kind = iota // any string, or one of enum, or matching pattern
	integer             // a (Python) integer, optionally within min..max
	boolean             // a boolean-like string: 1/0, t/f, true/false, on/off, y/n, yes/no
)

// param is a placeholder in a parameterised name, such as the {num} of
// "hw:numa_cpus.{num}", and the pattern it stands for.
type param struct {
	name, pattern string
}

// spec is one registered extra spec: its name as nova documents it (with
// {param} placeholders) and the constraints on its value.
type spec struct {
	name    string
	params  []param
	kind    kind
	enum    []string // text: the allowed values
	pattern string   // text: the value must match it whole (nova's pattern, shown in the error)
	min     *big.Int // integer: the smallest allowed value, if any
	max     *big.Int // integer: the largest allowed value, if any
}

// with returns the spec with one more name parameter.
func (s spec) with(name, pattern string) spec {
	s.params = append(slices.Clip(s.params), param{name, pattern})
	return s
}

// atLeast returns the integer spec with a minimum.
func (s spec) atLeast(n int64) spec { s.min = big.NewInt(n); return s }

// atMost returns the integer spec with a maximum.
func (s spec) atMost(n int64) spec { s.max = big.NewInt(n); return s }

func anyString(name string) spec { return spec{name: name, kind: text} }

func oneOf(name string, values ...string) spec { return spec{name: name, kind: text, enum: values} }

func matching(name, pattern string) spec { return spec{name: name, kind: text, pattern: pattern} }

func integerSpec(name string) spec { return spec{name: name, kind: integer} }

func boolSpec(name string) spec { return spec{name: name, kind: boolean} }

// compiled is a spec with its name and value expressions.
type compiled struct {
	spec
	nameRE  *regexp.Regexp
	valueRE *regexp.Regexp
}

// table is the registry in the form Validate searches it.
type table struct {
	byName     map[string]*compiled // by the documented name
	ordered    []*compiled          // in registration order, for parameterised names
	namespaces []*regexp.Regexp     // the namespaces nova recognises, as expressions
}

// whole anchors an expression so that it must match all of a string, as
// Python's re.fullmatch does.
func whole(expr string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + expr + `)$`) }

// compile builds the table. A name's expression is its documented name
// with each {param} replaced by the parameter's pattern and the rest left
// as written, as nova builds it (so the "." of "hw:numa_cpus.{num}"
// matches any character there, as it does in nova). A namespace is what
// precedes the first ':' of a name's expression.
func compile(specs []spec) *table {
	t := &table{byName: map[string]*compiled{}}
	seen := map[string]bool{}
	for _, s := range specs {
		expr := s.name
		for _, p := range s.params {
			expr = strings.ReplaceAll(expr, "{"+p.name+"}", "(?P<"+p.name+">"+p.pattern+")")
		}
		c := &compiled{spec: s, nameRE: whole(expr)}
		if s.pattern != "" {
			c.valueRE = whole(s.pattern)
		}
		if old, dup := t.byName[s.name]; dup {
			// a later registration replaces an earlier one in place
			t.ordered[slices.Index(t.ordered, old)] = c
		} else {
			t.ordered = append(t.ordered, c)
		}
		t.byName[s.name] = c
		if ns, _, ok := strings.Cut(expr, ":"); ok && !seen[ns] {
			seen[ns] = true
			t.namespaces = append(t.namespaces, whole(ns))
		}
	}
	return t
}

var registry = sync.OnceValue(func() *table { return compile(registered()) })

// Validate checks one extra spec as nova does from microversion 2.86. It
// returns nil for a valid extra spec and for one nova does not know (an
// unknown namespace or no namespace), and otherwise a fault.Invalid with
// nova's message.
func Validate(key, value string) error {
	t := registry()
	if c, ok := t.byName[key]; ok {
		return c.check(value)
	}
	for _, c := range t.ordered {
		if c.nameRE.MatchString(key) {
			return c.check(value)
		}
	}
	ns, _, ok := strings.Cut(key, ":")
	if !ok {
		return nil
	}
	for _, re := range t.namespaces {
		if re.MatchString(ns) {
			return fault.New(fault.Invalid, "Validation failed; extra spec '%s' does not appear to be a valid extra spec.", key)
		}
	}
	return nil
}

// check validates a value against the spec.
func (c *compiled) check(value string) error {
	switch c.kind {
	case integer:
		n, ok := pythonInt(value)
		if !ok {
			return fault.New(fault.Invalid, "Validation failed; '%s' is not a valid integer value.", value)
		}
		if c.max != nil && c.max.Cmp(n) < 0 {
			return fault.New(fault.Invalid, "Validation failed; '%s' is greater than the max value of '%s'.", n, c.max)
		}
		if c.min != nil && c.min.Cmp(n) > 0 {
			return fault.New(fault.Invalid, "Validation failed; '%s' is less than the min value of '%s'.", n, c.min)
		}
	case boolean:
		switch strings.ToLower(strings.TrimSpace(value)) {
		case "1", "t", "true", "on", "y", "yes", "0", "f", "false", "off", "n", "no":
		default:
			return fault.New(fault.Invalid, "Validation failed; '%s' is not a valid boolean-like value.", value)
		}
	default:
		if c.valueRE != nil {
			if !c.valueRE.MatchString(value) {
				return fault.New(fault.Invalid, "Validation failed; '%s' is not of the format '%s'.", value, c.pattern)
			}
		} else if c.enum != nil && !slices.Contains(c.enum, value) {
			return fault.New(fault.Invalid, "Validation failed; '%s' is not one of: %s.", value, strings.Join(c.enum, ", "))
		}
	}
	return nil
}

// pythonInt parses a decimal integer as Python's int(str) does: optional
// surrounding whitespace, an optional sign, and digits that single
// underscores may separate ("1_000"), with no bound on size. Only ASCII
// digits are accepted.
func pythonInt(s string) (*big.Int, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil, false
		}
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}
