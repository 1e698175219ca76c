package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// A server's addresses come from the network service (servers_networks.go).

// listServerIPs is api-ref "List IPs" (os-server-ips): per network, the
// addresses with their version only.
func (a *API) listServerIPs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:ips:index")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"addresses": addressMap(a.vifsOf(r, in), false)})
}

// showServerIPs is api-ref "Show IP Details": the addresses on one
// network, by its name.
func (a *API) showServerIPs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:ips:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	label := chi.URLParam(r, "network_label")
	if ips, ok := addressMap(a.vifsOf(r, in), false)[label]; ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{label: ips})
		return
	}
	writeErr(w, r, fault.New(fault.NotFound, "Instance is not a member of specified network"))
}
