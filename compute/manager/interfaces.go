package manager

import (
	"context"
	"slices"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// portAllocator is the network service's one-port ability
// (*rpcapi.Client has it): nova's allocate_port_for_instance and
// deallocate_port_for_instance.
type portAllocator interface {
	AllocatePortForInstance(ctx context.Context, a rpcapi.AllocatePortArgs) (rpcapi.VIF, error)
	DeallocatePortForInstance(ctx context.Context, a rpcapi.DeallocatePortArgs) error
}

var _ portAllocator = (*rpcapi.Client)(nil)

// registerInterfaces serves attach_interface and detach_interface.
func (m *Manager) registerInterfaces(srv *rpc.Server) {
	srv.Register(computeapi.MethodAttachInterface, rpc.Handle(m.attachInterface))
	srv.Register(computeapi.MethodDetachInterface, rpc.Handle(m.detachInterface))
}

func (m *Manager) interfaceAbilities(uuid string) (portAllocator, virt.InterfaceAttacher, error) {
	att, ok := m.driver.(virt.InterfaceAttacher)
	if !ok {
		return nil, nil, fault.New(fault.Invalid, "Attaching interfaces is not supported for instance %s.", uuid)
	}
	pa, ok := m.network.(portAllocator)
	if m.network == nil || !ok {
		return nil, nil, fault.New(fault.Invalid, "This compute host has no network service configured.")
	}
	return pa, att, nil
}

// attachInterface serves attach_interface (a call): nova's
// attach_interface. The network service binds the user's port to this
// host for the instance, or makes a new one; the driver hot-plugs its NIC
// (live and in the guest's definition). When the plug fails the port is
// released again (a new one deleted, the user's unbound) and the call
// fails as nova's InterfaceAttachFailed.
func (m *Manager) attachInterface(ctx context.Context, a computeapi.AttachInterfaceArgs) (computeapi.AttachInterfaceReply, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodAttachInterface)
	reply, err := m.doAttachInterface(ctx, a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: interface attach failed", "instance", uuid, "port", a.PortID, "network", a.NetworkID, "error", err)
	}
	return reply, err
}

func (m *Manager) doAttachInterface(ctx context.Context, a computeapi.AttachInterfaceArgs) (computeapi.AttachInterfaceReply, error) {
	inst := a.Instance
	pa, att, err := m.interfaceAbilities(inst.UUID)
	if err != nil {
		return computeapi.AttachInterfaceReply{}, err
	}
	req, err := requestedNetworks(&inst)
	if err != nil {
		return computeapi.AttachInterfaceReply{}, err
	}
	vif, err := pa.AllocatePortForInstance(ctx, rpcapi.AllocatePortArgs{InstanceUUID: inst.UUID, ProjectID: inst.ProjectID,
		Host: m.cfg.Host, AvailabilityZone: inst.AvailabilityZone, SecurityGroups: req.SecurityGroups,
		Request: rpcapi.NetworkRequest{NetworkID: a.NetworkID, PortID: a.PortID, FixedIP: a.RequestedIP}})
	if err != nil {
		return computeapi.AttachInterfaceReply{}, err
	}
	nic := Interfaces([]rpcapi.VIF{vif})[0]
	if err := att.AttachInterface(ctx, inst.UUID, nic); err != nil {
		m.log.ErrorContext(ctx, "compute: attaching the network adapter failed", "instance", inst.UUID, "port", vif.PortID, "error", err)
		dctx, cancel := detached(ctx)
		defer cancel()
		if derr := pa.DeallocatePortForInstance(dctx, rpcapi.DeallocatePortArgs{InstanceUUID: inst.UUID, PortID: vif.PortID,
			Preserve: a.PortID != ""}); derr != nil {
			m.log.ErrorContext(ctx, "compute: could not release the port of a failed interface attach", "instance", inst.UUID, "port", vif.PortID, "error", derr)
		}
		return computeapi.AttachInterfaceReply{}, fault.Wrap(err, fault.Internal, "Failed to attach network adapter device to %s", inst.UUID)
	}
	m.log.InfoContext(ctx, "compute: interface attached", "instance", inst.UUID, "port", vif.PortID, "network", vif.NetworkID)
	return computeapi.AttachInterfaceReply{PortID: vif.PortID}, nil
}

// detachInterface serves detach_interface (a call): nova's
// detach_interface. The NIC of the instance's port is unplugged (live and
// from the definition), then the port released: deleted when nova made
// it, unbound and kept when the user passed it in (preserve_on_delete).
// A port the instance does not have is nova's 404.
func (m *Manager) detachInterface(ctx context.Context, a computeapi.DetachInterfaceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodDetachInterface)
	err := m.doDetachInterface(ctx, a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: interface detach failed", "instance", uuid, "port", a.PortID, "error", err)
	}
	return Empty{}, err
}

func (m *Manager) doDetachInterface(ctx context.Context, a computeapi.DetachInterfaceArgs) error {
	inst := a.Instance
	pa, att, err := m.interfaceAbilities(inst.UUID)
	if err != nil {
		return err
	}
	vifs, err := m.network.GetInstanceNWInfo(ctx, inst.UUID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(vifs, func(v rpcapi.VIF) bool { return v.PortID == a.PortID })
	if i < 0 {
		return fault.New(fault.NotFound, "Port %s is not attached", a.PortID)
	}
	if err := att.DetachInterface(ctx, inst.UUID, Interfaces(vifs[i : i+1])[0]); err != nil {
		return err
	}
	req, err := requestedNetworks(&inst)
	if err != nil {
		return err
	}
	preserve := slices.Contains(req.UserPorts(), a.PortID)
	if err := pa.DeallocatePortForInstance(ctx, rpcapi.DeallocatePortArgs{InstanceUUID: inst.UUID, PortID: a.PortID,
		Preserve: preserve}); err != nil {
		return err
	}
	m.log.InfoContext(ctx, "compute: interface detached", "instance", inst.UUID, "port", a.PortID, "kept", preserve)
	return nil
}
