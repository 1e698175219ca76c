package config

import (
	"errors"
	"maps"
	"slices"

	"github.com/gostack/gostack/services/fault"
)

// Config is the result of Load: the merged files and the typed values of
// the declared options. It is read-only and safe for concurrent use.
type Config struct {
	files   []string
	raw     raw
	section string // the runtime section of a Config made by Section; "" otherwise
	opts    []Option
	values  map[Option]resolved
}

// resolved is a declared option's value and where it came from.
type resolved struct {
	value   any
	section string // the section it was read from, or the option's group for a default
	from    *entry // nil for the default
}

// resolve builds a Config for opts from the merged files. With section
// set, each option is read from that section first, then from its group.
func resolve(files []string, r raw, section string, opts []Option) (*Config, error) {
	c := &Config{files: files, raw: r, section: section, values: map[Option]resolved{}}
	seen := map[Option]bool{}
	declared := map[[2]string]Option{}
	var errs []error
	for _, o := range opts {
		if seen[o] {
			continue // the same declaration passed twice, e.g. by two packages
		}
		seen[o] = true
		s := o.Spec()
		k := [2]string{s.Group, s.Name}
		if prev, ok := declared[k]; ok {
			if p := prev.Spec(); p.Kind != s.Kind || p.Default != s.Default {
				return nil, fault.New(fault.Internal, "option [%s] %s is declared twice, as %s (default %q) and %s (default %q)",
					s.Group, s.Name, p.Kind, p.Default, s.Kind, s.Default)
			}
		}
		declared[k] = o
		v, err := c.lookup(o, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.opts = append(c.opts, o)
		c.values[o] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// lookup finds, parses and checks one option's value.
func (c *Config) lookup(o Option, s Spec) (resolved, error) {
	sections := []string{s.Group}
	if c.section != "" && c.section != s.Group {
		sections = []string{c.section, s.Group}
	}
	for _, sec := range sections {
		e, ok := c.raw[sec][s.Name]
		if !ok || e.value == "" && (s.Required || !o.emptyIsValue()) {
			continue
		}
		v, err := o.decode(e.value)
		if err != nil {
			shown := e.value
			if s.Secret {
				shown = "***"
			}
			return resolved{}, &ValueError{File: e.file, Line: e.line, Section: sec, Option: s.Name, Value: shown, Expected: err.Error()}
		}
		return resolved{value: v, section: sec, from: &e}, nil
	}
	if s.Required {
		return resolved{}, &MissingError{Section: sections[0], Option: s.Name, Files: c.files}
	}
	return resolved{value: o.defaultValue(), section: sections[0]}, nil
}

// Section resolves opts against a section named at run time, such as a
// Cinder backend listed in enabled_backends: each option is read from
// [name], then from its own group (e.g. [backend_defaults]), then its
// default. Errors name the section the bad value was found in. A section
// that no file has is a *MissingError.
func (c *Config) Section(name string, opts ...Option) (*Config, error) {
	name = normalizeSection(name)
	if _, ok := c.raw[name]; !ok {
		return nil, &MissingError{Section: name, Files: c.files}
	}
	return resolve(c.files, c.raw, name, opts)
}

// Lookup returns an option's raw value as the files set it, declared or
// not, and whether any file set it.
func (c *Config) Lookup(section, option string) (string, bool) {
	e, ok := c.raw[normalizeSection(section)][option]
	return e.value, ok
}

// Sections returns the names of all sections in the files, sorted.
func (c *Config) Sections() []string {
	return slices.Sorted(maps.Keys(c.raw))
}

// Options returns the names of all options the files set in section,
// declared or not, sorted.
func (c *Config) Options(section string) []string {
	return slices.Sorted(maps.Keys(c.raw[normalizeSection(section)]))
}

// Files returns the files that were read, in order.
func (c *Config) Files() []string { return slices.Clone(c.files) }
