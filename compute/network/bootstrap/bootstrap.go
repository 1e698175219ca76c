package bootstrap

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
)

// Spec is the default network to ensure.
type Spec struct {
	ProjectID       string // owner: the admin project
	Network         string // "private"
	PhysicalNetwork string // "physnet1": the flat segment's name on the hosts
	Subnet          string // "private-subnet"
	CIDR            string // "10.252.0.0/24"
	Gateway         string // "" means the first address
	PoolStart       string // "" means every host address but the gateway
	PoolEnd         string
	DNS             []string
}

// Result says what Ensure found or made.
type Result struct {
	Network store.Network
	Subnet  store.Subnet
	Created bool
}

// Ensure makes the network and its subnet unless a network of that name
// owned by the project exists; a subnet of the name on it is kept as is.
func Ensure(ctx context.Context, st *store.Store, s Spec) (Result, error) {
	if s.ProjectID == "" {
		return Result{}, fault.New(fault.Invalid, "bootstrap needs the admin project's id")
	}
	cidr, err := ipam.ParseCIDR(s.CIDR)
	if err != nil {
		return Result{}, err
	}
	gw := ipam.DefaultGateway(cidr)
	if s.Gateway != "" {
		if gw, err = ipam.ParseIP("gateway_ip", s.Gateway); err != nil {
			return Result{}, err
		}
	}
	pools := ipam.DefaultPools(cidr, gw)
	if s.PoolStart != "" || s.PoolEnd != "" {
		start, err := netip.ParseAddr(s.PoolStart)
		if err != nil {
			return Result{}, fault.New(fault.Invalid, "bad pool start %q", s.PoolStart)
		}
		end, err := netip.ParseAddr(s.PoolEnd)
		if err != nil {
			return Result{}, fault.New(fault.Invalid, "bad pool end %q", s.PoolEnd)
		}
		pools = []ipam.Pool{{Start: start, End: end}}
		if err := ipam.CheckPools(cidr, gw, pools); err != nil {
			return Result{}, err
		}
	}
	nets, err := st.ListNetworks(ctx)
	if err != nil {
		return Result{}, err
	}
	var res Result
	found := false
	for _, n := range nets {
		if n.Name == s.Network && n.ProjectID == s.ProjectID {
			res.Network, found = n, true
			break
		}
	}
	if !found {
		physnet := s.PhysicalNetwork
		res.Network, err = st.CreateNetwork(ctx, store.Network{
			ProjectID: s.ProjectID, Name: s.Network, Status: "ACTIVE", AdminStateUp: true, Shared: true,
			MTU: 1500, PortSecurityEnabled: true, NetworkType: "flat", PhysicalNetwork: &physnet,
		})
		if err != nil {
			return Result{}, fmt.Errorf("create network %s: %w", s.Network, err)
		}
		res.Created = true
	}
	subnets, err := st.ListSubnets(ctx)
	if err != nil {
		return Result{}, err
	}
	for _, sn := range subnets {
		if sn.NetworkID == res.Network.ID && sn.Name == s.Subnet {
			res.Subnet = sn
			return res, nil
		}
	}
	dns := s.DNS
	if dns == nil {
		dns = []string{}
	}
	res.Subnet, err = st.CreateSubnet(ctx, store.Subnet{
		NetworkID: res.Network.ID, ProjectID: s.ProjectID, Name: s.Subnet, IPVersion: 4, CIDR: cidr,
		GatewayIP: gw, EnableDHCP: true, DNS: dns, Pools: pools,
	})
	if err != nil {
		return Result{}, fmt.Errorf("create subnet %s: %w", s.Subnet, err)
	}
	res.Created = true
	return res, nil
}

// ProjectOf returns the id of the project a password login with opts
// is scoped to (the admin project for the admin's credentials), by
// asking keystone to validate the login's own token.
func ProjectOf(ctx context.Context, opts auth.Options) (string, error) {
	c, err := auth.NewClient(opts)
	if err != nil {
		return "", err
	}
	tok, err := c.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("log in to keystone as %s: %w", opts.Username, err)
	}
	t, err := c.ValidateToken(ctx, tok, false)
	if err != nil {
		return "", err
	}
	if t.ProjectID == "" {
		return "", fault.New(fault.Invalid, "the login of %s is not scoped to a project", opts.Username)
	}
	return t.ProjectID, nil
}
