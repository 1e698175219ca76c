package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/networkapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The deprecated network proxies (nova/api/openstack/compute/networks.py
// and tenant_networks.py): /os-networks and /os-tenant-networks list and
// show the networks the caller sees in the network service, asked with
// the caller's token, up to 2.35 (404 from 2.36, as the security group
// proxy). Since nova-network is gone nova fills only id and label (the
// network's name); the other nova-network fields are null, and an admin
// gets the admin fields too, null as well. os-tenant-networks shows id,
// label and the string "None" as cidr, as nova does. Creating, deleting
// and the association actions were removed in nova 21.0.0: 410.

// novaNetworkFields and novaNetworkAdminFields are nova's network_dict
// fields.
var (
	novaNetworkFields = []string{"id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2",
		"cidr_v6", "gateway_v6", "label", "netmask_v6"}
	novaNetworkAdminFields = []string{"created_at", "updated_at", "deleted_at", "deleted",
		"injected", "bridge", "vlan", "vpn_public_address", "vpn_public_port", "vpn_private_address", "dhcp_start",
		"project_id", "host", "bridge_interface", "multi_host", "priority", "rxtx_base", "mtu", "dhcp_server",
		"enable_dhcp", "share_address"}
)

func (a *API) networkProxyRoutes(r chi.Router) {
	r.Get("/os-networks", a.listProxyNetworks(false))
	r.Get("/os-networks/{network_id}", a.showProxyNetwork(false))
	r.Get("/os-tenant-networks", a.listProxyNetworks(true))
	r.Get("/os-tenant-networks/{network_id}", a.showProxyNetwork(true))
	for _, p := range []string{"/os-networks", "/os-networks/add", "/os-networks/{network_id}/action", "/os-tenant-networks"} {
		r.Post(p, networkProxyGone)
	}
	r.Delete("/os-networks/{network_id}", networkProxyGone)
	r.Delete("/os-tenant-networks/{network_id}", networkProxyGone)
}

// networkProxyGone answers the nova-network operations nova removed in
// 21.0.0 (webob's HTTPGone in nova's fault shape).
func networkProxyGone(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusGone, map[string]any{"computeFault": map[string]any{"code": http.StatusGone,
		"message": "This resource is no longer available. No forwarding address is given."}})
}

// networkProxyRule is the policy rule of a proxy operation.
func networkProxyRule(tenant bool, op string) string {
	if tenant {
		return "os_compute_api:os-tenant-networks:" + op
	}
	return "os_compute_api:os-networks:" + op
}

func (a *API) listProxyNetworks(tenant bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if collectionWithSlash(r) {
			writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
			return
		}
		c, n, ok := a.proxyStart(w, r, networkProxyRule(tenant, "list"))
		if !ok {
			return
		}
		nets, err := n.ListNetworks(r.Context(), c.AuthToken)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		out := make([]map[string]any, 0, len(nets))
		for _, net := range nets {
			out = append(out, novaNetworkView(net, tenant, c.IsAdmin))
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"networks": out})
	}
}

func (a *API) showProxyNetwork(tenant bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, n, ok := a.proxyStart(w, r, networkProxyRule(tenant, "show"))
		if !ok {
			return
		}
		net, err := n.ShowNetwork(r.Context(), c.AuthToken, chi.URLParam(r, "network_id"))
		if fault.KindOf(err) == fault.NotFound {
			err = fault.Wrap(err, fault.NotFound, "Network not found")
		}
		if err != nil {
			writeErr(w, r, err)
			return
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"network": novaNetworkView(net, tenant, c.IsAdmin)})
	}
}

// novaNetworkView is nova's network_dict (tenant: tenant_networks's).
func novaNetworkView(n networkapi.Network, tenant, admin bool) map[string]any {
	if tenant {
		return map[string]any{"id": n.ID, "cidr": "None", "label": n.Name}
	}
	v := map[string]any{}
	fields := novaNetworkFields
	if admin {
		fields = append(append([]string{}, fields...), novaNetworkAdminFields...)
	}
	for _, f := range fields {
		v[f] = nil
	}
	v["id"], v["label"] = n.ID, n.Name
	return v
}
