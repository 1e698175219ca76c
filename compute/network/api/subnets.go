package api

import (
	"net/http"
	"net/netip"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/policy"
)

var subnetAttrs = names("id", "name", "tenant_id", "project_id", "network_id", "ip_version", "subnetpool_id",
	"enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "gateway_ip", "cidr", "allocation_pools", "host_routes",
	"dns_nameservers", "description", "service_types", "created_at", "updated_at", "revision_number")

func subnetView(s store.Subnet) map[string]any {
	pools := make([]map[string]string, 0, len(s.Pools))
	for _, p := range s.Pools {
		pools = append(pools, map[string]string{"start": p.Start.String(), "end": p.End.String()})
	}
	var gw any
	if s.GatewayIP.IsValid() {
		gw = s.GatewayIP.String()
	}
	return map[string]any{
		"id": s.ID, "name": s.Name, "tenant_id": s.ProjectID, "project_id": s.ProjectID, "network_id": s.NetworkID,
		"ip_version": s.IPVersion, "subnetpool_id": nil, "enable_dhcp": s.EnableDHCP, "ipv6_ra_mode": nil,
		"ipv6_address_mode": nil, "gateway_ip": gw, "cidr": s.CIDR.String(), "allocation_pools": pools,
		"host_routes": []any{}, "dns_nameservers": slices.Clone(s.DNS), "description": s.Description,
		"service_types": []string{}, "created_at": ts(s.CreatedAt), "updated_at": ts(s.UpdatedAt),
		"revision_number": s.Revision,
	}
}

func subnetTarget(s store.Subnet, n store.Network) policy.Target {
	return policy.Target{"project_id": s.ProjectID, "tenant_id": s.ProjectID, "network:project_id": n.ProjectID,
		"network:tenant_id": n.ProjectID, "network:shared": n.Shared, "network_id": n.ID}
}

// getSubnet loads a subnet the caller may see, with its network.
func (a *API) getSubnet(r *http.Request, c caller, id string) (store.Subnet, store.Network, error) {
	s, err := a.st.GetSubnet(r.Context(), id)
	if err != nil {
		return s, store.Network{}, err
	}
	n, err := a.st.GetNetwork(r.Context(), s.NetworkID)
	if err != nil {
		return s, n, err
	}
	if !a.allowed(c, "get_subnet", subnetTarget(s, n)) {
		return store.Subnet{}, n, store.SubnetNotFound(id)
	}
	return s, n, nil
}

func (a *API) listSubnets(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	subnets, err := a.st.ListSubnets(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	nets, err := a.networksByID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "subnets"}
	for _, s := range subnets {
		if a.allowed(c, "get_subnet", subnetTarget(s, nets[s.NetworkID])) {
			l.items = append(l.items, subnetView(s))
		}
	}
	l.write(w, r, subnetAttrs)
}

func (a *API) networksByID(r *http.Request) (map[string]store.Network, error) {
	nets, err := a.st.ListNetworks(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Network, len(nets))
	for _, n := range nets {
		out[n.ID] = n
	}
	return out, nil
}

func (a *API) showSubnet(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s, _, err := a.getSubnet(r, c, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "subnet", subnetView(s), http.StatusOK)
}

var subnetCreateAttrs = []string{"name", "description", "network_id", "ip_version", "cidr", "gateway_ip",
	"allocation_pools", "enable_dhcp", "dns_nameservers", "host_routes", "project_id", "tenant_id",
	"subnetpool_id", "ipv6_ra_mode", "ipv6_address_mode", "service_types"}

func (a *API) createSubnet(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := decode(r, "subnet", subnetCreateAttrs...)
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
	s, err := parseSubnet(c, body, n)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "create_subnet", subnetTarget(s, n)); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.checkQuota(r, s.ProjectID, "subnet", 1); err != nil {
		writeError(w, r, err)
		return
	}
	s, err = a.st.CreateSubnet(r.Context(), s)
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "subnet", subnetView(s), http.StatusCreated)
}

// parseSubnet validates a create body: IPv4, a CIDR, an optional
// gateway (default: the first address; null: none) and pools (default:
// every other host address).
func parseSubnet(c caller, body attrs, n store.Network) (store.Subnet, error) {
	s := store.Subnet{NetworkID: n.ID, IPVersion: 4}
	var err error
	if s.ProjectID, err = c.owner(body); err != nil {
		return s, err
	}
	if s.Name, err = body.str("name", 255, ""); err != nil {
		return s, err
	}
	if s.Description, err = body.str("description", 255, ""); err != nil {
		return s, err
	}
	if s.EnableDHCP, err = body.boolean("enable_dhcp", true); err != nil {
		return s, err
	}
	ver, err := body.integer("ip_version")
	if err != nil {
		return s, err
	}
	if ver == nil {
		return s, invalid("Failed to parse request. Required attribute 'ip_version' not specified")
	}
	if *ver != 4 && *ver != 6 {
		return s, invalid("Invalid input for ip_version. Reason: %d is not in [4, 6].", *ver)
	}
	if *ver == 6 {
		return s, invalid("Invalid input for operation: only IPv4 subnets are supported by this cloud's flat network.")
	}
	if sp, _ := body.optStr("subnetpool_id", 36); sp != nil {
		return s, invalid("Invalid input for operation: subnet pools are not supported; give a cidr.")
	}
	cidr, err := body.str("cidr", 64, "")
	if err != nil {
		return s, err
	}
	if cidr == "" {
		return s, invalid("Bad subnets request: a subnetpool must be specified in the absence of a cidr.")
	}
	if s.CIDR, err = ipam.ParseCIDR(cidr); err != nil {
		return s, err
	}
	s.GatewayIP = ipam.DefaultGateway(s.CIDR)
	if body.has("gateway_ip") {
		gw, err := body.optStr("gateway_ip", 64)
		if err != nil {
			return s, err
		}
		s.GatewayIP = netip.Addr{}
		if gw != nil {
			if s.GatewayIP, err = ipam.ParseIP("gateway_ip", *gw); err != nil {
				return s, err
			}
			if !s.CIDR.Contains(s.GatewayIP) || s.GatewayIP == s.CIDR.Addr() || s.GatewayIP == ipam.Broadcast(s.CIDR) {
				return s, invalid("Invalid input for operation: Gateway IP %s conflicts with the subnet %s; choose a host address inside it.", s.GatewayIP, s.CIDR)
			}
		}
	}
	pools, ok, err := body.list("allocation_pools")
	if err != nil {
		return s, err
	}
	if ok && len(pools) > 0 {
		for _, p := range pools {
			m, isMap := p.(map[string]any)
			if !isMap {
				return s, invalid("Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '%s'.", pyValue(p))
			}
			pa := attrs(m)
			start, err1 := pa.str("start", 64, "")
			end, err2 := pa.str("end", 64, "")
			if err1 != nil || err2 != nil || start == "" || end == "" || len(m) != 2 {
				return s, invalid("Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '%s'.", pyValue(p))
			}
			sa, err := ipam.ParseIP("allocation_pools", start)
			if err != nil {
				return s, err
			}
			ea, err := ipam.ParseIP("allocation_pools", end)
			if err != nil {
				return s, err
			}
			s.Pools = append(s.Pools, ipam.Pool{Start: sa, End: ea})
		}
		if err := ipam.CheckPools(s.CIDR, s.GatewayIP, s.Pools); err != nil {
			return s, err
		}
	} else {
		s.Pools = ipam.DefaultPools(s.CIDR, s.GatewayIP)
	}
	dns, _, err := body.strList("dns_nameservers")
	if err != nil {
		return s, err
	}
	if s.DNS, err = checkDNS(dns); err != nil {
		return s, err
	}
	if routes, _, err := body.list("host_routes"); err != nil {
		return s, err
	} else if len(routes) > 0 {
		return s, invalid("Invalid input for operation: host routes are not supported on the flat network.")
	}
	return s, nil
}

func checkDNS(dns []string) ([]string, error) {
	out := []string{}
	for _, d := range dns {
		a, err := netip.ParseAddr(d)
		if err != nil {
			return nil, invalid("Invalid input for dns_nameservers. Reason: '%s' is not a valid nameserver. '%s' is not a valid IP address.", d, d)
		}
		if slices.Contains(out, a.String()) {
			return nil, invalid("Invalid input for dns_nameservers. Reason: Duplicate nameserver '%s'.", d)
		}
		out = append(out, a.String())
	}
	return out, nil
}

var subnetUpdateAttrs = []string{"name", "description", "enable_dhcp", "dns_nameservers", "gateway_ip"}

func (a *API) updateSubnet(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	body, err := decode(r, "subnet", subnetCreateAttrs...)
	if err == nil {
		err = body.readOnly(subnetUpdateAttrs...)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	old, n, err := a.getSubnet(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "update_subnet", subnetTarget(old, n)); err != nil {
		writeError(w, r, err)
		return
	}
	s, err := a.st.UpdateSubnet(r.Context(), id, func(s *store.Subnet) error {
		var err error
		if s.Name, err = body.str("name", 255, s.Name); err != nil {
			return err
		}
		if s.Description, err = body.str("description", 255, s.Description); err != nil {
			return err
		}
		if s.EnableDHCP, err = body.boolean("enable_dhcp", s.EnableDHCP); err != nil {
			return err
		}
		if dns, ok, err := body.strList("dns_nameservers"); err != nil {
			return err
		} else if ok {
			if s.DNS, err = checkDNS(dns); err != nil {
				return err
			}
		}
		if body.has("gateway_ip") {
			gw, err := body.optStr("gateway_ip", 64)
			if err != nil {
				return err
			}
			s.GatewayIP = netip.Addr{}
			if gw != nil {
				if s.GatewayIP, err = ipam.ParseIP("gateway_ip", *gw); err != nil {
					return err
				}
				if !s.CIDR.Contains(s.GatewayIP) || ipam.InPools(s.Pools, s.GatewayIP) {
					return invalid("Invalid input for operation: Gateway IP %s must be inside %s and outside its allocation pools.", s.GatewayIP, s.CIDR)
				}
			}
		}
		return nil
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "subnet", subnetView(s), http.StatusOK)
}

func (a *API) deleteSubnet(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	s, n, err := a.getSubnet(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "delete_subnet", subnetTarget(s, n)); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.st.DeleteSubnet(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
