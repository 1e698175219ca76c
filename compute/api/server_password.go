package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
)

// showServerPassword is api-ref "Show Server Password": the encrypted
// password a guest posts to the metadata service. This cloud has no
// metadata service (guests read the config drive), so no guest can have
// posted one and the password is empty, as nova's for a guest that did
// not.
func (a *API) showServerPassword(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, "os_compute_api:os-server-password:show"); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"password": ""})
}

// clearServerPassword is api-ref "Clear Admin Password": 204, nothing is
// stored to remove.
func (a *API) clearServerPassword(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, "os_compute_api:os-server-password:clear"); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
