package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) domainRoutes(r chi.Router) {
	r.Get("/domains", a.protect("identity:list_domains", nil, a.listDomains))
	r.Post("/domains", a.protect("identity:create_domain", nil, a.createDomain))
	r.Get("/domains/{id}", a.protect("identity:get_domain", domainTarget, a.getDomain))
	r.Patch("/domains/{id}", a.protect("identity:update_domain", domainTarget, a.updateDomain))
	r.Delete("/domains/{id}", a.protect("identity:delete_domain", domainTarget, a.deleteDomain))
}

func domainTarget(r *http.Request) (policy.Target, error) {
	return policy.Target{"target.domain.id": chi.URLParam(r, "id")}, nil
}

// listDomains is GET /v3/domains (api-ref identity "List domains"),
// filtered by name and enabled, and inexactly (name__contains) by name.
func (a *API) listDomains(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	ds, err := a.store.ListDomains(r.Context(), store.DomainFilter{Name: q.Get("name"), Enabled: boolQuery(q, "enabled")})
	if err != nil {
		return err
	}
	ds = filterInexact(ds, inexactFilters(q, "name"), func(d store.Domain, _ string) (string, bool) { return d.Name, true })
	httpapi.WriteJSON(w, r, http.StatusOK, domainsView(r, ds))
	return nil
}

// createDomain is POST /v3/domains.
func (a *API) createDomain(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "domain", schema.DomainCreate)
	if err != nil {
		return err
	}
	d := store.Domain{
		ID: f.str("explicit_domain_id"), Name: f.str("name"), Description: f.str("description"),
		Enabled: f.boolOr("enabled", true), Extra: f.extra("id", "explicit_domain_id", "name", "description", "enabled", "tags", "options"),
	}
	if t := f.strs("tags"); t != nil {
		d.Tags = *t
	}
	d, err = a.store.CreateDomain(r.Context(), d)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"domain": domainView(r, d)})
	return nil
}

// getDomain is GET /v3/domains/{id}.
func (a *API) getDomain(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	d, err := a.store.GetDomain(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"domain": domainView(r, d)})
	return nil
}

// updateDomain is PATCH /v3/domains/{id}.
func (a *API) updateDomain(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "domain", schema.DomainUpdate)
	if err != nil {
		return err
	}
	p := store.DomainPatch{Name: f.strp("name"), Description: f.strp("description"), Enabled: f.boolp("enabled"), Tags: f.strs("tags"),
		Extra: f.extra("id", "name", "description", "enabled", "tags", "options")}
	_, d, err := a.store.UpdateDomain(r.Context(), chi.URLParam(r, "id"), p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"domain": domainView(r, d)})
	return nil
}

// deleteDomain is DELETE /v3/domains/{id}; the domain must be disabled.
func (a *API) deleteDomain(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteDomain(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
