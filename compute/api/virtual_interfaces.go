package api

import (
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// listVirtualInterfaces is the deprecated os-virtual-interfaces (gone
// from 2.44): a nova-network API that nova with a network service
// answers with a 400, after finding the server.
func (a *API) listVirtualInterfaces(w http.ResponseWriter, r *http.Request) {
	if atLeast(r, 44) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.instanceFor(r, c, ""); err != nil {
		writeErr(w, r, err)
		return
	}
	writeErr(w, r, invalid("Listing virtual interfaces is not supported by this cloud."))
}
