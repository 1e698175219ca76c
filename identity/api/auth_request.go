package api

import (
	"encoding/json"
	"net/http"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// idName is a reference by id, or by name (with a domain for users and
// projects).
type idName struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Domain *idName `json:"domain"`
}

// authRequest is the "auth" member of POST /v3/auth/tokens, after
// schema.TokenIssue has checked its shape.
type authRequest struct {
	Identity struct {
		Methods  []string `json:"methods"`
		Password *struct {
			User struct {
				idName
				Password *string `json:"password"`
			} `json:"user"`
		} `json:"password"`
		Token *struct {
			ID string `json:"id"`
		} `json:"token"`
		AppCred *struct {
			ID     string  `json:"id"`
			Name   string  `json:"name"`
			Secret string  `json:"secret"`
			User   *idName `json:"user"`
		} `json:"application_credential"`
	} `json:"identity"`
	Scope scopeRequest `json:"-"`
}

// scopeRequest is the requested scope; all empty is "no scope given".
type scopeRequest struct {
	Given    bool // a scope member was present
	Unscoped bool // "unscoped", as Horizon sends, or {"unscoped": {}}
	Project  *idName
	Domain   *idName
	System   bool
}

// validationTail is keystone's ValidationError ending.
const validationTail = "The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."

func expecting(attribute, target string) error {
	return fault.New(fault.Invalid, "Expecting to find %s in %s. %s", attribute, target, validationTail)
}

// decodeAuth reads and validates the body of POST /v3/auth/tokens as
// keystone's validate_issue_token_auth and AuthInfo do.
func decodeAuth(r *http.Request) (*authRequest, error) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return nil, err
	}
	raw, ok := body["auth"]
	if !ok {
		return nil, expecting("auth", "request body")
	}
	generic, err := schema.Decode(raw)
	if err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "Expecting to find valid JSON in request body. %s", validationTail)
	}
	if generic == nil {
		return nil, expecting("auth", "request body")
	}
	if err := schema.TokenIssue.Validate(generic); err != nil {
		return nil, err
	}
	m := generic.(map[string]any)
	if err := checkIDOrName(m); err != nil {
		return nil, err
	}
	var req authRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "Expecting to find valid JSON in request body. %s", validationTail)
	}
	for _, method := range req.Identity.Methods {
		if _, ok := m["identity"].(map[string]any)[method]; !ok {
			return nil, expecting(method, "identity")
		}
	}
	if sc, ok := m["scope"]; ok {
		req.Scope, err = parseScope(sc)
		if err != nil {
			return nil, err
		}
	}
	return &req, nil
}

// checkIDOrName applies the "id or name must be present" rules of
// validate_issue_token_auth.
func checkIDOrName(auth map[string]any) error {
	missing := func(v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		_, id := m["id"]
		_, name := m["name"]
		return !id && !name
	}
	bad := func(field string) error {
		return fault.New(fault.Invalid, "Invalid input for field %s: id or name must be present.", field)
	}
	identity, _ := auth["identity"].(map[string]any)
	if pw, ok := identity["password"].(map[string]any); ok {
		if user, ok := pw["user"]; ok {
			if missing(user) {
				return bad("identity/password/user")
			}
			if d, ok := user.(map[string]any)["domain"]; ok && missing(d) {
				return bad("identity/password/user/domain")
			}
		}
	}
	scope, _ := auth["scope"].(map[string]any)
	if p, ok := scope["project"]; ok {
		if missing(p) {
			return bad("scope/project")
		}
		if d, ok := p.(map[string]any)["domain"]; ok && missing(d) {
			return bad("scope/project/domain")
		}
	}
	if d, ok := scope["domain"]; ok && missing(d) {
		return bad("scope/domain")
	}
	return nil
}

func parseScope(v any) (scopeRequest, error) {
	s := scopeRequest{Given: true}
	m, ok := v.(map[string]any)
	if !ok {
		s.Unscoped = true
		return s, nil
	}
	if _, ok := m["unscoped"]; ok && len(m) == 1 {
		s.Unscoped = true
		return s, nil
	}
	n := 0
	for _, k := range []string{"project", "domain", "OS-TRUST:trust", "system"} {
		if _, ok := m[k]; ok {
			n++
		}
	}
	if n != 1 {
		return s, expecting("project, domain, OS-TRUST:trust or system", "scope")
	}
	if _, ok := m["OS-TRUST:trust"]; ok {
		return s, fault.New(fault.Forbidden, "Trust is not supported by this deployment.")
	}
	ref := func(v any) *idName {
		b, _ := json.Marshal(v)
		var r idName
		_ = json.Unmarshal(b, &r)
		return &r
	}
	switch {
	case m["project"] != nil:
		s.Project = ref(m["project"])
	case m["domain"] != nil:
		s.Domain = ref(m["domain"])
	case m["system"] != nil:
		sys, _ := m["system"].(map[string]any)
		all, _ := sys["all"].(bool)
		if !all {
			return s, expecting("all", "system scope")
		}
		s.System = true
	}
	return s, nil
}
