package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// attrs is the body of one resource in a request, {"network": {...}}'s
// inner object, with neutron's attribute validators as methods.
type attrs map[string]any

// maxBody bounds request bodies (oslo.middleware's default).
const maxBody = httpapi.DefaultMaxBodyBytes

// decode reads {"<resource>": {...}} and refuses attributes outside
// allowed with neutron's "Unrecognized attribute(s)".
func decode(r *http.Request, resource string, allowed ...string) (attrs, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "Malformed request body")
	}
	if len(data) > maxBody {
		return nil, fault.New(fault.TooLarge, "Request is too large.")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("Resource body required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "Malformed request body")
	}
	inner, ok := body[resource]
	if !ok {
		return nil, invalid("Unable to find '%s' in request body", resource)
	}
	m, ok := inner.(map[string]any)
	if !ok {
		return nil, invalid("Invalid input for operation: '%s' is not a dictionary.", resource)
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, invalid("Unrecognized attribute(s) '%s'", strings.Join(unknown, ", "))
	}
	return attrs(m), nil
}

func (a attrs) has(key string) bool { _, ok := a[key]; return ok }

// str returns a string attribute of at most max characters (0: any).
func (a attrs) str(key string, max int, def string) (string, error) {
	v, ok := a[key]
	if !ok {
		return def, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", invalid("Invalid input for %s. Reason: '%s' is not a valid string.", key, pyValue(v))
	}
	if max > 0 && len([]rune(s)) > max {
		return "", invalid("Invalid input for %s. Reason: '%s' exceeds maximum length of %d.", key, s, max)
	}
	return s, nil
}

// optStr is str where JSON null is allowed (nil result).
func (a attrs) optStr(key string, max int) (*string, error) {
	v, ok := a[key]
	if !ok || v == nil {
		return nil, nil
	}
	s, err := a.str(key, max, "")
	return &s, err
}

// boolean converts as neutron's convert_to_boolean: true/false, 0/1 and
// their strings in any case.
func (a attrs) boolean(key string, def bool) (bool, error) {
	v, ok := a[key]
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
	case json.Number:
		switch x.String() {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
	}
	return false, invalid("Invalid input for %s. Reason: '%s' cannot be converted to boolean.", key, pyValue(v))
}

// integer converts as neutron's convert_to_int.
func (a attrs) integer(key string) (*int, error) {
	v, ok := a[key]
	if !ok || v == nil {
		return nil, nil
	}
	var n int
	switch x := v.(type) {
	case json.Number:
		if _, err := fmt.Sscanf(x.String(), "%d", &n); err != nil || strings.ContainsAny(x.String(), ".eE") {
			return nil, invalid("Invalid input for %s. Reason: '%s' is not an integer.", key, x)
		}
	case string:
		if _, err := fmt.Sscanf(x, "%d", &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(x) {
			return nil, invalid("Invalid input for %s. Reason: '%s' is not an integer.", key, x)
		}
	default:
		return nil, invalid("Invalid input for %s. Reason: '%s' is not an integer.", key, pyValue(v))
	}
	return &n, nil
}

// list returns a list attribute.
func (a attrs) list(key string) ([]any, bool, error) {
	v, ok := a[key]
	if !ok {
		return nil, false, nil
	}
	l, isList := v.([]any)
	if !isList {
		return nil, true, invalid("Invalid input for %s. Reason: '%s' is not a list.", key, pyValue(v))
	}
	return l, true, nil
}

// strList returns a list of strings.
func (a attrs) strList(key string) ([]string, bool, error) {
	l, ok, err := a.list(key)
	if err != nil || !ok {
		return nil, ok, err
	}
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, isStr := v.(string)
		if !isStr {
			return nil, true, invalid("Invalid input for %s. Reason: '%s' is not a valid string.", key, pyValue(v))
		}
		out = append(out, s)
	}
	return out, true, nil
}

// readOnly refuses updates of attributes outside allowed, as neutron's
// "Cannot update read-only attribute".
func (a attrs) readOnly(allowed ...string) error {
	var keys []string
	for k := range a {
		if !slices.Contains(allowed, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		return invalid("Cannot update read-only attribute %s", strings.Join(keys, ", "))
	}
	return nil
}

// pyValue renders a JSON value roughly as Python's str() does, for
// messages.
func pyValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	httpapi.WriteJSON(w, r, status, v)
}
