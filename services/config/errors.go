package config

import (
	"fmt"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// The error types below are all of kind fault.Invalid: errors.Is(err,
// fault.Of(fault.Invalid)) and fault.KindOf hold for them, also through the
// errors.Join that Load returns.

// ParseError is a line of a config file that is not INI syntax.
type ParseError struct {
	File   string
	Line   int
	Text   string // the offending line
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %q", e.File, e.Line, e.Reason, e.Text)
}

// Unwrap gives the error its fault kind.
func (e *ParseError) Unwrap() error { return invalid(e) }

// ValueError is a value a declared option cannot take.
type ValueError struct {
	File     string
	Line     int
	Section  string
	Option   string
	Value    string // "***" for secret options
	Expected string // what the option accepts, e.g. "not an integer"
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s:%d: [%s] %s = %q: %s", e.File, e.Line, e.Section, e.Option, e.Value, e.Expected)
}

// Unwrap gives the error its fault kind.
func (e *ValueError) Unwrap() error { return invalid(e) }

// MissingError is a required option, or a section, that no file sets.
type MissingError struct {
	Section string
	Option  string   // empty when the whole section is missing
	Files   []string // the files that were read
}

func (e *MissingError) Error() string {
	what := fmt.Sprintf("required option [%s] %s is not set", e.Section, e.Option)
	if e.Option == "" {
		what = fmt.Sprintf("section [%s] is missing", e.Section)
	}
	switch len(e.Files) {
	case 0:
		return what + " and no config file was read; pass --config-file"
	case 1:
		return fmt.Sprintf("%s; add it to %s", what, e.Files[0])
	}
	return fmt.Sprintf("%s; add it to one of %s", what, strings.Join(e.Files, ", "))
}

// Unwrap gives the error its fault kind.
func (e *MissingError) Unwrap() error { return invalid(e) }

func invalid(e error) error { return &fault.Error{Kind: fault.Invalid, Message: e.Error()} }
