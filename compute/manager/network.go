package manager

import (
	"context"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// Network is what nova-compute asks of the network service
// (compute/network/rpcapi.Client): nova's network API for neutron.
type Network interface {
	AllocateForInstance(ctx context.Context, a rpcapi.AllocateForInstanceArgs) ([]rpcapi.VIF, error)
	DeallocateForInstance(ctx context.Context, a rpcapi.DeallocateForInstanceArgs) error
	BindPorts(ctx context.Context, a rpcapi.BindPortsArgs) ([]rpcapi.VIF, error)
	GetInstanceNWInfo(ctx context.Context, instance string) ([]rpcapi.VIF, error)
}

// SetNetwork connects the manager to the network service. Without it a
// server that asks for a network fails its build.
func (m *Manager) SetNetwork(n Network) { m.network = n }

// requestedNetworks is what the server asked for (recorded by nova-api).
func requestedNetworks(inst *objects.Instance) (rpcapi.Requested, error) {
	r, err := rpcapi.DecodeRequested(inst.SystemMetadata[rpcapi.SysMetaKey])
	if err != nil {
		return r, fault.Wrap(err, fault.Invalid, "The server's network request cannot be read.")
	}
	return r, nil
}

// allocateNetworks creates (or adopts) and binds to this host a port
// per requested network, as nova's _build_networks_for_instance, and
// returns the guest's NICs. On failure the network service has left
// nothing allocated (an exhausted range is its 409
// IpAddressGenerationFailure, which becomes the instance's fault).
func (m *Manager) allocateNetworks(ctx context.Context, inst *objects.Instance) ([]virt.Interface, error) {
	req, err := requestedNetworks(inst)
	if err != nil || !req.Wanted() {
		return nil, err
	}
	if m.network == nil {
		return nil, fault.New(fault.Invalid, "This compute host has no network service configured; create the server with \"networks\": \"none\".")
	}
	vifs, err := m.network.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{
		InstanceUUID: inst.UUID, ProjectID: inst.ProjectID, Host: m.cfg.Host,
		AvailabilityZone: inst.AvailabilityZone, Requests: req.Requests, Auto: req.Auto && len(req.Requests) == 0,
		SecurityGroups: req.SecurityGroups,
	})
	if err != nil {
		m.log.WarnContext(ctx, "compute: network allocation failed", "instance", inst.UUID, "error", err)
		return nil, err
	}
	m.log.InfoContext(ctx, "compute: networks allocated", "instance", inst.UUID, "ports", len(vifs))
	return Interfaces(vifs), nil
}

// Interfaces maps the network service's VIFs to the guest's NICs: a tap
// on the VIF's bridge with the port's MAC.
func Interfaces(vifs []rpcapi.VIF) []virt.Interface {
	out := make([]virt.Interface, 0, len(vifs))
	for _, v := range vifs {
		out = append(out, virt.Interface{ID: v.PortID, MACAddress: v.MAC, Bridge: v.Bridge, TapName: v.DevName, MTU: v.MTU})
	}
	return out
}

// deallocateNetworks releases the instance's ports: those nova made are
// deleted (their addresses freed), those the user passed in are unbound.
// A failure is logged; the ports are then left for an operator.
func (m *Manager) deallocateNetworks(ctx context.Context, inst *objects.Instance) {
	req, err := requestedNetworks(inst)
	if err != nil || !req.Wanted() || m.network == nil {
		return
	}
	dctx, cancel := detached(ctx)
	defer cancel()
	if err := m.network.DeallocateForInstance(dctx, rpcapi.DeallocateForInstanceArgs{
		InstanceUUID: inst.UUID, Preserve: req.UserPorts(),
	}); err != nil {
		m.log.ErrorContext(ctx, "compute: could not release the instance's ports", "instance", inst.UUID, "error", err)
	}
}

// instanceInterfaces returns the NICs of an existing instance (its
// ports as they are), for a guest redefined on this host: rebuild,
// resize, rescue, unshelve. None when it asked for no network.
func (m *Manager) instanceInterfaces(ctx context.Context, inst *objects.Instance) ([]virt.Interface, error) {
	req, err := requestedNetworks(inst)
	if err != nil || !req.Wanted() || m.network == nil {
		return nil, err
	}
	vifs, err := m.network.GetInstanceNWInfo(ctx, inst.UUID)
	if err != nil {
		return nil, err
	}
	return Interfaces(vifs), nil
}

// bindNetworksHere moves the instance's port bindings to this host and
// returns its NICs (same MACs and addresses), for a guest arriving from
// another host: evacuation, cold or live migration (nova's
// migrate_instance_finish / setup_networks_on_host). The agent of this
// host then filters its taps; DHCP answers it as before.
func (m *Manager) bindNetworksHere(ctx context.Context, inst *objects.Instance) ([]virt.Interface, error) {
	req, err := requestedNetworks(inst)
	if err != nil || !req.Wanted() || m.network == nil {
		return nil, err
	}
	vifs, err := m.network.BindPorts(ctx, rpcapi.BindPortsArgs{InstanceUUID: inst.UUID, Host: m.cfg.Host})
	if err != nil {
		return nil, err
	}
	return Interfaces(vifs), nil
}
