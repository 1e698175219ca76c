package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
)

// listAggregates is api-ref "List Aggregates". Host aggregates cannot be
// made yet, so the list is empty; clients (hypervisor show) read it.
func (a *API) listAggregates(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-aggregates:index", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"aggregates": []any{}})
}

// listServerGroups is api-ref "List Server Groups". Server groups cannot
// be made yet, so the list is empty.
func (a *API) listServerGroups(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-server-groups:index", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"server_groups": []any{}})
}
