package config

import (
	"fmt"
	"slices"
	"strings"
)

// Option is a declared option of any kind. *Opt[T] is the only
// implementation; the interface lets a daemon pass options of mixed kinds
// to Load.
type Option interface {
	// Spec describes the option, e.g. for a sample config file.
	Spec() Spec
	decode(raw string) (any, error)
	defaultValue() any
	format(v any) string
	emptyIsValue() bool
}

// Spec describes a declared option.
type Spec struct {
	Group    string   // section name, e.g. "DEFAULT", "database"
	Name     string   // option name, e.g. "connection"
	Help     string   // one or two sentences for operators
	Kind     string   // as oslo's sample files say: "string", "integer", "boolean", ...
	Default  string   // the default as it would be written in a file
	Choices  []string // the allowed values of a Choice option
	Min, Max *float64 // bounds of a numeric option, nil when unbounded
	Secret   bool     // masked by Dump and in error messages
	Required bool     // Load fails when no file sets it
}

// Opt is a declared option whose values are of type T.
type Opt[T any] struct {
	spec    Spec
	def     T
	parse   func(string) (T, error)
	show    func(T) string
	clone   func(T) T // copies reference values handed to callers; nil for plain values
	empty   bool      // an empty value in a file is a value, not "unset"
	numeric bool      // Min and Max apply
}

// Modifier changes a declaration: Secret, Required, Min, Max.
type Modifier struct{ apply func(*Spec) }

// Secret marks an option whose value must not be logged (passwords, URLs
// with credentials). Dump shows it as *** or with the URL password masked.
func Secret() Modifier { return Modifier{func(s *Spec) { s.Secret = true }} }

// Required makes Load fail when no file sets the option (or sets it empty).
func Required() Modifier { return Modifier{func(s *Spec) { s.Required = true }} }

// Min sets the smallest value a numeric option accepts (inclusive).
func Min(n float64) Modifier { return Modifier{func(s *Spec) { s.Min = &n }} }

// Max sets the largest value a numeric option accepts (inclusive).
func Max(n float64) Modifier { return Modifier{func(s *Spec) { s.Max = &n }} }

// declare builds an option; parse is set by the caller, which may close over
// the returned value's spec. It panics on a malformed declaration: that is
// a programming error found at start-up, like a duplicate flag.
func declare[T any](group, name, help, kind string, def T, show func(T) string, numeric bool, mods []Modifier) *Opt[T] {
	if group == "" || name == "" || strings.ContainsAny(name, " \t=:[]") {
		panic(fmt.Sprintf("config: bad option declaration [%s] %q", group, name))
	}
	o := &Opt[T]{
		spec:    Spec{Group: normalizeSection(group), Name: name, Help: help, Kind: kind, Default: show(def)},
		def:     def,
		show:    show,
		numeric: numeric,
	}
	for _, m := range mods {
		m.apply(&o.spec)
	}
	if !numeric && (o.spec.Min != nil || o.spec.Max != nil) {
		panic(fmt.Sprintf("config: Min/Max on non-numeric option [%s] %s", group, name))
	}
	return o
}

// mustAcceptDefault panics when the declared default would be refused in a
// file, e.g. an Int default outside its Min/Max.
func (o *Opt[T]) mustAcceptDefault() {
	if o.spec.Default == "" && !o.empty {
		return
	}
	if _, err := o.parse(o.spec.Default); err != nil {
		panic(fmt.Sprintf("config: default of [%s] %s is invalid: %q: %v", o.spec.Group, o.spec.Name, o.spec.Default, err))
	}
}

// Get returns the option's value in c: the value from the last file that
// set it, or its default. It panics if the option was not passed to the
// Load or Section call that made c; that is a wiring bug in a main.
func (o *Opt[T]) Get(c *Config) T {
	v, ok := c.values[o]
	if !ok {
		panic(fmt.Sprintf("config: option [%s] %s was not declared to the Load or Section call that made this Config", o.spec.Group, o.spec.Name))
	}
	t := v.value.(T)
	if o.clone != nil {
		return o.clone(t)
	}
	return t
}

// Default returns the declared default.
func (o *Opt[T]) Default() T {
	if o.clone != nil {
		return o.clone(o.def)
	}
	return o.def
}

// Spec describes the option.
func (o *Opt[T]) Spec() Spec {
	s := o.spec
	s.Choices = slices.Clone(s.Choices)
	return s
}

func (o *Opt[T]) decode(raw string) (any, error) { return o.parse(raw) }
func (o *Opt[T]) defaultValue() any              { return o.def }
func (o *Opt[T]) format(v any) string            { return o.show(v.(T)) }
func (o *Opt[T]) emptyIsValue() bool             { return o.empty }
