package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// caller is the authenticated user of a request.
type caller struct {
	ctx   *auth.Context
	creds *policy.Credentials
	memo  map[string]bool // allowed(rule, project) answers, per request
}

func (c caller) project() string { return c.ctx.ProjectID }
func (c caller) user() string    { return c.ctx.UserID }
func (c caller) isAdmin() bool   { return c.ctx.IsAdmin }

func callerOf(r *http.Request) (caller, error) {
	c, ok := auth.FromContext(r.Context())
	if !ok {
		return caller{}, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	return caller{ctx: c, creds: c.Credentials(), memo: map[string]bool{}}, nil
}

// authorize checks rule against a target owned by project ("" = the
// caller's own project).
func (a *API) authorize(c caller, rule, project string) error {
	if project == "" {
		project = c.project()
	}
	return a.policy.Enforce(c.creds, rule, policy.Target{"project_id": project, "user_id": c.user()})
}

func (a *API) allowed(c caller, rule, project string) bool {
	return a.authorize(c, rule, project) == nil
}

// fail writes err in cinder's shape.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	if fault.KindOf(err) == fault.OverLimit {
		// cinder's Fault for a 413: Retry-After 0, and retryAfter in the
		// body beside code and message.
		h := w.Header()
		h.Set("Retry-After", "0")
		if id := httpapi.RequestID(r.Context()); id != "" {
			h.Set("X-Compute-Request-Id", id)
		}
		httpapi.WriteJSON(w, r, http.StatusRequestEntityTooLarge, map[string]any{"overLimit": map[string]any{
			"code": http.StatusRequestEntityTooLarge, "message": fault.MessageOf(err), "retryAfter": "0"}})
		return
	}
	httpapi.WriteError(w, r, err)
}

// noSuchAction is cinder's answer to an action body naming no action of
// the resource (checked before the resource is looked up).
func noSuchAction(name string) error {
	return fault.New(fault.Invalid, "There is no such action: %s. Verify the request body and Content-Type header and try again.", name)
}

// actionOf is the one key of an action body ("" when there is not
// exactly one).
func actionOf[T any](body map[string]T) string {
	if len(body) != 1 {
		return ""
	}
	for k := range body {
		return k
	}
	return ""
}

// asAny decodes a body's raw members, for messages that quote it.
func asAny(m map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(m))
	for k, raw := range m {
		var v any
		_ = json.Unmarshal(raw, &v)
		out[k] = v
	}
	return out
}

func invalid(format string, args ...any) error {
	return fault.New(fault.Invalid, "Invalid input received: "+format, args...)
}

// decode reads the body into v, requiring the top-level key (cinder's
// JSON schemas).
func decode(r *http.Request, key string, v any) error {
	return decodeKey(r, key, v, "'%s' is a required property")
}

// decodeLegacy is decode for the bodies cinder checks with
// assert_valid_body rather than a schema (snapshot metadata).
func decodeLegacy(r *http.Request, key string, v any) error {
	return decodeKey(r, key, v, "Missing required element '%s' in request body.")
}

// onlyMember reads a body whose one top-level key must be key (cinder's
// schemas with additionalProperties false) and returns that member.
func onlyMember(r *http.Request, key string) (json.RawMessage, error) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return nil, err
	}
	raw, ok := body[key]
	if !ok {
		return nil, fault.New(fault.Invalid, "'%s' is a required property", key)
	}
	for k := range body {
		if k != key {
			return nil, fault.New(fault.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
	}
	return raw, nil
}

func decodeKey(r *http.Request, key string, v any, missing string) error {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	raw, ok := body[key]
	if !ok || string(raw) == "null" {
		return fault.New(fault.Invalid, missing, key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s", key, short(string(raw)), typeMsg(err))
	}
	return nil
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func typeMsg(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok {
		return "'" + te.Field + "' is not of type '" + te.Type.String() + "'"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

func strPtr(s string) *string { return &s }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// boolParam reads cinder's strutils.bool_from_string forms.
func boolParam(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "on", "y", "yes":
		return true, true
	case "0", "f", "false", "off", "n", "no":
		return false, true
	}
	return false, false
}

// offsetOf reads cinder's offset parameter (400 when not a non-negative
// integer) and whether limit=0 asked for an empty page.
func offsetOf(q httpapi.Query) (offset int, empty bool, err error) {
	if v := q.Get("offset"); v != "" {
		// cinder's validate_integer(offset, 'offset', 0, DB_MAX_INT)
		n, convErr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch {
		case convErr != nil && !errors.Is(convErr, strconv.ErrRange):
			return 0, false, fault.New(fault.Invalid, "offset must be an integer")
		case n < 0:
			return 0, false, fault.New(fault.Invalid, "offset must be >= 0")
		case n > dbMaxInt || convErr != nil:
			return 0, false, fault.New(fault.Invalid, "offset must be <= %d", dbMaxInt)
		}
		offset = int(n)
	}
	return offset, q.Get("limit") == "0", nil
}
