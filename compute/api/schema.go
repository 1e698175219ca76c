package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/pyrepr"
)

// body is a decoded JSON request object, numbers as json.Number, checked
// the way nova's jsonschema validation does; errors carry nova's
// "Invalid input for field/attribute ..." messages.
type body map[string]any

// decodeBody reads the request body as a JSON object whose only key is
// root (nova's request schemas: {"server": {...}}), and returns its value.
func decodeBody(r *http.Request, root string) (body, error) {
	var raw json.RawMessage
	if err := httpapi.DecodeJSON(r, &raw); err != nil {
		return nil, err
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, invalid("Malformed request body")
	}
	m, ok := top.(map[string]any)
	if !ok {
		return nil, invalid("Invalid input for field/attribute body. Value: %s. %s is not of type 'object'", repr(top), repr(top))
	}
	if root == "" {
		return body(m), nil
	}
	v, ok := m[root]
	if !ok {
		return nil, invalid("Invalid input for field/attribute body. Value: %s. '%s' is a required property", repr(m), root)
	}
	for k := range m {
		if k != root {
			return nil, invalid("Invalid input for field/attribute body. Value: %s. Additional properties are not allowed ('%s' was unexpected)", repr(m), k)
		}
	}
	inner, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("Invalid input for field/attribute %s. Value: %s. %s is not of type 'object'", root, repr(v), repr(v))
	}
	return body(inner), nil
}

func repr(v any) string {
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return pyrepr.Repr(v)
}

func badField(field string, v any, format string, args ...any) error {
	return fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s", field, repr(v), fmt.Sprintf(format, args...))
}

// only refuses keys outside allowed (additionalProperties: false).
func (b body) only(field string, allowed ...string) error {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var extra []string
	for _, k := range keys {
		found := false
		for _, a := range allowed {
			if a == k {
				found = true
				break
			}
		}
		if !found {
			extra = append(extra, "'"+k+"'")
		}
	}
	if len(extra) == 0 {
		return nil
	}
	verb := "was"
	if len(extra) > 1 {
		verb = "were"
	}
	return badField(field, map[string]any(b), "Additional properties are not allowed (%s %s unexpected)", strings.Join(extra, ", "), verb)
}

func (b body) has(k string) bool { _, ok := b[k]; return ok }

// str returns a string field: required or optional, with length bounds
// (max 0 for none); null is accepted when nullable.
func (b body) str(k string, required, nullable bool, minLen, maxLen int) (string, bool, error) {
	v, ok := b[k]
	if !ok {
		if required {
			return "", false, badField("body", map[string]any(b), "'%s' is a required property", k)
		}
		return "", false, nil
	}
	if v == nil && nullable {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, badField(k, v, "%s is not of type 'string'", repr(v))
	}
	n := utf8.RuneCountInString(s)
	if n < minLen {
		if minLen == 1 {
			return "", false, badField(k, v, "%s should be non-empty", repr(v))
		}
		return "", false, badField(k, v, "%s is too short", repr(v))
	}
	if maxLen > 0 && n > maxLen {
		return "", false, badField(k, v, "%s is too long", repr(v))
	}
	return s, true, nil
}

// intField returns an integer field that may also be a string of digits
// (nova's flavor and count parameters), within [min, max].
func (b body) intField(k string, required bool, minV, maxV int64, allowString bool) (int64, bool, error) {
	v, ok := b[k]
	if !ok {
		if required {
			return 0, false, badField("body", map[string]any(b), "'%s' is a required property", k)
		}
		return 0, false, nil
	}
	var n int64
	switch t := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(t.String(), 10, 64)
		if err != nil {
			return 0, false, badField(k, v, "%s is not of type 'integer'", repr(v))
		}
		n = i
	case string:
		if !allowString {
			return 0, false, badField(k, v, "%s is not of type 'integer'", repr(v))
		}
		if !regexp.MustCompile(`^[0-9]+$`).MatchString(t) {
			return 0, false, badField(k, v, "%s does not match '^[0-9]*$'", repr(v))
		}
		i, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return 0, false, badField(k, v, "%s is greater than the maximum of %d", repr(v), maxV)
		}
		n = i
	default:
		if allowString {
			return 0, false, badField(k, v, "%s is not of type 'integer', 'string'", repr(v))
		}
		return 0, false, badField(k, v, "%s is not of type 'integer'", repr(v))
	}
	if n < minV {
		return 0, false, badField(k, v, "%s is less than the minimum of %d", repr(v), minV)
	}
	if maxV > 0 && n > maxV {
		return 0, false, badField(k, v, "%s is greater than the maximum of %d", repr(v), maxV)
	}
	return n, true, nil
}

func (b body) boolField(k string) (bool, bool, error) {
	v, ok := b[k]
	if !ok {
		return false, false, nil
	}
	x, err := parseBool(k, v)
	return x, err == nil, err
}

// parseBool accepts nova's parameter_types.boolean: JSON booleans and the
// strings true/false/1/0/yes/no/on/off in any case.
func parseBool(k string, v any) (bool, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case string:
		switch strings.ToLower(t) {
		case "true", "1", "yes", "on", "y", "t":
			return true, nil
		case "false", "0", "no", "off", "n", "f":
			return false, nil
		}
	}
	return false, badField(k, v, "%s is not of type 'boolean', 'string'", repr(v))
}

func (b body) number(k string, minExclusive, maxV float64) (float64, bool, error) {
	v, ok := b[k]
	if !ok {
		return 0, false, nil
	}
	var f float64
	switch t := v.(type) {
	case json.Number:
		x, err := t.Float64()
		if err != nil {
			return 0, false, badField(k, v, "%s is not of type 'number'", repr(v))
		}
		f = x
	case string:
		x, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(x) {
			return 0, false, badField(k, v, "%s does not match '^[0-9]+(\\.[0-9]+)?$'", repr(v))
		}
		f = x
	default:
		return 0, false, badField(k, v, "%s is not of type 'number', 'string'", repr(v))
	}
	if f <= minExclusive {
		return 0, false, badField(k, v, "%s is less than or equal to the minimum of %v", repr(v), minExclusive)
	}
	if f > maxV {
		return 0, false, badField(k, v, "%s is greater than the maximum of %v", repr(v), maxV)
	}
	return f, true, nil
}

// stringMap checks a metadata-like object: string keys 1..255 and string
// values up to 255 characters.
func stringMap(field string, v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badField(field, v, "%s is not of type 'object'", repr(v))
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return nil, badField(field+"."+k, x, "%s is not of type 'string'", repr(x))
		}
		if utf8.RuneCountInString(k) > 255 || k == "" {
			return nil, badField(field, v, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
		if utf8.RuneCountInString(s) > 255 {
			return nil, badField(field+"."+k, x, "%s is too long", repr(x))
		}
		out[k] = s
	}
	return out, nil
}

// nameOK is nova's parameter_types.name: no leading or trailing
// whitespace, and printable.
func nameOK(field, s string) error {
	if strings.TrimSpace(s) != s {
		return badField(field, s, "%s does not match '^(?![\\ \\t\\n\\r\\f\\v])[\\S\\ ]*(?<![\\ \\t\\n\\r\\f\\v])$'", repr(s))
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return badField(field, s, "%s does not match the printable characters pattern", repr(s))
		}
	}
	return nil
}
