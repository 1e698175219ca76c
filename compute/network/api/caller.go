package api

import (
	"net/http"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// caller is the authenticated user of a request.
type caller struct {
	ctx   *auth.Context
	creds *policy.Credentials
}

func (c caller) project() string { return c.ctx.ProjectID }
func (c caller) isAdmin() bool   { return c.ctx.IsAdmin }

func callerOf(r *http.Request) (caller, error) {
	c, ok := auth.FromContext(r.Context())
	if !ok {
		return caller{}, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	return caller{ctx: c, creds: c.Credentials()}, nil
}

// owner is the project a new resource belongs to: the body's project_id
// or tenant_id, which only an admin may set to another project.
func (c caller) owner(a attrs) (string, error) {
	pid, err := a.str("project_id", 255, "")
	if err != nil {
		return "", err
	}
	tid, err := a.str("tenant_id", 255, "")
	if err != nil {
		return "", err
	}
	if pid != "" && tid != "" && pid != tid {
		return "", invalid("Invalid input for operation: 'project_id' and 'tenant_id' do not match.")
	}
	if pid == "" {
		pid = tid
	}
	if pid == "" {
		if c.project() == "" {
			return "", invalid("Invalid input for operation: a project-scoped token, or project_id in the request, is required.")
		}
		return c.project(), nil
	}
	if pid != c.project() && !c.isAdmin() {
		return "", invalid("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges")
	}
	return pid, nil
}

// allowed reports whether rule allows the caller on target.
func (a *API) allowed(c caller, rule string, target policy.Target) bool {
	return a.policy.Check(c.creds, rule, target)
}

// enforce checks rule on target: 403 PolicyNotAuthorized when denied.
func (a *API) enforce(c caller, rule string, target policy.Target) error {
	return a.policy.Enforce(c.creds, rule, target)
}

// enforceAttrs checks the per-attribute rules <rule>:<attr> of the
// attributes present in the body.
func (a *API) enforceAttrs(c caller, rule string, body attrs, target policy.Target, names ...string) error {
	for _, n := range names {
		if body.has(n) {
			if err := a.enforce(c, rule+":"+n, target); err != nil {
				return err
			}
		}
	}
	return nil
}

// strip removes the attributes the caller may not read (get_<res>:<attr>).
func (a *API) strip(c caller, rule string, view map[string]any, target policy.Target, names ...string) {
	for _, n := range names {
		if !a.allowed(c, rule+":"+n, target) {
			delete(view, n)
		}
	}
}
