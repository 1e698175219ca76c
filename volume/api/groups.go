package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
)

// groupRoutes adds the read-only part of cinder's generic volume groups
// API (3.13+). Groups cannot be created here (volumes are never in one, so
// their group_id is null), but clients that show volumes with their group,
// such as Horizon's Volumes page, list them: the list is empty and a group
// is never found.
func (a *API) groupRoutes(r chi.Router) {
	g := r.With(microversion.Require(microversion.V(3, 13), microversion.Version{}))
	g.Get("/groups", a.listGroups)
	g.Get("/groups/detail", a.listGroups)
	g.Get("/groups/{id}", a.showGroup)
}

func (a *API) listGroups(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "group:get_all", ""); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"groups": []any{}})
}

func (a *API) showGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "group:get", ""); err != nil {
		fail(w, r, err)
		return
	}
	fail(w, r, fault.New(fault.NotFound, "Group %s could not be found.", chi.URLParam(r, "id")))
}
