package schema

import (
	"encoding/json"
	"fmt"
	"github.com/gostack/gostack/services/pyrepr"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gostack/gostack/services/fault"
)

// ValidateImage checks a decoded JSON object (values as encoding/json
// gives them, numbers as json.Number or float64) against the image schema
// and returns glance's 400: "Provided object does not match schema
// 'image': <jsonschema message>".
func ValidateImage(obj map[string]any) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		node := Image.Properties[k]
		if node == nil {
			node = Image.AdditionalProperties.Schema
		}
		if msg := check(node, obj[k]); msg != "" {
			return fault.New(fault.Invalid, "Provided object does not match schema 'image': %s", msg)
		}
	}
	return nil
}

// check returns jsonschema's message for the first violation, or "".
func check(n *Node, v any) string {
	if n == nil {
		return ""
	}
	if len(n.Type) > 0 && !hasType(n.Type, v) {
		names := make([]string, len(n.Type))
		for i, t := range n.Type {
			names[i] = "'" + t + "'"
		}
		return fmt.Sprintf("%s is not of type %s", pyrepr.Repr(v), strings.Join(names, ", "))
	}
	if n.Enum != nil && !inEnum(n.Enum, v) {
		return fmt.Sprintf("%s is not one of %s", pyrepr.Repr(v), pyrepr.Repr(n.Enum))
	}
	if s, ok := v.(string); ok {
		l := utf8.RuneCountInString(s)
		if n.MaxLength != nil && l > *n.MaxLength {
			return fmt.Sprintf("%s is too long", pyrepr.Repr(v))
		}
		if n.MinLength != nil && l < *n.MinLength {
			return fmt.Sprintf("%s is too short", pyrepr.Repr(v))
		}
		if n.Pattern != "" && !pattern(n.Pattern).MatchString(s) {
			return fmt.Sprintf("%s does not match %s", pyrepr.Repr(v), pyrepr.Repr(n.Pattern))
		}
	}
	if arr, ok := v.([]any); ok && n.Items != nil {
		for _, item := range arr {
			if msg := check(n.Items, item); msg != "" {
				return msg
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		for _, r := range n.Required {
			if _, ok := obj[r]; !ok {
				return fmt.Sprintf("%s is a required property", pyrepr.Repr(r))
			}
		}
		for k, pv := range obj {
			prop, known := n.Properties[k]
			if !known && n.AdditionalProperties != nil {
				if n.AdditionalProperties.Forbidden {
					return fmt.Sprintf("Additional properties are not allowed (%s was unexpected)", pyrepr.Repr(k))
				}
				prop = n.AdditionalProperties.Schema
			}
			if msg := check(prop, pv); msg != "" {
				return msg
			}
		}
	}
	return ""
}

var (
	patternsMu sync.Mutex
	patterns   = map[string]*regexp.Regexp{}
)

func pattern(p string) *regexp.Regexp {
	patternsMu.Lock()
	defer patternsMu.Unlock()
	re, ok := patterns[p]
	if !ok {
		re = regexp.MustCompile(p)
		patterns[p] = re
	}
	return re
}

func hasType(types []string, v any) bool {
	for _, t := range types {
		if isType(t, v) {
			return true
		}
	}
	return false
}

func isType(t string, v any) bool {
	switch t {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "integer":
		f, ok := number(v)
		return ok && f == math.Trunc(f)
	case "number":
		_, ok := number(v)
		return ok
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func inEnum(enum []any, v any) bool {
	for _, e := range enum {
		if e == nil && v == nil {
			return true
		}
		if es, ok := e.(string); ok {
			if vs, ok := v.(string); ok && es == vs {
				return true
			}
		}
	}
	return false
}
