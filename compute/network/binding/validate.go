package binding

import (
	"context"
	"net/netip"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/services/fault"
)

// ValidateNetworks checks what a server asks for, as nova-api does
// against neutron before accepting it: each network must exist and be
// the project's or shared (400 "Network X could not be found."), each
// port must be the project's (400 "Port X could not be found.") and
// free (409 "Port X is still in use."), a fixed IP must be in one of
// the network's subnets (400).
func (s *Service) ValidateNetworks(ctx context.Context, a rpcapi.ValidateNetworksArgs) (struct{}, error) {
	// Each security group must be the project's, by name or id (nova's
	// validate_name: neutronclient's 404 message, as a 400).
	for _, g := range a.SecurityGroups {
		if _, err := s.groups(ctx, a.ProjectID, []string{g}); fault.KindOf(err) == fault.NotFound {
			return struct{}{}, fault.New(fault.Invalid, "Unable to find security_group with name or id '%s'", g)
		} else if err != nil {
			return struct{}{}, err
		}
	}
	for _, r := range a.Requests {
		if r.PortID != "" {
			p, err := s.st.GetPort(ctx, r.PortID)
			if fault.KindOf(err) == fault.NotFound || (err == nil && p.ProjectID != a.ProjectID) {
				return struct{}{}, fault.New(fault.Invalid, "Port %s could not be found.", r.PortID)
			}
			if err != nil {
				return struct{}{}, err
			}
			if p.DeviceID != "" {
				return struct{}{}, fault.New(fault.Conflict, "Port %s is still in use.", r.PortID)
			}
			continue
		}
		n, err := s.st.GetNetwork(ctx, r.NetworkID)
		if fault.KindOf(err) == fault.NotFound || (err == nil && n.ProjectID != a.ProjectID && !n.Shared) {
			return struct{}{}, fault.New(fault.Invalid, "Network %s could not be found.", r.NetworkID)
		}
		if err != nil {
			return struct{}{}, err
		}
		if r.FixedIP == "" {
			continue
		}
		ip, err := netip.ParseAddr(r.FixedIP)
		if err != nil {
			return struct{}{}, fault.New(fault.Invalid, "Invalid fixed IP address (%s)", r.FixedIP)
		}
		in := false
		for _, id := range n.Subnets {
			sn, err := s.st.GetSubnet(ctx, id)
			if err == nil && sn.CIDR.Contains(ip) {
				in = true
			}
		}
		if !in {
			return struct{}{}, fault.New(fault.Invalid, "Fixed IP address %s is not valid on network %s.", r.FixedIP, r.NetworkID)
		}
	}
	return struct{}{}, nil
}
