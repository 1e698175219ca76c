package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) roleRoutes(r chi.Router) {
	r.Get("/roles", a.authed(a.listRoles))
	r.Post("/roles", a.authed(a.createRole))
	r.Get("/roles/{id}", a.authed(a.getRole))
	r.Patch("/roles/{id}", a.authed(a.updateRole))
	r.Delete("/roles/{id}", a.authed(a.deleteRole))
	r.Get("/roles/{id}/implies", a.protect("identity:list_implied_roles", nil, a.listImplied))
	r.Put("/roles/{id}/implies/{implied}", a.protect("identity:create_implied_role", nil, a.createImplied))
	r.Get("/roles/{id}/implies/{implied}", a.protect("identity:get_implied_role", nil, a.getImplied))
	r.Head("/roles/{id}/implies/{implied}", a.protect("identity:check_implied_role", nil, a.checkImplied))
	r.Delete("/roles/{id}/implies/{implied}", a.protect("identity:delete_implied_role", nil, a.deleteImplied))
	r.Get("/role_inferences", a.protect("identity:list_role_inference_rules", nil, a.listInferences))
}

// roleRule picks keystone's rule for a global or a domain-specific role.
func (a *API) roleRule(c *tokenInfo, global, domain, domainID string) error {
	if domainID == "" {
		return a.policy.Enforce(credentials(c), global, policy.Target{})
	}
	return a.policy.Enforce(credentials(c), domain, policy.Target{"target.role": map[string]any{"domain_id": domainID}})
}

// listRoles is GET /v3/roles: global roles, or a domain's with domain_id;
// filtered by name, exactly or inexactly (name__contains).
func (a *API) listRoles(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	q := httpapi.QueryOf(r)
	if err := a.roleRule(c, "identity:list_roles", "identity:list_domain_roles", q.Get("domain_id")); err != nil {
		return err
	}
	rs, err := a.store.ListRoles(r.Context(), store.RoleFilter{Name: q.Get("name"), DomainID: q.Get("domain_id")})
	if err != nil {
		return err
	}
	rs = filterInexact(rs, inexactFilters(q, "name", "domain_id"), func(ro store.Role, attr string) (string, bool) {
		if attr == "name" {
			return ro.Name, true
		}
		return nonEmpty(ro.DomainID)
	})
	httpapi.WriteJSON(w, r, http.StatusOK, rolesView(r, rs))
	return nil
}

// createRole is POST /v3/roles: 201.
func (a *API) createRole(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	f, err := decodeMember(r, "role", schema.RoleCreate)
	if err != nil {
		return err
	}
	ro := store.Role{Name: f.str("name"), DomainID: f.str("domain_id"), Description: f.str("description"),
		Options: f.object("options"), Extra: f.extra("id", "name", "domain_id", "description", "options")}
	if err := a.roleRule(c, "identity:create_role", "identity:create_domain_role", ro.DomainID); err != nil {
		return err
	}
	if ro, err = a.store.CreateRole(r.Context(), ro); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"role": roleView(r, ro)})
	return nil
}

// roleFor loads the role of the URL and enforces the rule matching its
// kind; a missing role is enforced as a global one, then 404s.
func (a *API) roleFor(r *http.Request, c *tokenInfo, global, domain string) (store.Role, error) {
	ro, err := a.store.GetRole(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		if perr := a.roleRule(c, global, domain, ""); perr != nil {
			return ro, perr
		}
		return ro, err
	}
	return ro, a.roleRule(c, global, domain, ro.DomainID)
}

// getRole is GET /v3/roles/{id}.
func (a *API) getRole(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	ro, err := a.roleFor(r, c, "identity:get_role", "identity:get_domain_role")
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"role": roleView(r, ro)})
	return nil
}

// updateRole is PATCH /v3/roles/{id}.
func (a *API) updateRole(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	ro, err := a.roleFor(r, c, "identity:update_role", "identity:update_domain_role")
	if err != nil {
		return err
	}
	f, err := decodeMember(r, "role", schema.RoleUpdate)
	if err != nil {
		return err
	}
	ro, err = a.store.UpdateRole(r.Context(), ro.ID, store.RolePatch{Name: f.strp("name"), Description: f.strp("description"),
		Options: f.object("options"), Extra: f.extra("id", "name", "domain_id", "description", "options")})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"role": roleView(r, ro)})
	return nil
}

// deleteRole is DELETE /v3/roles/{id}; tokens carrying it stop validating
// on their own, since validate recomputes roles.
func (a *API) deleteRole(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	ro, err := a.roleFor(r, c, "identity:delete_role", "identity:delete_domain_role")
	if err != nil {
		return err
	}
	if err := a.store.DeleteRole(r.Context(), ro.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
