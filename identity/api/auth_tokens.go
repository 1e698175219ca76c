package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) authRoutes(r chi.Router) {
	r.Post("/auth/tokens", a.issueToken)
	r.Get("/auth/tokens", a.subjectToken("identity:validate_token", a.showToken))
	r.Head("/auth/tokens", a.subjectToken("identity:check_token", a.checkToken))
	r.Delete("/auth/tokens", a.subjectToken("identity:revoke_token", a.revokeToken))
	r.Get("/auth/catalog", a.protect("identity:get_auth_catalog", nil, a.authCatalog))
	r.Get("/auth/projects", a.protect("identity:get_auth_projects", nil, a.authProjects))
	r.Get("/auth/domains", a.protect("identity:get_auth_domains", nil, a.authDomains))
	r.Get("/auth/system", a.protect("identity:get_auth_system", nil, a.authSystem))
}

// issueToken is POST /v3/auth/tokens (api-ref identity "Password
// authentication with scoped authorization" and siblings): 201 with the
// token id in X-Subject-Token.
func (a *API) issueToken(w http.ResponseWriter, r *http.Request) {
	if err := a.issue(w, r); err != nil {
		httpapi.WriteError(w, r, err)
	}
}

func (a *API) issue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	req, err := decodeAuth(r)
	if err != nil {
		return err
	}
	res, err := a.authenticateMethods(ctx, req)
	if err != nil {
		return err
	}
	tr, err := a.resolveScope(ctx, req, res)
	if err != nil {
		return err
	}
	p, err := token.NewPayload(a.now(), a.set.Expiration, tr)
	if err != nil {
		return fault.Wrap(err, fault.Internal, "")
	}
	id, err := a.tokens.Issue(p)
	if err != nil {
		return fault.Wrap(err, fault.Internal, "")
	}
	t, err := a.resolve(ctx, id, p)
	if err != nil {
		return err
	}
	body, err := a.renderToken(ctx, t, !httpapi.QueryOf(r).Has("nocatalog"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", id)
	httpapi.WriteJSON(w, r, http.StatusCreated, body)
	return nil
}

type subjectHandler func(w http.ResponseWriter, r *http.Request, caller, subject *tokenInfo) error

// subjectToken authenticates the caller, validates X-Subject-Token (404
// when it is not valid, as keystone's TokenNotFound) and enforces rule
// with the subject's user as target.token.user_id.
func (a *API) subjectToken(rule string, h subjectHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := func() error {
			caller, err := a.authenticate(r)
			if err != nil {
				return err
			}
			id := r.Header.Get("X-Subject-Token")
			subject, err := a.validate(r.Context(), id)
			if err != nil {
				return token.NotFound(id, err)
			}
			t := policy.Target{"target.token.user_id": subject.User.ID}
			if err := a.policy.Enforce(credentials(caller), rule, t); err != nil {
				return err
			}
			return h(w, r, caller, subject)
		}()
		if err != nil {
			httpapi.WriteError(w, r, err)
		}
	}
}

// showToken is GET /v3/auth/tokens (api-ref identity "Validate and show
// information for token").
func (a *API) showToken(w http.ResponseWriter, r *http.Request, _, subject *tokenInfo) error {
	body, err := a.renderToken(r.Context(), subject, !httpapi.QueryOf(r).Has("nocatalog"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", subject.ID)
	httpapi.WriteJSON(w, r, http.StatusOK, body)
	return nil
}

// checkToken is HEAD /v3/auth/tokens (api-ref identity "Check token").
func (a *API) checkToken(w http.ResponseWriter, r *http.Request, _, subject *tokenInfo) error {
	w.Header().Set("X-Subject-Token", subject.ID)
	w.WriteHeader(http.StatusOK)
	return nil
}

// revokeToken is DELETE /v3/auth/tokens (api-ref identity "Revoke
// token"): a revocation event for the token's audit id.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, _, subject *tokenInfo) error {
	e, err := token.ForCause(token.TokenRevoked, subject.Payload.AuditID(), a.now())
	if err != nil {
		return fault.Wrap(err, fault.Internal, "")
	}
	if err := a.store.AddRevocation(r.Context(), e); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// authCatalog is GET /v3/auth/catalog.
func (a *API) authCatalog(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	if c.Payload.Unscoped() {
		return fault.New(fault.Forbidden, "A project-scoped token is required to produce a service catalog.")
	}
	entries, err := a.catalogFor(r.Context(), c)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{
		"catalog": catalogOf(entries, catalogSubstitutions(c)),
		"links":   listLinks(r),
	})
	return nil
}

// authProjects is GET /v3/auth/projects: the enabled projects the caller
// has a role on.
func (a *API) authProjects(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	projects, err := a.store.ProjectsOf(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	var enabled []store.Project
	for _, p := range projects {
		if p.Enabled {
			enabled = append(enabled, p)
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, projectsView(r, enabled))
	return nil
}

// authDomains is GET /v3/auth/domains.
func (a *API) authDomains(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	domains, err := a.store.DomainsOf(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	var enabled []store.Domain
	for _, d := range domains {
		if d.Enabled {
			enabled = append(enabled, d)
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, domainsView(r, enabled))
	return nil
}

// authSystem is GET /v3/auth/system.
func (a *API) authSystem(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	roles, err := a.store.RolesOn(r.Context(), c.User.ID, store.Scope{System: true})
	if err != nil {
		return err
	}
	system := []map[string]bool{}
	if len(roles) > 0 {
		system = append(system, map[string]bool{"all": true})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"system": system, "links": listLinks(r)})
	return nil
}
