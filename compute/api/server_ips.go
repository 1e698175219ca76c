package api

import (
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Servers have no NIC until Nova is wired to the network service (issue
// 8), so their addresses are empty, as in the server views.

// listServerIPs is api-ref "List IPs" (os-server-ips).
func (a *API) listServerIPs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, "os_compute_api:ips:index"); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"addresses": map[string]any{}})
}

// showServerIPs is api-ref "Show IP Details": the server is on no network.
func (a *API) showServerIPs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, "os_compute_api:ips:show"); err != nil {
		writeErr(w, r, err)
		return
	}
	writeErr(w, r, fault.New(fault.NotFound, "Instance is not a member of specified network"))
}
