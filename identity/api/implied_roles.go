package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi"
)

// Implied roles (api-ref identity "Roles": "Create role inference rule"
// and siblings).

func (a *API) roleRef(r *http.Request, id string) (map[string]any, error) {
	ro, err := a.store.GetRole(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": ro.ID, "name": ro.Name, "links": selfLinks(r, "roles/"+ro.ID)}, nil
}

func (a *API) inferenceView(r *http.Request, prior string, implied []string) (map[string]any, error) {
	p, err := a.roleRef(r, prior)
	if err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for _, id := range implied {
		ref, err := a.roleRef(r, id)
		if err != nil {
			return nil, err
		}
		list = append(list, ref)
	}
	return map[string]any{"prior_role": p, "implies": list}, nil
}

// createImplied is PUT /v3/roles/{id}/implies/{implied}: 201.
func (a *API) createImplied(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	prior, implied := chi.URLParam(r, "id"), chi.URLParam(r, "implied")
	if err := a.store.CreateImplication(r.Context(), prior, implied); err != nil {
		return err
	}
	return a.writeInference(w, r, http.StatusCreated, prior, implied)
}

func (a *API) writeInference(w http.ResponseWriter, r *http.Request, status int, prior, implied string) error {
	v, err := a.inferenceView(r, prior, []string{implied})
	if err != nil {
		return err
	}
	v["implies"] = v["implies"].([]map[string]any)[0]
	httpapi.WriteJSON(w, r, status, map[string]any{"role_inference": v,
		"links": selfLinks(r, "roles/"+prior+"/implies/"+implied)})
	return nil
}

// getImplied is GET /v3/roles/{id}/implies/{implied}.
func (a *API) getImplied(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	prior, implied := chi.URLParam(r, "id"), chi.URLParam(r, "implied")
	if err := a.store.GetImplication(r.Context(), prior, implied); err != nil {
		return err
	}
	return a.writeInference(w, r, http.StatusOK, prior, implied)
}

// checkImplied is HEAD /v3/roles/{id}/implies/{implied}: 204.
func (a *API) checkImplied(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.GetImplication(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "implied")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteImplied is DELETE /v3/roles/{id}/implies/{implied}: 204.
func (a *API) deleteImplied(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteImplication(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "implied")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listImplied is GET /v3/roles/{id}/implies.
func (a *API) listImplied(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	prior := chi.URLParam(r, "id")
	if _, err := a.store.GetRole(r.Context(), prior); err != nil {
		return err
	}
	rules, err := a.store.ListImplications(r.Context(), prior)
	if err != nil {
		return err
	}
	v, err := a.inferenceView(r, prior, impliedIDs(rules))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"role_inference": v, "links": selfLinks(r, "roles/"+prior+"/implies")})
	return nil
}

// listInferences is GET /v3/role_inferences.
func (a *API) listInferences(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	rules, err := a.store.ListImplications(r.Context(), "")
	if err != nil {
		return err
	}
	byPrior := map[string][]string{}
	var order []string
	for _, ru := range rules {
		if _, ok := byPrior[ru.PriorID]; !ok {
			order = append(order, ru.PriorID)
		}
		byPrior[ru.PriorID] = append(byPrior[ru.PriorID], ru.ImpliedID)
	}
	out := []map[string]any{}
	for _, p := range order {
		v, err := a.inferenceView(r, p, byPrior[p])
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"role_inferences": out, "links": listLinks(r)})
	return nil
}

func impliedIDs(rules []store.Implication) []string {
	out := make([]string, len(rules))
	for i, ru := range rules {
		out[i] = ru.ImpliedID
	}
	return out
}
