package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi"
)

// Policies (api-ref identity "Policies"), keystone/api/policy.py: opaque
// blobs with a type, which keystone stores and never interprets.

func (a *API) policyRoutes(r chi.Router) {
	r.Get("/policies", a.protect("identity:list_policies", nil, a.listPolicies))
	r.Post("/policies", a.protect("identity:create_policy", nil, a.createPolicy))
	r.Get("/policies/{id}", a.protect("identity:get_policy", nil, a.getPolicy))
	r.Patch("/policies/{id}", a.protect("identity:update_policy", nil, a.updatePolicy))
	r.Delete("/policies/{id}", a.protect("identity:delete_policy", nil, a.deletePolicy))
}

var policyKnown = []string{"id", "type", "blob", "links"}

func policyView(r *http.Request, p store.Policy) map[string]any {
	return withExtra(p.Extra, map[string]any{"id": p.ID, "type": p.Type, "blob": p.Blob, "links": selfLinks(r, "policies/"+p.ID)})
}

// listPolicies is GET /v3/policies, filtered by type, exactly or inexactly
// (type__contains).
func (a *API) listPolicies(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	ps, err := a.store.ListPolicies(r.Context(), q.Get("type"))
	if err != nil {
		return err
	}
	ps = filterInexact(ps, inexactFilters(q, "type"), func(p store.Policy, _ string) (string, bool) { return p.Type, true })
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i] = policyView(r, p)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"policies": out, "links": listLinks(r)})
	return nil
}

// createPolicy is POST /v3/policies: 201; keystone assigns the id.
func (a *API) createPolicy(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "policy", schema.PolicyCreate)
	if err != nil {
		return err
	}
	p, err := a.store.CreatePolicy(r.Context(), store.Policy{Type: f.str("type"), Blob: f.str("blob"), Extra: f.extra(policyKnown...)})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"policy": policyView(r, p)})
	return nil
}

func (a *API) getPolicy(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	p, err := a.store.GetPolicy(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"policy": policyView(r, p)})
	return nil
}

func (a *API) updatePolicy(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "policy", schema.PolicyUpdate)
	if err != nil {
		return err
	}
	p, err := a.store.UpdatePolicy(r.Context(), chi.URLParam(r, "id"), f.strp("type"), f.strp("blob"), f.extra(policyKnown...))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"policy": policyView(r, p)})
	return nil
}

func (a *API) deletePolicy(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeletePolicy(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
