package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/policy"
)

// networkAttrs are a network's attributes (filters and sort keys).
var networkAttrs = names("id", "name", "tenant_id", "project_id", "admin_state_up", "mtu", "status", "subnets",
	"shared", "availability_zone_hints", "availability_zones", "ipv4_address_scope", "ipv6_address_scope",
	"router:external", "description", "port_security_enabled", "created_at", "updated_at", "revision_number",
	"provider:network_type", "provider:physical_network", "provider:segmentation_id", "l2_adjacency")

var providerAttrs = []string{"provider:network_type", "provider:physical_network", "provider:segmentation_id"}

// ts is neutron's timestamp format: "2026-11-23T12:00:00Z".
func ts(t time.Time) string { return timefmt.Seconds(t) }

func (a *API) networkView(n store.Network) map[string]any {
	return map[string]any{
		"id": n.ID, "name": n.Name, "tenant_id": n.ProjectID, "project_id": n.ProjectID,
		"admin_state_up": n.AdminStateUp, "mtu": n.MTU, "status": n.Status, "subnets": slices.Clone(n.Subnets),
		"shared": n.Shared, "availability_zone_hints": slices.Clone(n.AZHints),
		"availability_zones": []string{a.set.AvailabilityZone},
		"ipv4_address_scope": nil, "ipv6_address_scope": nil, "router:external": n.RouterExternal,
		"description": n.Description, "port_security_enabled": n.PortSecurityEnabled,
		"created_at": ts(n.CreatedAt), "updated_at": ts(n.UpdatedAt),
		"revision_number": n.Revision, "provider:network_type": n.NetworkType,
		"provider:physical_network": ptrValue(n.PhysicalNetwork), "provider:segmentation_id": nil,
		"l2_adjacency": true,
	}
}

func ptrValue(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func networkTarget(n store.Network) policy.Target {
	return policy.Target{"project_id": n.ProjectID, "tenant_id": n.ProjectID, "shared": n.Shared,
		"router:external": n.RouterExternal, "id": n.ID}
}

// viewTarget is the policy target of a rendered network.
func viewTarget(v map[string]any) policy.Target {
	return policy.Target{"project_id": v["project_id"], "tenant_id": v["project_id"], "shared": v["shared"],
		"router:external": v["router:external"], "id": v["id"]}
}

// getNetwork loads a network the caller may see; another is 404.
func (a *API) getNetwork(r *http.Request, c caller, id string) (store.Network, error) {
	n, err := a.st.GetNetwork(r.Context(), id)
	if err != nil {
		return n, err
	}
	if !a.allowed(c, "get_network", networkTarget(n)) {
		return store.Network{}, store.NetworkNotFound(id)
	}
	return n, nil
}

func (a *API) renderNetwork(c caller, n store.Network) map[string]any {
	v := a.networkView(n)
	a.strip(c, "get_network", v, networkTarget(n), providerAttrs...)
	return v
}

func (a *API) listNetworks(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	nets, err := a.st.ListNetworks(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "networks", hide: func(v map[string]any) {
		a.strip(c, "get_network", v, viewTarget(v), providerAttrs...)
	}}
	for _, n := range nets {
		if a.allowed(c, "get_network", networkTarget(n)) {
			l.items = append(l.items, a.networkView(n))
		}
	}
	l.write(w, r, networkAttrs)
}

func (a *API) showNetwork(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	n, err := a.getNetwork(r, c, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "network", a.renderNetwork(c, n), http.StatusOK)
}

var networkCreateAttrs = []string{"name", "description", "admin_state_up", "shared", "router:external", "mtu",
	"port_security_enabled", "availability_zone_hints", "provider:network_type", "provider:physical_network",
	"provider:segmentation_id", "project_id", "tenant_id"}

func (a *API) createNetwork(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := decode(r, "network", networkCreateAttrs...)
	if err != nil {
		writeError(w, r, err)
		return
	}
	n, err := a.parseNetwork(c, body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t := networkTarget(n)
	if err := a.enforce(c, "create_network", t); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforceAttrs(c, "create_network", body, t, "shared", "router:external",
		"provider:network_type", "provider:physical_network"); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.checkQuota(r, n.ProjectID, "network", 1); err != nil {
		writeError(w, r, err)
		return
	}
	n, err = a.st.CreateNetwork(r.Context(), n)
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "network", a.renderNetwork(c, n), http.StatusCreated)
}

// parseNetwork validates a create body. The only network type is flat
// (one shared L2 segment); physical networks name host bridges.
func (a *API) parseNetwork(c caller, body attrs) (store.Network, error) {
	var n store.Network
	var err error
	if n.ProjectID, err = c.owner(body); err != nil {
		return n, err
	}
	if n.Name, err = body.str("name", 255, ""); err != nil {
		return n, err
	}
	if n.Description, err = body.str("description", 255, ""); err != nil {
		return n, err
	}
	if n.AdminStateUp, err = body.boolean("admin_state_up", true); err != nil {
		return n, err
	}
	if n.Shared, err = body.boolean("shared", false); err != nil {
		return n, err
	}
	if n.RouterExternal, err = body.boolean("router:external", false); err != nil {
		return n, err
	}
	if n.PortSecurityEnabled, err = body.boolean("port_security_enabled", true); err != nil {
		return n, err
	}
	mtu, err := body.integer("mtu")
	if err != nil {
		return n, err
	}
	n.MTU = 1500
	if mtu != nil {
		if *mtu < 68 || *mtu > 1500 {
			return n, invalid("Invalid input for operation: Requested MTU is too big, maximum is 1500.")
		}
		n.MTU = *mtu
	}
	hints, _, err := body.strList("availability_zone_hints")
	if err != nil {
		return n, err
	}
	for _, h := range hints {
		if h != a.set.AvailabilityZone {
			return n, store.Errorf("AvailabilityZoneNotFound", fault.NotFound,
				"AvailabilityZone %s could not be found.", h)
		}
	}
	n.AZHints = hints
	n.NetworkType, err = body.str("provider:network_type", 255, "flat")
	if err != nil {
		return n, err
	}
	if n.NetworkType != "flat" {
		return n, invalid("Invalid input for operation: network_type value '%s' not supported.", n.NetworkType)
	}
	if seg, _ := body.integer("provider:segmentation_id"); seg != nil {
		return n, invalid("Invalid input for operation: segmentation_id specified for flat provider network.")
	}
	if n.PhysicalNetwork, err = body.optStr("provider:physical_network", 64); err != nil {
		return n, err
	}
	n.Status = "ACTIVE"
	return n, nil
}

var networkUpdateAttrs = []string{"name", "description", "admin_state_up", "shared", "router:external", "mtu",
	"port_security_enabled"}

func (a *API) updateNetwork(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	body, err := decode(r, "network", append(networkUpdateAttrs, networkCreateAttrs...)...)
	if err == nil {
		err = body.readOnly(networkUpdateAttrs...)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	old, err := a.getNetwork(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "update_network", networkTarget(old)); err != nil {
		writeError(w, r, err)
		return
	}
	if shared, err := body.boolean("shared", old.Shared); err == nil && old.Shared && !shared {
		if err := a.checkUnshare(r, old); err != nil {
			writeError(w, r, err)
			return
		}
	}
	n, err := a.st.UpdateNetwork(r.Context(), id, func(n *store.Network) error {
		var err error
		if n.Name, err = body.str("name", 255, n.Name); err != nil {
			return err
		}
		if n.Description, err = body.str("description", 255, n.Description); err != nil {
			return err
		}
		if n.AdminStateUp, err = body.boolean("admin_state_up", n.AdminStateUp); err != nil {
			return err
		}
		if n.Shared, err = body.boolean("shared", n.Shared); err != nil {
			return err
		}
		if n.RouterExternal, err = body.boolean("router:external", n.RouterExternal); err != nil {
			return err
		}
		if n.PortSecurityEnabled, err = body.boolean("port_security_enabled", n.PortSecurityEnabled); err != nil {
			return err
		}
		mtu, err := body.integer("mtu")
		if err != nil {
			return err
		}
		if mtu != nil {
			if *mtu < 68 || *mtu > 1500 {
				return invalid("Invalid input for operation: Requested MTU is too big, maximum is 1500.")
			}
			n.MTU = *mtu
		}
		return nil
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "network", a.renderNetwork(c, n), http.StatusOK)
}

func (a *API) deleteNetwork(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	n, err := a.getNetwork(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "delete_network", networkTarget(n)); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.st.DeleteNetwork(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkUnshare is neutron's InvalidSharedSetting: a network other
// projects have ports on stays shared.
func (a *API) checkUnshare(r *http.Request, n store.Network) error {
	ports, err := a.st.ListPorts(r.Context())
	if err != nil {
		return err
	}
	for _, p := range ports {
		if p.NetworkID == n.ID && p.ProjectID != n.ProjectID {
			return store.Errorf("InvalidSharedSetting", fault.Conflict,
				"Unable to reconfigure sharing settings for network %s. Multiple tenants are using it.", n.ID)
		}
	}
	return nil
}
