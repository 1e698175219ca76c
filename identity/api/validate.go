package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// tokenInfo is a validated token with what it refers to, as keystone's
// TokenModel resolves it.
type tokenInfo struct {
	ID            string
	Payload       token.Payload
	User          store.User
	UserDomain    store.Domain
	Project       *store.Project
	ProjectDomain *store.Domain
	Domain        *store.Domain
	Roles         []store.Role
}

func (t *tokenInfo) roleIDs() []string {
	ids := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		ids[i] = r.ID
	}
	return ids
}

func (t *tokenInfo) roleNames() []string {
	names := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		names[i] = r.Name
	}
	return names
}

// scope returns the store scope of the token.
func (t *tokenInfo) scope() store.Scope {
	return store.Scope{ProjectID: t.Payload.ProjectID, DomainID: t.Payload.DomainID, System: t.Payload.System != ""}
}

// stale refuses a token whose signature is good but which no longer
// stands (disabled or deleted user or scope, no roles left): a 401, or
// keystone's 404 "Failed to validate token" for a subject token.
func stale(format string, args ...any) error {
	return fault.Wrap(fmt.Errorf("%w: %s", token.ErrRevoked, fmt.Sprintf(format, args...)), fault.Unauthorized, httpapi.MsgAuthRequired)
}

// validate checks a token id completely: signature and expiry, that the
// user, its domain and the scope exist and are enabled, that the user
// still has roles on the scope, and that no revocation event applies.
// All but the signature and expiry come from the validation cache while
// nothing has been written since (validation_cache.go).
func (a *API) validate(ctx context.Context, id string) (*tokenInfo, error) {
	p, err := a.tokens.Validate(id)
	if err != nil {
		return nil, err
	}
	now := a.now()
	if t := a.cache.get(id, now); t != nil {
		return t, nil
	}
	gen := a.cache.generation()
	t, err := a.resolve(ctx, id, p)
	if err != nil {
		return nil, err
	}
	a.cache.put(id, t, gen, now)
	return t, nil
}

func (a *API) resolve(ctx context.Context, id string, p token.Payload) (*tokenInfo, error) {
	t := &tokenInfo{ID: id, Payload: p}
	var err error
	if t.User, err = a.store.GetUser(ctx, p.UserID); err != nil {
		return nil, notFoundAs(err, "user %s", p.UserID)
	}
	if !t.User.Enabled {
		return nil, stale("user %s is disabled", p.UserID)
	}
	if t.UserDomain, err = a.store.GetDomain(ctx, t.User.DomainID); err != nil {
		return nil, notFoundAs(err, "domain %s", t.User.DomainID)
	}
	if !t.UserDomain.Enabled {
		return nil, stale("domain %s of the user is disabled", t.UserDomain.ID)
	}
	projectDomainID := ""
	switch {
	case p.ProjectID != "":
		proj, err := a.store.GetProject(ctx, p.ProjectID)
		if err != nil {
			return nil, notFoundAs(err, "project %s", p.ProjectID)
		}
		dom, err := a.store.GetDomain(ctx, proj.DomainID)
		if err != nil {
			return nil, notFoundAs(err, "domain %s", proj.DomainID)
		}
		if !proj.Enabled || !dom.Enabled {
			return nil, stale("project %s or its domain is disabled", proj.ID)
		}
		t.Project, t.ProjectDomain, projectDomainID = &proj, &dom, dom.ID
	case p.DomainID != "":
		dom, err := a.store.GetDomain(ctx, p.DomainID)
		if err != nil {
			return nil, notFoundAs(err, "domain %s", p.DomainID)
		}
		if !dom.Enabled {
			return nil, stale("domain %s is disabled", dom.ID)
		}
		t.Domain = &dom
	}
	if !p.Unscoped() {
		if t.Roles, err = a.rolesFor(ctx, p, t.scope()); err != nil {
			return nil, err
		}
		if len(t.Roles) == 0 {
			return nil, stale("user %s has no role on the token's scope", p.UserID)
		}
	}
	events, err := a.store.Revocations(ctx, p.IssuedAt)
	if err != nil {
		return nil, err
	}
	if err := token.CheckRevoked(events, token.ValuesOf(p, t.User.DomainID, projectDomainID, t.roleIDs())); err != nil {
		return nil, err
	}
	return t, nil
}

// rolesFor is the user's effective roles on the scope, narrowed to the
// application credential's roles when the token was made with one.
func (a *API) rolesFor(ctx context.Context, p token.Payload, sc store.Scope) ([]store.Role, error) {
	roles, err := a.store.RolesOn(ctx, p.UserID, sc)
	if err != nil || p.AppCredID == "" {
		return roles, err
	}
	ac, err := a.store.GetAppCred(ctx, p.AppCredID)
	if err != nil {
		return nil, notFoundAs(err, "application credential %s", p.AppCredID)
	}
	allowed := map[string]bool{}
	for _, id := range ac.RoleIDs {
		allowed[id] = true
	}
	var out []store.Role
	for _, r := range roles {
		if allowed[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// notFoundAs turns a missing row behind a token into a stale token.
func notFoundAs(err error, format string, args ...any) error {
	if errors.Is(err, fault.Of(fault.NotFound)) {
		return stale(format+" no longer exists", args...)
	}
	return err
}
