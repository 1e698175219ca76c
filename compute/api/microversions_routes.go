package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Resources that later microversions brought, served only from their
// version (nova answers 404 below it, as for an unknown resource).
func (a *API) microversionRoutes(r chi.Router) {
	r.Get("/servers/{server_id}/topology", a.serverTopology)
	r.Post("/os-aggregates/{aggregate_id}/images", a.cacheAggregateImages)
}

// from refuses a request below microversion 2.minor with nova's 404.
func from(w http.ResponseWriter, r *http.Request, minor int) bool {
	if atLeast(r, minor) {
		return true
	}
	writeErr(w, r, fault.New(fault.NotFound, "The resource could not be found."))
	return false
}

// serverTopology is api-ref "Show Server Topology" (2.78). Guests here
// have no NUMA topology (flavors' hw:numa_* specs are not applied), which
// nova shows as no nodes.
func (a *API) serverTopology(w http.ResponseWriter, r *http.Request) {
	if !from(w, r, 78) {
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, "os_compute_api:servers:topology:index"); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"nodes": []any{}, "pagesize_kb": nil})
}

// cacheAggregateImages is api-ref "Request Image Pre-caching for
// Aggregate" (2.81). The request is checked as nova checks it and
// accepted; there is nothing to warm on the hosts: their root disks are
// copy-on-write clones of the image in Ceph, not copies from a local
// image cache.
func (a *API) cacheAggregateImages(w http.ResponseWriter, r *http.Request) {
	if !from(w, r, 81) {
		return
	}
	if _, ok := a.aggregateCaller(w, r, "images"); !ok {
		return
	}
	b, err := decodeBody(r, "")
	if err == nil {
		err = b.only("body", "cache")
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	list, ok := b["cache"].([]any)
	if !ok {
		writeErr(w, r, badField("body", map[string]any(b), "'cache' is a required property"))
		return
	}
	if len(list) == 0 {
		writeErr(w, r, badField("cache", list, "[] is too short"))
		return
	}
	seen := map[string]bool{}
	for _, it := range list {
		m, isMap := it.(map[string]any)
		if !isMap {
			writeErr(w, r, badField("cache", it, "%s is not of type 'object'", repr(it)))
			return
		}
		if err := body(m).only("cache", "id"); err != nil {
			writeErr(w, r, err)
			return
		}
		id, _ := m["id"].(string)
		if _, perr := uuid.Parse(id); perr != nil || len(id) != 36 {
			writeErr(w, r, badField("id", m["id"], "%s is not a 'uuid'", repr(m["id"])))
			return
		}
		if seen[id] {
			writeErr(w, r, invalid("Duplicate images in request"))
			return
		}
		seen[id] = true
	}
	if _, err := a.store.GetAggregate(r.Context(), chi.URLParam(r, "aggregate_id")); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
