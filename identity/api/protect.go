package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
)

// handler is an API handler: it gets the authenticated caller and returns
// an error for WriteError.
type handler func(w http.ResponseWriter, r *http.Request, c *tokenInfo) error

// targetFunc builds the policy target of a request (keystone's
// build_target); a missing object leaves its part of the target empty so
// that admins get the handler's 404 and others a 403, as in keystone.
type targetFunc func(r *http.Request) (policy.Target, error)

// authenticate validates X-Auth-Token.
func (a *API) authenticate(r *http.Request) (*tokenInfo, error) {
	id := r.Header.Get("X-Auth-Token")
	if id == "" {
		return nil, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	return a.validate(r.Context(), id)
}

// credentials are the policy credentials of a caller.
func credentials(c *tokenInfo) *policy.Credentials {
	cr := &policy.Credentials{
		UserID:         c.User.ID,
		UserDomainID:   c.User.DomainID,
		ProjectID:      c.Payload.ProjectID,
		DomainID:       c.Payload.DomainID,
		System:         c.Payload.System,
		Roles:          c.roleNames(),
		IsAdminProject: true,
	}
	if c.Project != nil {
		cr.ProjectDomainID = c.Project.DomainID
	}
	return cr
}

// protect is the one place requests are authenticated and authorized:
// it validates the caller's token, builds the target and enforces rule.
func (a *API) protect(rule string, target targetFunc, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		ctx := log.WithUser(r.Context(), c.User.ID, c.Payload.ProjectID)
		r = r.WithContext(ctx)
		t := policy.Target{}
		if target != nil {
			if t, err = target(r); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
		}
		if err := a.policy.Enforce(credentials(c), rule, t); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if err := h(w, r, c); err != nil {
			httpapi.WriteError(w, r, err)
		}
	}
}

// allowed reports whether the caller passes rule for target, for handlers
// that narrow results instead of refusing.
func (a *API) allowed(c *tokenInfo, rule string, t policy.Target) bool {
	return a.policy.Enforce(credentials(c), rule, t) == nil
}

// ignoreNotFound lets a target builder carry on when the object is gone.
func ignoreNotFound(err error) error {
	if errors.Is(err, fault.Of(fault.NotFound)) {
		return nil
	}
	return err
}

// Target builders for the common objects.

func (a *API) userTarget(ctx context.Context, id string) (map[string]any, error) {
	u, err := a.store.GetUser(ctx, id)
	if err != nil {
		return nil, ignoreNotFound(err)
	}
	return map[string]any{"id": u.ID, "domain_id": u.DomainID, "name": u.Name}, nil
}

func (a *API) projectTarget(ctx context.Context, id string) (map[string]any, error) {
	p, err := a.store.GetProject(ctx, id)
	if err != nil {
		return nil, ignoreNotFound(err)
	}
	return map[string]any{"id": p.ID, "domain_id": p.DomainID, "name": p.Name, "parent_id": p.Parent()}, nil
}

func (a *API) groupTarget(ctx context.Context, id string) (map[string]any, error) {
	g, err := a.store.GetGroup(ctx, id)
	if err != nil {
		return nil, ignoreNotFound(err)
	}
	return map[string]any{"id": g.ID, "domain_id": g.DomainID, "name": g.Name}, nil
}

func (a *API) roleTarget(ctx context.Context, id string) (map[string]any, error) {
	ro, err := a.store.GetRole(ctx, id)
	if err != nil {
		return nil, ignoreNotFound(err)
	}
	return map[string]any{"id": ro.ID, "name": ro.Name, "domain_id": nullStr(ro.DomainID)}, nil
}

// nullStr is nil for "", else s: JSON null where keystone has None.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// authed authenticates the caller and leaves authorization to the
// handler, for the few calls whose target is only known after decoding
// the body (keystone's enforce_call with a target built from the request).
func (a *API) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		r = r.WithContext(log.WithUser(r.Context(), c.User.ID, c.Payload.ProjectID))
		if err := h(w, r, c); err != nil {
			httpapi.WriteError(w, r, err)
		}
	}
}
