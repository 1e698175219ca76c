package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// fields is a validated request object, e.g. the "project" member of
// POST /v3/projects.
type fields map[string]any

// decodeMember reads the body, takes its key member (an empty object when
// absent, as keystone's request_body_json.get(key, {})) and validates it.
func decodeMember(r *http.Request, key string, s *schema.Schema) (fields, error) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return nil, err
	}
	v := any(map[string]any{})
	if raw, ok := body[key]; ok {
		var err error
		if v, err = schema.Decode(raw); err != nil {
			return nil, fault.Wrap(err, fault.Invalid, "Expecting to find valid JSON in request body. %s", validationTail)
		}
	}
	if err := s.Validate(v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, expecting(key, "request body")
	}
	return fields(m), nil
}

// str returns a string member or "" (also for null).
func (f fields) str(k string) string {
	s, _ := f[k].(string)
	return s
}

// strp returns a pointer to a present string member; null gives "".
func (f fields) strp(k string) *string {
	v, ok := f[k]
	if !ok {
		return nil
	}
	s, _ := v.(string)
	return &s
}

// boolp returns a pointer to a present boolean member.
func (f fields) boolp(k string) *bool {
	b, ok := f[k].(bool)
	if !ok {
		return nil
	}
	return &b
}

// boolOr returns a boolean member or def.
func (f fields) boolOr(k string, def bool) bool {
	if b := f.boolp(k); b != nil {
		return *b
	}
	return def
}

// strs returns a present list of strings.
func (f fields) strs(k string) *[]string {
	l, ok := f[k].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return &out
}

// object returns an object member.
func (f fields) object(k string) map[string]any {
	m, _ := f[k].(map[string]any)
	return m
}

// extra returns the members not in known: keystone keeps them and
// returns them with the resource.
func (f fields) extra(known ...string) map[string]any {
	out := map[string]any{}
next:
	for k, v := range f {
		for _, kn := range known {
			if k == kn {
				continue next
			}
		}
		out[k] = v
	}
	return out
}

// boolQuery reads a boolean filter as keystone does: "0", "false", "no"
// and "off" (any case) are false, anything else true.
func boolQuery(q httpapi.Query, key string) *bool {
	v, ok := q.Lookup(key)
	if !ok {
		return nil
	}
	b := true
	switch strings.ToLower(v) {
	case "0", "false", "no", "off", "f", "n":
		b = false
	}
	return &b
}
