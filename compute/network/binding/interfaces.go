package binding

import (
	"context"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// registerInterfaces serves the one-port methods of nova's os-interface
// API (interface attach and detach, and its port views).
func (s *Service) registerInterfaces(srv *rpc.Server) {
	srv.Register(rpcapi.MethodAllocatePortForInstance, rpc.Handle(s.AllocatePortForInstance))
	srv.Register(rpcapi.MethodDeallocatePortForInstance, rpc.Handle(func(ctx context.Context, a rpcapi.DeallocatePortArgs) (struct{}, error) {
		return struct{}{}, s.DeallocatePortForInstance(ctx, a)
	}))
	srv.Register(rpcapi.MethodShowPort, rpc.Handle(func(ctx context.Context, a rpcapi.PortArgs) (rpcapi.Port, error) {
		return s.ShowPort(ctx, a.PortID)
	}))
	srv.Register(rpcapi.MethodListPorts, rpc.Handle(func(ctx context.Context, a rpcapi.DeviceArgs) ([]rpcapi.Port, error) {
		return s.ListPorts(ctx, a.DeviceID)
	}))
}

// AllocatePortForInstance gives an instance one more port bound to
// a.Host, as nova's allocate_port_for_instance: the user's port (nova's
// 404 "Port id X could not be found." for one the project cannot see,
// 409 "Port X is still in use." for one with a device), or a new port
// on the network (404 "Network X could not be found."), or on the one
// network the project can use (nova's 400s when there is none or more
// than one). Nothing is changed on failure.
func (s *Service) AllocatePortForInstance(ctx context.Context, a rpcapi.AllocatePortArgs) (rpcapi.VIF, error) {
	if a.InstanceUUID == "" || a.ProjectID == "" {
		return rpcapi.VIF{}, fault.New(fault.Invalid, "allocate_port_for_instance needs instance_uuid and project_id")
	}
	owner := "compute:" + a.AvailabilityZone
	r := a.Request
	if r.PortID != "" {
		p, err := s.st.GetPort(ctx, r.PortID)
		if fault.KindOf(err) == fault.NotFound || (err == nil && p.ProjectID != a.ProjectID) {
			return rpcapi.VIF{}, fault.New(fault.NotFound, "Port id %s could not be found.", r.PortID)
		}
		if err != nil {
			return rpcapi.VIF{}, err
		}
		p, err = s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: func(p *store.Port) error {
			if p.DeviceID != "" {
				return fault.New(fault.Conflict, "Port %s is still in use.", p.ID)
			}
			p.DeviceID, p.DeviceOwner, p.HostID = a.InstanceUUID, owner, a.Host
			setVIF(p)
			return nil
		}})
		if err != nil {
			return rpcapi.VIF{}, err
		}
		return s.oneVIF(ctx, p, true)
	}
	if r.NetworkID == "" {
		id, err := s.attachNetwork(ctx, a.ProjectID)
		if err != nil {
			return rpcapi.VIF{}, err
		}
		r.NetworkID = id
	}
	n, err := s.st.GetNetwork(ctx, r.NetworkID)
	if fault.KindOf(err) == fault.NotFound || (err == nil && n.ProjectID != a.ProjectID && !n.Shared) {
		return rpcapi.VIF{}, fault.New(fault.NotFound, "Network %s could not be found.", r.NetworkID)
	}
	if err != nil {
		return rpcapi.VIF{}, err
	}
	groups, err := s.groups(ctx, a.ProjectID, a.SecurityGroups)
	if err != nil {
		return rpcapi.VIF{}, err
	}
	p, err := s.allocateOne(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: a.InstanceUUID, ProjectID: a.ProjectID,
		Host: a.Host, AvailabilityZone: a.AvailabilityZone}, r, owner, groups)
	if err != nil {
		return rpcapi.VIF{}, err
	}
	return s.oneVIF(ctx, p, false)
}

// attachNetwork is the network an attach without net_id or port_id
// gets: the project's own, else the shared one (nova's
// _get_available_networks), with nova's 400s for none or several.
func (s *Service) attachNetwork(ctx context.Context, project string) (string, error) {
	return s.onlyNetwork(ctx, project,
		fault.New(fault.Invalid, "More than one possible network found. Specify network ID(s) to select which one(s) to connect to."),
		fault.New(fault.Invalid, "No specific network was requested and none are available for project '%s'.", project))
}

func (s *Service) oneVIF(ctx context.Context, p store.Port, preserve bool) (rpcapi.VIF, error) {
	vifs, err := s.vifs(ctx, []store.Port{p}, map[string]bool{p.ID: preserve})
	if err != nil {
		return rpcapi.VIF{}, err
	}
	return vifs[0], nil
}

// DeallocatePortForInstance releases one port of an instance, as nova's
// deallocate_port_for_instance: deleted, or unbound when a.Preserve. A
// port that is gone or no longer the instance's is no error.
func (s *Service) DeallocatePortForInstance(ctx context.Context, a rpcapi.DeallocatePortArgs) error {
	p, err := s.st.GetPort(ctx, a.PortID)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if p.DeviceID != a.InstanceUUID {
		return nil
	}
	if a.Preserve {
		_, err = s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: func(p *store.Port) error {
			if p.DeviceID == a.InstanceUUID {
				return unbind(p)
			}
			return nil
		}})
	} else {
		_, err = s.st.DeletePort(ctx, p.ID)
	}
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// ShowPort returns a port; nova-api scopes it to the caller.
func (s *Service) ShowPort(ctx context.Context, id string) (rpcapi.Port, error) {
	p, err := s.st.GetPort(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return rpcapi.Port{}, fault.New(fault.NotFound, "Port id %s could not be found.", id)
	}
	if err != nil {
		return rpcapi.Port{}, err
	}
	return portView(p), nil
}

// ListPorts returns the ports of a device.
func (s *Service) ListPorts(ctx context.Context, device string) ([]rpcapi.Port, error) {
	ports, err := s.st.PortsOfDevice(ctx, device)
	if err != nil {
		return nil, err
	}
	out := make([]rpcapi.Port, 0, len(ports))
	for _, p := range ports {
		out = append(out, portView(p))
	}
	return out, nil
}

func portView(p store.Port) rpcapi.Port {
	out := rpcapi.Port{ID: p.ID, NetworkID: p.NetworkID, ProjectID: p.ProjectID, MAC: p.MACAddress, Status: p.Status,
		DeviceID: p.DeviceID, FixedIPs: []rpcapi.PortIP{}}
	for _, f := range p.FixedIPs {
		out.FixedIPs = append(out.FixedIPs, rpcapi.PortIP{SubnetID: f.SubnetID, IPAddress: f.IPAddress})
	}
	return out
}
