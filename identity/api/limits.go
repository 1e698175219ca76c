package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/httpapi"
)

// Unified limits (api-ref identity "Unified Limits"): the lists answer,
// empty; creating limits is not supported yet.

func (a *API) limitRoutes(r chi.Router) {
	r.Get("/limits", a.protect("identity:list_limits", nil, a.emptyList("limits")))
	r.Get("/registered_limits", a.protect("identity:list_registered_limits", nil, a.emptyList("registered_limits")))
	r.Get("/limits/model", a.protect("identity:get_limit_model", nil, a.limitModel))
}

func (a *API) emptyList(key string) handler {
	return func(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{key: []any{}, "links": listLinks(r)})
		return nil
	}
}

// limitModel is GET /v3/limits/model: keystone's default flat model.
func (a *API) limitModel(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"model": map[string]any{
		"name":        "flat",
		"description": "Limit enforcement and validation does not take project hierarchy into consideration.",
	}})
	return nil
}
