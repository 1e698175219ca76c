package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/policy"
)

var portAttrs = names("id", "name", "network_id", "tenant_id", "project_id", "mac_address", "admin_state_up",
	"status", "device_id", "device_owner", "fixed_ips", "security_groups", "description", "port_security_enabled",
	"binding:host_id", "binding:profile", "binding:vif_details", "binding:vif_type", "binding:vnic_type",
	"created_at", "updated_at", "revision_number")

var bindingAdminAttrs = []string{"binding:host_id", "binding:profile", "binding:vif_details", "binding:vif_type"}

func portView(p store.Port) map[string]any {
	ips := make([]map[string]string, 0, len(p.FixedIPs))
	for _, f := range p.FixedIPs {
		ips = append(ips, map[string]string{"subnet_id": f.SubnetID, "ip_address": f.IPAddress})
	}
	return map[string]any{
		"id": p.ID, "name": p.Name, "network_id": p.NetworkID, "tenant_id": p.ProjectID, "project_id": p.ProjectID,
		"mac_address": p.MACAddress, "admin_state_up": p.AdminStateUp, "status": p.Status, "device_id": p.DeviceID,
		"device_owner": p.DeviceOwner, "fixed_ips": ips, "security_groups": slices.Clone(p.SecurityGroups),
		"description": p.Description, "port_security_enabled": p.PortSecurityEnabled,
		"binding:host_id": p.HostID, "binding:profile": p.Profile, "binding:vif_details": p.VIFDetails,
		"binding:vif_type": p.VIFType, "binding:vnic_type": p.VNICType,
		"allowed_address_pairs": []any{}, "extra_dhcp_opts": []any{},
		"created_at": ts(p.CreatedAt), "updated_at": ts(p.UpdatedAt), "revision_number": p.Revision,
	}
}

func portTarget(p store.Port, n store.Network) policy.Target {
	return policy.Target{"project_id": p.ProjectID, "tenant_id": p.ProjectID, "network:project_id": n.ProjectID,
		"network:tenant_id": n.ProjectID, "network:shared": n.Shared, "device_owner": p.DeviceOwner,
		"network_device": strings.HasPrefix(p.DeviceOwner, "network:"), "network_id": p.NetworkID}
}

func (a *API) getPort(r *http.Request, c caller, id string) (store.Port, store.Network, error) {
	p, err := a.st.GetPort(r.Context(), id)
	if err != nil {
		return p, store.Network{}, err
	}
	n, err := a.st.GetNetwork(r.Context(), p.NetworkID)
	if err != nil {
		return p, n, err
	}
	if !a.allowed(c, "get_port", portTarget(p, n)) {
		return store.Port{}, n, store.PortNotFound(id)
	}
	return p, n, nil
}

func (a *API) renderPort(c caller, p store.Port, n store.Network) map[string]any {
	v := portView(p)
	a.strip(c, "get_port", v, portTarget(p, n), bindingAdminAttrs...)
	return v
}

// fixedIPsFilter is neutron's fixed_ips filter: each value is
// ip_address=X, subnet_id=Y or ip_address_substr=Z.
func fixedIPsFilter(item map[string]any, values []string) bool {
	ips, _ := item["fixed_ips"].([]map[string]string)
	for _, v := range values {
		k, want, _ := strings.Cut(v, "=")
		for _, ip := range ips {
			switch k {
			case "ip_address", "subnet_id":
				if ip[k] == want {
					return true
				}
			case "ip_address_substr":
				if strings.Contains(ip["ip_address"], want) {
					return true
				}
			}
		}
	}
	return false
}

func (a *API) listPorts(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	for _, v := range r.URL.Query()["fixed_ips"] {
		if k, _, ok := strings.Cut(v, "="); !ok || (k != "ip_address" && k != "subnet_id" && k != "ip_address_substr") {
			writeError(w, r, invalid("Invalid input for operation: fixed_ips filter '%s' must read ip_address=, subnet_id= or ip_address_substr=.", v))
			return
		}
	}
	ports, err := a.st.ListPorts(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	nets, err := a.networksByID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "ports", special: map[string]matcher{"fixed_ips": fixedIPsFilter},
		hide: func(v map[string]any) {
			for _, k := range bindingAdminAttrs {
				if !a.allowed(c, "get_port:"+k, policy.Target{"project_id": v["project_id"]}) {
					delete(v, k)
				}
			}
		}}
	for _, p := range ports {
		if a.allowed(c, "get_port", portTarget(p, nets[p.NetworkID])) {
			l.items = append(l.items, portView(p))
		}
	}
	l.write(w, r, portAttrs)
}

func (a *API) showPort(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, n, err := a.getPort(r, c, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "port", a.renderPort(c, p, n), http.StatusOK)
}

var portCreateAttrs = []string{"name", "description", "network_id", "admin_state_up", "mac_address", "fixed_ips",
	"device_id", "device_owner", "security_groups", "port_security_enabled", "binding:host_id", "binding:profile",
	"binding:vnic_type", "project_id", "tenant_id", "allowed_address_pairs", "extra_dhcp_opts"}

func (a *API) createPort(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := decode(r, "port", portCreateAttrs...)
	if err != nil {
		writeError(w, r, err)
		return
	}
	netID, err := body.str("network_id", 36, "")
	if err == nil && netID == "" {
		err = invalid("Failed to parse request. Required attribute 'network_id' not specified")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	n, err := a.getNetwork(r, c, netID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	spec, err := parsePort(c, body, n)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t := portTarget(spec.Port, n)
	if err := a.enforce(c, "create_port", t); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforceAttrs(c, "create_port", body, t, "device_owner", "mac_address", "binding:host_id", "binding:profile"); err != nil {
		writeError(w, r, err)
		return
	}
	for _, req := range spec.Requests {
		rule := "create_port:fixed_ips:subnet_id"
		if req.IPAddress != "" {
			rule = "create_port:fixed_ips:ip_address"
		}
		if err := a.enforce(c, rule, t); err != nil {
			writeError(w, r, err)
			return
		}
	}
	if spec.SecurityGroups, err = a.portGroups(r, c, body, spec.Port); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.checkQuota(r, spec.ProjectID, "port", 1); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := a.st.CreatePort(r.Context(), spec)
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "port", a.renderPort(c, p, n), http.StatusCreated)
}

// parsePort validates a create body.
func parsePort(c caller, body attrs, n store.Network) (store.PortSpec, error) {
	spec := store.PortSpec{Port: store.Port{NetworkID: n.ID}}
	p := &spec.Port
	var err error
	if p.ProjectID, err = c.owner(body); err != nil {
		return spec, err
	}
	if p.Name, err = body.str("name", 255, ""); err != nil {
		return spec, err
	}
	if p.Description, err = body.str("description", 255, ""); err != nil {
		return spec, err
	}
	if p.AdminStateUp, err = body.boolean("admin_state_up", true); err != nil {
		return spec, err
	}
	if p.DeviceID, err = body.str("device_id", 255, ""); err != nil {
		return spec, err
	}
	if p.DeviceOwner, err = body.str("device_owner", 255, ""); err != nil {
		return spec, err
	}
	if p.PortSecurityEnabled, err = body.boolean("port_security_enabled", n.PortSecurityEnabled); err != nil {
		return spec, err
	}
	if mac, err := body.str("mac_address", 32, ""); err != nil {
		return spec, err
	} else if mac != "" {
		if p.MACAddress, err = ipam.NormalizeMAC(mac); err != nil {
			return spec, err
		}
	}
	if err := parseBinding(body, p); err != nil {
		return spec, err
	}
	for _, k := range []string{"allowed_address_pairs", "extra_dhcp_opts"} {
		if l, _, err := body.list(k); err != nil {
			return spec, err
		} else if len(l) > 0 {
			return spec, invalid("Invalid input for operation: %s is not supported by this cloud's flat network.", k)
		}
	}
	ips, given, err := body.list("fixed_ips")
	if err != nil {
		return spec, err
	}
	if given {
		spec.Requests = []store.IPRequest{}
		for _, v := range ips {
			m, ok := v.(map[string]any)
			if !ok {
				return spec, invalid("Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '%s'.", pyValue(v))
			}
			fa := attrs(m)
			var req store.IPRequest
			if req.SubnetID, err = fa.str("subnet_id", 36, ""); err != nil {
				return spec, err
			}
			if req.IPAddress, err = fa.str("ip_address", 64, ""); err != nil {
				return spec, err
			}
			for k := range m {
				if k != "subnet_id" && k != "ip_address" {
					return spec, invalid("Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '%s'.", pyValue(v))
				}
			}
			if req.SubnetID == "" && req.IPAddress == "" {
				return spec, invalid("Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '%s'.", pyValue(v))
			}
			if req.IPAddress != "" {
				if _, err := ipam.ParseIP("fixed_ips", req.IPAddress); err != nil {
					return spec, err
				}
			}
			spec.Requests = append(spec.Requests, req)
		}
	}
	return spec, nil
}

// parseBinding reads the binding extension's attributes. A port bound
// to a host gets vif_type "bridge": the host's Linux bridge of the flat
// network (see api-ref/network/README.md).
func parseBinding(body attrs, p *store.Port) error {
	host, err := body.str("binding:host_id", 255, p.HostID)
	if err != nil {
		return err
	}
	p.HostID = host
	if p.VNICType, err = body.str("binding:vnic_type", 64, orDefault(p.VNICType, "normal")); err != nil {
		return err
	}
	if p.VNICType != "normal" {
		return invalid("Invalid input for binding:vnic_type. Reason: '%s' is not in ['normal'].", p.VNICType)
	}
	if v, ok := body["binding:profile"]; ok {
		m, isMap := v.(map[string]any)
		if v != nil && !isMap {
			return invalid("Invalid input for binding:profile. Reason: '%s' is not a dictionary.", pyValue(v))
		}
		if m == nil {
			m = map[string]any{}
		}
		p.Profile = m
	}
	if p.HostID == "" {
		p.VIFType, p.VIFDetails = "unbound", map[string]any{}
	} else {
		p.VIFType = "bridge"
		p.VIFDetails = map[string]any{"port_filter": true, "connectivity": "l2", "bridge_name": BridgeName}
	}
	return nil
}

// BridgeName is the Linux bridge of the flat network on every host.
const BridgeName = "brq-flat"

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// portGroups resolves the security groups of a new port: the ones
// asked for (each visible to the port's project), or the project's
// default group; none without port security or for network devices.
func (a *API) portGroups(r *http.Request, c caller, body attrs, p store.Port) ([]string, error) {
	ids, given, err := body.strList("security_groups")
	if err != nil {
		return nil, err
	}
	if !p.PortSecurityEnabled || strings.HasPrefix(p.DeviceOwner, "network:") {
		if given && len(ids) > 0 {
			return nil, store.Errorf("PortSecurityAndIPRequiredForSecurityGroups", fault.Invalid,
				"Port security must be enabled and port must have an IP address in order to use security groups.")
		}
		return []string{}, nil
	}
	if !given {
		id, err := a.st.EnsureDefaultGroup(r.Context(), p.ProjectID)
		if err != nil {
			return nil, err
		}
		return []string{id}, nil
	}
	return a.checkGroups(r, c, p.ProjectID, ids)
}

func (a *API) checkGroups(r *http.Request, c caller, project string, ids []string) ([]string, error) {
	out := []string{}
	for _, id := range ids {
		g, err := a.st.GetGroup(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if g.ProjectID != project && !c.isAdmin() {
			return nil, store.SecurityGroupNotFound(id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

var portUpdateAttrs = []string{"name", "description", "admin_state_up", "device_id", "device_owner",
	"security_groups", "port_security_enabled", "binding:host_id", "binding:profile", "binding:vnic_type"}

func (a *API) updatePort(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	body, err := decode(r, "port", portCreateAttrs...)
	if err == nil {
		err = body.readOnly(portUpdateAttrs...)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	old, n, err := a.getPort(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t := portTarget(old, n)
	if err := a.enforce(c, "update_port", t); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforceAttrs(c, "update_port", body, t, "device_owner", "binding:host_id", "binding:profile"); err != nil {
		writeError(w, r, err)
		return
	}
	var groups []string
	if ids, given, err := body.strList("security_groups"); err != nil {
		writeError(w, r, err)
		return
	} else if given {
		if groups, err = a.checkGroups(r, c, old.ProjectID, ids); err != nil {
			writeError(w, r, err)
			return
		}
	}
	p, err := a.st.UpdatePort(r.Context(), id, store.PortUpdate{SecurityGroups: groups, Change: func(p *store.Port) error {
		var err error
		if p.Name, err = body.str("name", 255, p.Name); err != nil {
			return err
		}
		if p.Description, err = body.str("description", 255, p.Description); err != nil {
			return err
		}
		if p.AdminStateUp, err = body.boolean("admin_state_up", p.AdminStateUp); err != nil {
			return err
		}
		if p.DeviceID, err = body.str("device_id", 255, p.DeviceID); err != nil {
			return err
		}
		if p.DeviceOwner, err = body.str("device_owner", 255, p.DeviceOwner); err != nil {
			return err
		}
		if p.PortSecurityEnabled, err = body.boolean("port_security_enabled", p.PortSecurityEnabled); err != nil {
			return err
		}
		if !p.PortSecurityEnabled && ((groups != nil && len(groups) > 0) || (groups == nil && len(p.SecurityGroups) > 0)) {
			return store.Errorf("PortSecurityPortHasSecurityGroup", fault.Conflict,
				"Port has security group associated. Cannot disable port security or IP address until security group is removed.")
		}
		return parseBinding(body, p)
	}})
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "port", a.renderPort(c, p, n), http.StatusOK)
}

func (a *API) deletePort(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	p, n, err := a.getPort(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "delete_port", portTarget(p, n)); err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := a.st.DeletePort(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
