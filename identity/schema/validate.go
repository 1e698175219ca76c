package schema

import (
	"encoding/json"
	"fmt"
	"github.com/gostack/gostack/services/pyrepr"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Schema is a JSON Schema draft 4 subset.
type Schema struct {
	Type                 []string // "object", "array", "string", "boolean", "integer", "number", "null"
	Properties           map[string]*Schema
	Required             []string
	AdditionalProperties *bool
	MinProperties        int
	MinLength            *int
	MaxLength            *int
	Pattern              string
	Enum                 []any
	Items                *Schema
	MaxItems             *int
	UniqueItems          bool
	Minimum              *float64

	re *regexp.Regexp
}

// Validate checks v (as decoded by encoding/json into any) against s and
// returns a fault.Invalid with keystone's message on the first error.
func (s *Schema) Validate(v any) error {
	path, msg := s.check(nil, v)
	if msg == "" {
		return nil
	}
	if len(path) > 0 {
		return fault.New(fault.Invalid, "Invalid input for field '%s': %s", strings.Join(path, "/"), msg)
	}
	return fault.New(fault.Invalid, "%s", msg)
}

// Decode turns raw JSON into the generic form Validate takes.
func Decode(raw json.RawMessage) (any, error) {
	var v any
	if len(raw) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return v, nil
}

func (s *Schema) check(path []string, v any) ([]string, string) {
	if len(s.Type) > 0 && !typeOK(s.Type, v) {
		quoted := make([]string, len(s.Type))
		for i, t := range s.Type {
			quoted[i] = "'" + t + "'"
		}
		return path, fmt.Sprintf("%s is not of type %s", pyrepr.Repr(v), strings.Join(quoted, ", "))
	}
	if len(s.Enum) > 0 {
		ok := false
		for _, e := range s.Enum {
			if e == v {
				ok = true
			}
		}
		if !ok {
			return path, fmt.Sprintf("%s is not one of %s", pyrepr.Repr(v), pyrepr.Repr(s.Enum))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		return s.checkObject(path, x)
	case []any:
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return path, fmt.Sprintf("%s is too long", pyrepr.Repr(v))
		}
		if s.UniqueItems {
			seen := map[string]bool{}
			for _, e := range x {
				k := pyrepr.Repr(e)
				if seen[k] {
					return path, fmt.Sprintf("%s has non-unique elements", pyrepr.Repr(v))
				}
				seen[k] = true
			}
		}
		if s.Items != nil {
			for i, e := range x {
				if p, m := s.Items.check(append(clone(path), strconv.Itoa(i)), e); m != "" {
					return p, m
				}
			}
		}
	case string:
		n := len([]rune(x))
		if s.MinLength != nil && n < *s.MinLength {
			return path, fmt.Sprintf("%s is too short", pyrepr.Repr(v))
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return path, fmt.Sprintf("%s is too long", pyrepr.Repr(v))
		}
		if s.Pattern != "" {
			if s.re == nil {
				s.re = regexp.MustCompile(s.Pattern)
			}
			if !s.re.MatchString(x) {
				return path, fmt.Sprintf("%s does not match %s", pyrepr.Repr(v), pyrepr.Repr(s.Pattern))
			}
		}
	case float64:
		if s.Minimum != nil && x < *s.Minimum {
			return path, fmt.Sprintf("%s is less than the minimum of %s", pyrepr.Repr(v), pyrepr.Repr(*s.Minimum))
		}
	}
	return nil, ""
}

func (s *Schema) checkObject(path []string, m map[string]any) ([]string, string) {
	for _, k := range sortedKeys(s.Properties) {
		if v, ok := m[k]; ok {
			if p, msg := s.Properties[k].check(append(clone(path), k), v); msg != "" {
				return p, msg
			}
		}
	}
	for _, r := range s.Required {
		if _, ok := m[r]; !ok {
			return path, fmt.Sprintf("%s is a required property", pyrepr.Repr(r))
		}
	}
	if s.AdditionalProperties != nil && !*s.AdditionalProperties {
		var extra []string
		for k := range m {
			if _, ok := s.Properties[k]; !ok {
				extra = append(extra, pyrepr.Repr(k))
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			verb := "was"
			if len(extra) > 1 {
				verb = "were"
			}
			return path, fmt.Sprintf("Additional properties are not allowed (%s %s unexpected)", strings.Join(extra, ", "), verb)
		}
	}
	if s.MinProperties > 0 && len(m) < s.MinProperties {
		return path, fmt.Sprintf("%s does not have enough properties", pyrepr.Repr(m))
	}
	return nil, ""
}

func typeOK(types []string, v any) bool {
	for _, t := range types {
		switch x := v.(type) {
		case nil:
			if t == "null" {
				return true
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case string:
			if t == "string" {
				return true
			}
		case float64:
			if t == "number" || (t == "integer" && x == float64(int64(x))) {
				return true
			}
		case map[string]any:
			if t == "object" {
				return true
			}
		case []any:
			if t == "array" {
				return true
			}
		}
	}
	return false
}

func clone(p []string) []string { return append([]string(nil), p...) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
