package api

import (
	"context"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
)

// Network is what nova-api asks of the network service: the VIFs of an
// instance, or of a page of them, for `addresses` and os-server-ips
// (compute/network/rpcapi.Client).
type Network interface {
	GetInstanceNWInfo(ctx context.Context, instance string) ([]rpcapi.VIF, error)
	GetInstancesNWInfo(ctx context.Context, instances []string) (map[string][]rpcapi.VIF, error)
	DeallocateForInstance(ctx context.Context, a rpcapi.DeallocateForInstanceArgs) error
	InstanceGroup(ctx context.Context, a rpcapi.InstanceGroupArgs) error
	ValidateNetworks(ctx context.Context, a rpcapi.ValidateNetworksArgs) error
}

// SetNetwork connects the API to the network service; without it
// servers show no addresses.
func (a *API) SetNetwork(n Network) { a.network = n }

// networkTimeout bounds the network service's answer for one server's
// addresses; a server view never waits longer for them.
const networkTimeout = 10 * time.Second

// parseNetworks validates "networks" as nova's schema does and returns
// what to record on the instance: absent below 2.37, [] or "auto" is
// one NIC on the default network; "none" none; a list of {uuid,
// fixed_ip} or {port} those.
func parseNetworks(r *http.Request, b body) (rpcapi.Requested, error) {
	v, ok := b["networks"]
	if !ok {
		if atLeast(r, 37) {
			return rpcapi.Requested{}, badField("server", map[string]any(b), "'networks' is a required property")
		}
		return rpcapi.Requested{Auto: true}, nil
	}
	switch t := v.(type) {
	case string:
		if !atLeast(r, 37) || (t != "none" && t != "auto") {
			return rpcapi.Requested{}, badField("networks", v, "%s is not of type 'array'", repr(v))
		}
		return rpcapi.Requested{None: t == "none", Auto: t == "auto"}, nil
	case []any:
		if len(t) == 0 {
			return rpcapi.Requested{Auto: true}, nil
		}
		var out rpcapi.Requested
		for _, x := range t {
			m, ok := x.(map[string]any)
			if !ok {
				return out, badField("networks", x, "%s is not of type 'object'", repr(x))
			}
			if err := body(m).only("networks", "uuid", "port", "fixed_ip", "tag"); err != nil {
				return out, err
			}
			var q rpcapi.NetworkRequest
			if p, ok := m["port"]; ok && p != nil {
				s, _ := p.(string)
				if _, err := uuid.Parse(s); err != nil || len(s) != 36 {
					return out, badField("port", p, "%s is not a 'uuid'", repr(p))
				}
				q.PortID = s
			}
			if u, ok := m["uuid"]; ok && q.PortID == "" {
				s, _ := u.(string)
				if _, err := uuid.Parse(s); err != nil || len(s) != 36 {
					return out, invalid("Bad networks format: network uuid is not in proper format (%s)", repr(u))
				}
				q.NetworkID = s
			}
			if f, ok := m["fixed_ip"]; ok && q.PortID == "" {
				s, _ := f.(string)
				if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
					return out, invalid("Invalid fixed IP address (%s)", repr(f))
				}
				q.FixedIP = s
			}
			if q.PortID == "" && q.NetworkID == "" {
				return out, badField("networks", x, "%s is not valid: give a network 'uuid' or a 'port'", repr(x))
			}
			out.Requests = append(out.Requests, q)
		}
		return out, nil
	}
	return rpcapi.Requested{}, badField("networks", v, "%s is not of type 'array'", repr(v))
}

// wantsNetwork is whether a live instance asked for networks.
func (a *API) wantsNetwork(in objects.Instance) bool {
	if a.network == nil || in.Deleted() {
		return false
	}
	req, err := rpcapi.DecodeRequested(in.SystemMetadata[rpcapi.SysMetaKey])
	return err == nil && req.Wanted()
}

// vifsOfAll returns the VIFs of the instances of a page that asked for
// networks, in one call to the network service; nil (each server then
// asks alone) when it does not answer (logged).
func (a *API) vifsOfAll(r *http.Request, list []objects.Instance) map[string][]rpcapi.VIF {
	var uuids []string
	for _, in := range list {
		if a.wantsNetwork(in) {
			uuids = append(uuids, in.UUID)
		}
	}
	if len(uuids) == 0 {
		return map[string][]rpcapi.VIF{}
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	out, err := a.network.GetInstancesNWInfo(ctx, uuids)
	if err != nil {
		a.log.WarnContext(ctx, "nova-api: the network service did not give a page of servers' addresses", "servers", len(uuids), "error", err)
		return nil
	}
	return out
}

// releasePorts releases the ports of an instance deleted without its
// compute host (never scheduled, shelved offloaded, host down), as
// nova's _local_delete: those nova made are deleted, those the user
// passed in unbound. A failure is logged; the ports are then left for an
// operator.
func (a *API) releasePorts(r *http.Request, in objects.Instance) {
	if a.network == nil {
		return
	}
	req, err := rpcapi.DecodeRequested(in.SystemMetadata[rpcapi.SysMetaKey])
	if err != nil || !req.Wanted() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(rpcCtx(r)), networkTimeout)
	defer cancel()
	if err := a.network.DeallocateForInstance(ctx, rpcapi.DeallocateForInstanceArgs{InstanceUUID: in.UUID, Preserve: req.UserPorts()}); err != nil {
		a.log.ErrorContext(ctx, "nova-api: could not release the ports of a deleted server", "instance", in.UUID, "error", err)
	}
}

// vifsOf returns the instance's VIFs, or none when it asked for no
// network or the network service does not answer (logged).
func (a *API) vifsOf(r *http.Request, in objects.Instance) []rpcapi.VIF {
	if !a.wantsNetwork(in) {
		return nil
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	vifs, err := a.network.GetInstanceNWInfo(ctx, in.UUID)
	if err != nil {
		a.log.WarnContext(ctx, "nova-api: the network service did not give an instance's addresses", "instance", in.UUID, "error", err)
		return nil
	}
	return vifs
}

// addressesOf is a server's "addresses": per network name, its fixed
// IPs with the port's MAC (nova's view with the OS-EXT-IPS extensions),
// from the page's VIFs when the view has them.
func (a *API) addressesOf(r *http.Request, v *viewCtx, in objects.Instance) map[string]any {
	return addressMap(a.viewVIFs(r, v, in), true)
}

// viewVIFs are the instance's VIFs for a view: the page's, else asked
// once per server.
func (a *API) viewVIFs(r *http.Request, v *viewCtx, in objects.Instance) []rpcapi.VIF {
	if v.vifs != nil {
		return v.vifs[in.UUID]
	}
	if vifs, ok := v.ownVIFs[in.UUID]; ok {
		return vifs
	}
	vifs := a.vifsOf(r, in)
	if v.ownVIFs == nil {
		v.ownVIFs = map[string][]rpcapi.VIF{}
	}
	v.ownVIFs[in.UUID] = vifs
	return vifs
}

// securityGroupsOf is a server's "security_groups", as nova's
// _add_security_grps: the names of its ports' groups ({"name": ...}),
// each once, in port order; none (the key left out) for a server without
// ports or when the network service does not answer. The names come from
// the network API with the caller's token, in one query for the page;
// a group the caller cannot see is left out.
func (a *API) securityGroupsOf(r *http.Request, v *viewCtx, in objects.Instance) []map[string]string {
	if a.netapi == nil {
		return nil
	}
	vifs := a.viewVIFs(r, v, in)
	if !hasGroups(vifs) {
		return nil
	}
	if v.groupNames == nil {
		ids := map[string]bool{}
		add := func(vifs []rpcapi.VIF) {
			for _, vif := range vifs {
				for _, id := range vif.SecurityGroups {
					ids[id] = true
				}
			}
		}
		add(vifs)
		for _, page := range v.vifs {
			add(page)
		}
		v.groupNames = a.groupNames(r, v.c, slices.Sorted(maps.Keys(ids)))
	}
	var out []map[string]string
	seen := map[string]bool{}
	for _, vif := range vifs {
		for _, id := range vif.SecurityGroups {
			name, ok := v.groupNames[id]
			if ok && !seen[name] {
				seen[name] = true
				out = append(out, map[string]string{"name": name})
			}
		}
	}
	return out
}

func hasGroups(vifs []rpcapi.VIF) bool {
	for _, vif := range vifs {
		if len(vif.SecurityGroups) > 0 {
			return true
		}
	}
	return false
}

// groupNames looks up the names of the security groups ids as the caller
// sees them, maxSearchIDs a query; an empty map when the network API does
// not answer (logged).
func (a *API) groupNames(r *http.Request, c caller, ids []string) map[string]string {
	out := map[string]string{}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	for start := 0; start < len(ids); start += maxSearchIDs {
		chunk := ids[start:min(start+maxSearchIDs, len(ids))]
		gs, err := a.netapi.ListSecurityGroups(ctx, c.AuthToken, url.Values{"id": chunk})
		if err != nil {
			a.log.WarnContext(ctx, "nova-api: the network API did not give the names of servers' security groups", "groups", len(ids), "error", err)
			return out
		}
		for _, g := range gs {
			out[g.ID] = g.Name
		}
	}
	return out
}

func addressMap(vifs []rpcapi.VIF, extended bool) map[string]any {
	out := map[string]any{}
	for _, v := range vifs {
		list, _ := out[v.NetworkName].([]any)
		if list == nil {
			list = []any{}
		}
		for _, ip := range v.FixedIPs {
			version := 4
			if a, err := netip.ParseAddr(ip.Address); err == nil && a.Is6() {
				version = 6
			}
			e := map[string]any{"addr": ip.Address, "version": version}
			if extended {
				e["OS-EXT-IPS:type"] = "fixed"
				e["OS-EXT-IPS-MAC:mac_addr"] = v.MAC
			}
			list = append(list, e)
		}
		out[v.NetworkName] = list
	}
	return out
}

// validateNetworks has the network service check the requested networks
// and ports (nova's validate_networks): 400 for one the project cannot
// use, 409 for a port in use. Without a network service (tests) the
// request is recorded unchecked: nova-compute then fails the build.
func (a *API) validateNetworks(r *http.Request, c caller, req rpcapi.Requested) error {
	if (len(req.Requests) == 0 && len(req.SecurityGroups) == 0) || a.network == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	return a.network.ValidateNetworks(ctx, rpcapi.ValidateNetworksArgs{ProjectID: c.ProjectID, Requests: req.Requests,
		SecurityGroups: req.SecurityGroups})
}
