package schema

import (
	"encoding/json"
	"fmt"
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
		return path, fmt.Sprintf("%s is not of type %s", Repr(v), strings.Join(quoted, ", "))
	}
	if len(s.Enum) > 0 {
		ok := false
		for _, e := range s.Enum {
			if e == v {
				ok = true
			}
		}
		if !ok {
			return path, fmt.Sprintf("%s is not one of %s", Repr(v), Repr(s.Enum))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		return s.checkObject(path, x)
	case []any:
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return path, fmt.Sprintf("%s is too long", Repr(v))
		}
		if s.UniqueItems {
			seen := map[string]bool{}
			for _, e := range x {
				k := Repr(e)
				if seen[k] {
					return path, fmt.Sprintf("%s has non-unique elements", Repr(v))
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
			return path, fmt.Sprintf("%s is too short", Repr(v))
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return path, fmt.Sprintf("%s is too long", Repr(v))
		}
		if s.Pattern != "" {
			if s.re == nil {
				s.re = regexp.MustCompile(s.Pattern)
			}
			if !s.re.MatchString(x) {
				return path, fmt.Sprintf("%s does not match %s", Repr(v), Repr(s.Pattern))
			}
		}
	case float64:
		if s.Minimum != nil && x < *s.Minimum {
			return path, fmt.Sprintf("%s is less than the minimum of %s", Repr(v), Repr(*s.Minimum))
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
			return path, fmt.Sprintf("%s is a required property", Repr(r))
		}
	}
	if s.AdditionalProperties != nil && !*s.AdditionalProperties {
		var extra []string
		for k := range m {
			if _, ok := s.Properties[k]; !ok {
				extra = append(extra, Repr(k))
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
		return path, fmt.Sprintf("%s does not have enough properties", Repr(m))
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

// Repr renders a decoded JSON value as Python's repr would.
func Repr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		if strings.Contains(x, "'") && !strings.Contains(x, `"`) {
			return `"` + x + `"`
		}
		return "'" + strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), "'", `\'`) + "'"
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Repr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range sortedKeys(x) {
			parts = append(parts, Repr(k)+": "+Repr(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
