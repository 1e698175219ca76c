package binding

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/gostack/gostack/compute/network/api"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Service allocates and binds instance ports.
type Service struct {
	st     *store.Store
	log    *slog.Logger
	agents agents
}

// New returns a Service over the store.
func New(st *store.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{st: st, log: log}
}

// Register serves the rpcapi methods on srv.
func (s *Service) Register(srv *rpc.Server) {
	srv.Register(rpcapi.MethodAllocateForInstance, rpc.Handle(s.AllocateForInstance))
	srv.Register(rpcapi.MethodDeallocateForInstance, rpc.Handle(func(ctx context.Context, a rpcapi.DeallocateForInstanceArgs) (struct{}, error) {
		return struct{}{}, s.DeallocateForInstance(ctx, a)
	}))
	srv.Register(rpcapi.MethodBindPorts, rpc.Handle(s.BindPorts))
	srv.Register(rpcapi.MethodGetInstanceNWInfo, rpc.Handle(func(ctx context.Context, a rpcapi.InstanceArgs) ([]rpcapi.VIF, error) {
		return s.GetInstanceNWInfo(ctx, a.InstanceUUID)
	}))
	srv.Register(rpcapi.MethodGetInstancesNWInfo, rpc.Handle(s.GetInstancesNWInfo))
	srv.Register(rpcapi.MethodInstanceGroup, rpc.Handle(func(ctx context.Context, a rpcapi.InstanceGroupArgs) (struct{}, error) {
		return struct{}{}, s.InstanceGroup(ctx, a)
	}))
	srv.Register(rpcapi.MethodAgentSync, rpc.Handle(s.AgentSync))
	srv.Register(rpcapi.MethodValidateNetworks, rpc.Handle(s.ValidateNetworks))
	srv.Register(rpcapi.MethodGetHostPorts, rpc.Handle(func(ctx context.Context, a rpcapi.HostArgs) ([]rpcapi.VIF, error) {
		return s.GetHostPorts(ctx, a.Host)
	}))
	s.registerInterfaces(srv)
}

// AllocateForInstance creates a port per network request (or adopts an
// existing port) bound to the host. A repeated call for an instance that
// already has ports returns them (a redelivered message). On failure the
// ports made by this call are deleted and adopted ones unbound.
func (s *Service) AllocateForInstance(ctx context.Context, a rpcapi.AllocateForInstanceArgs) ([]rpcapi.VIF, error) {
	if a.InstanceUUID == "" || a.ProjectID == "" {
		return nil, fault.New(fault.Invalid, "allocate_for_instance needs instance_uuid and project_id")
	}
	existing, err := s.st.PortsOfDevice(ctx, a.InstanceUUID)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return s.vifs(ctx, existing, nil)
	}
	reqs := a.Requests
	if len(reqs) == 0 && a.Auto {
		net, err := s.defaultNetwork(ctx, a.ProjectID)
		if err != nil {
			return nil, err
		}
		reqs = []rpcapi.NetworkRequest{{NetworkID: net}}
	}
	groups, err := s.groups(ctx, a.ProjectID, a.SecurityGroups)
	if err != nil {
		return nil, err
	}
	var made, adopted []store.Port
	undo := func() {
		for _, p := range made {
			if _, err := s.st.DeletePort(context.WithoutCancel(ctx), p.ID); err != nil {
				s.log.Error("could not delete a port after a failed allocation", "port", p.ID, "error", err)
			}
		}
		for _, p := range adopted {
			if _, err := s.st.UpdatePort(context.WithoutCancel(ctx), p.ID, store.PortUpdate{Change: unbind}); err != nil {
				s.log.Error("could not unbind a port after a failed allocation", "port", p.ID, "error", err)
			}
		}
	}
	owner := "compute:" + a.AvailabilityZone
	preserve := map[string]bool{}
	for _, r := range reqs {
		p, err := s.allocateOne(ctx, a, r, owner, groups)
		if err != nil {
			undo()
			return nil, err
		}
		if r.PortID != "" {
			adopted = append(adopted, p)
			preserve[p.ID] = true
		} else {
			made = append(made, p)
		}
	}
	return s.vifs(ctx, append(adopted, made...), preserve)
}

func (s *Service) allocateOne(ctx context.Context, a rpcapi.AllocateForInstanceArgs, r rpcapi.NetworkRequest,
	owner string, groups []string) (store.Port, error) {
	bind := func(p *store.Port) error {
		if p.DeviceID != "" && p.DeviceID != a.InstanceUUID {
			return store.Errorf("PortInUse", fault.Conflict,
				"Unable to complete operation on port %s for network %s. Port already has an attached device %s.",
				p.ID, p.NetworkID, p.DeviceID)
		}
		p.DeviceID, p.DeviceOwner, p.HostID = a.InstanceUUID, owner, a.Host
		setVIF(p)
		return nil
	}
	if r.PortID != "" {
		p, err := s.st.GetPort(ctx, r.PortID)
		if err != nil {
			return p, err
		}
		if p.ProjectID != a.ProjectID {
			return p, store.PortNotFound(r.PortID)
		}
		return s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: bind})
	}
	n, err := s.st.GetNetwork(ctx, r.NetworkID)
	if err != nil {
		return store.Port{}, err
	}
	if n.ProjectID != a.ProjectID && !n.Shared {
		return store.Port{}, store.NetworkNotFound(r.NetworkID)
	}
	spec := store.PortSpec{Port: store.Port{NetworkID: n.ID, ProjectID: a.ProjectID, AdminStateUp: true,
		DeviceID: a.InstanceUUID, DeviceOwner: owner, HostID: a.Host, PortSecurityEnabled: n.PortSecurityEnabled}}
	setVIF(&spec.Port)
	if r.FixedIP != "" {
		spec.Requests = []store.IPRequest{{IPAddress: r.FixedIP}}
	}
	if n.PortSecurityEnabled {
		spec.SecurityGroups = groups
	}
	return s.st.CreatePort(ctx, spec)
}

func setVIF(p *store.Port) {
	if p.HostID == "" {
		p.VIFType, p.VIFDetails = "unbound", map[string]any{}
		return
	}
	p.VIFType = "bridge"
	p.VIFDetails = map[string]any{"port_filter": true, "connectivity": "l2", "bridge_name": api.BridgeName}
}

func unbind(p *store.Port) error {
	p.DeviceID, p.DeviceOwner, p.HostID = "", "", ""
	setVIF(p)
	return nil
}

// defaultNetwork is the one network a project can use: its own if it
// has exactly one, else the one shared network (nova's
// NetworkAmbiguous when there are several).
func (s *Service) defaultNetwork(ctx context.Context, project string) (string, error) {
	return s.onlyNetwork(ctx, project,
		fault.New(fault.Conflict, "Multiple possible networks found, use a Network ID to be more specific."),
		fault.New(fault.Conflict, "Unable to automatically allocate a network for project %s", project))
}

// onlyNetwork is the project's one own network, else the one shared
// network (external networks aside); several give ambiguous, none none.
func (s *Service) onlyNetwork(ctx context.Context, project string, ambiguous, none error) (string, error) {
	nets, err := s.st.ListNetworks(ctx)
	if err != nil {
		return "", err
	}
	var own, shared []string
	for _, n := range nets {
		switch {
		case n.RouterExternal:
		case n.ProjectID == project:
			own = append(own, n.ID)
		case n.Shared:
			shared = append(shared, n.ID)
		}
	}
	for _, c := range [][]string{own, shared} {
		switch len(c) {
		case 0:
			continue
		case 1:
			return c[0], nil
		}
		return "", ambiguous
	}
	return "", none
}

// groups resolves security group names or ids of the project; none
// means its default group.
func (s *Service) groups(ctx context.Context, project string, want []string) ([]string, error) {
	if len(want) == 0 || (len(want) == 1 && want[0] == store.DefaultGroupName) {
		id, err := s.st.EnsureDefaultGroup(ctx, project)
		return []string{id}, err
	}
	if _, err := s.st.EnsureDefaultGroup(ctx, project); err != nil {
		return nil, err
	}
	all, err := s.st.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range want {
		var match []string
		for _, g := range all {
			if g.ProjectID == project && (g.ID == w || g.Name == w) {
				match = append(match, g.ID)
			}
		}
		switch len(match) {
		case 0:
			return nil, store.SecurityGroupNotFound(w)
		case 1:
			if !slices.Contains(out, match[0]) {
				out = append(out, match[0])
			}
		default:
			return nil, fault.New(fault.Conflict, "Multiple security groups named %s; use its id.", w)
		}
	}
	return out, nil
}

// DeallocateForInstance deletes the instance's ports, unbinding those
// in Preserve instead. Ports already gone are no error.
func (s *Service) DeallocateForInstance(ctx context.Context, a rpcapi.DeallocateForInstanceArgs) error {
	ports, err := s.st.PortsOfDevice(ctx, a.InstanceUUID)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range ports {
		if slices.Contains(a.Preserve, p.ID) {
			_, err = s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: unbind})
		} else {
			_, err = s.st.DeletePort(ctx, p.ID)
		}
		if err != nil && fault.KindOf(err) != fault.NotFound {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// BindPorts moves the instance's port bindings to a.Host.
func (s *Service) BindPorts(ctx context.Context, a rpcapi.BindPortsArgs) ([]rpcapi.VIF, error) {
	ports, err := s.st.PortsOfDevice(ctx, a.InstanceUUID)
	if err != nil {
		return nil, err
	}
	var out []store.Port
	for _, p := range ports {
		q, err := s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: func(p *store.Port) error {
			p.HostID = a.Host
			setVIF(p)
			return nil
		}})
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return s.vifs(ctx, out, nil)
}

// GetInstanceNWInfo returns the VIFs of an instance.
func (s *Service) GetInstanceNWInfo(ctx context.Context, instance string) ([]rpcapi.VIF, error) {
	ports, err := s.st.PortsOfDevice(ctx, instance)
	if err != nil {
		return nil, err
	}
	return s.vifs(ctx, ports, nil)
}

// InstanceGroup adds a security group to every port of an instance (a
// port that has it keeps it), or removes it from every port that has it,
// as nova's security group API over neutron: an instance without ports
// or an unknown group is not found; removing a group the instance does
// not have, or adding one to a port without port security, is invalid.
func (s *Service) InstanceGroup(ctx context.Context, a rpcapi.InstanceGroupArgs) error {
	ports, err := s.st.PortsOfDevice(ctx, a.InstanceUUID)
	if err != nil {
		return err
	}
	if len(ports) == 0 {
		return fault.New(fault.NotFound, "instance_id %s could not be found as device id on any ports", a.InstanceUUID)
	}
	ids, err := s.groups(ctx, a.ProjectID, []string{a.Group})
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return fault.New(fault.NotFound, "Security group %s not found.", a.Group)
		}
		return err
	}
	gid := ids[0]
	type change struct {
		port   string
		groups []string
	}
	var changes []change
	for _, p := range ports {
		has := slices.Contains(p.SecurityGroups, gid)
		switch {
		case a.Remove && has:
			changes = append(changes, change{p.ID, slices.DeleteFunc(slices.Clone(p.SecurityGroups), func(g string) bool { return g == gid })})
		case !a.Remove && !has:
			if !p.PortSecurityEnabled {
				return fault.New(fault.Invalid, "Network requires port_security_enabled and subnet associated in order to apply security groups.")
			}
			changes = append(changes, change{p.ID, append(slices.Clone(p.SecurityGroups), gid)})
		}
	}
	if a.Remove && len(changes) == 0 {
		return fault.New(fault.Invalid, "Security group %s not associated with the instance %s", a.Group, a.InstanceUUID)
	}
	for _, c := range changes {
		if _, err := s.st.UpdatePort(ctx, c.port, store.PortUpdate{SecurityGroups: c.groups}); err != nil {
			return err
		}
	}
	return nil
}

// GetInstancesNWInfo returns the VIFs of several instances at once (a
// page of servers), by instance; instances without ports are absent.
func (s *Service) GetInstancesNWInfo(ctx context.Context, a rpcapi.InstancesArgs) (map[string][]rpcapi.VIF, error) {
	out := map[string][]rpcapi.VIF{}
	if len(a.InstanceUUIDs) == 0 {
		return out, nil
	}
	ports, err := s.st.PortsOfDevices(ctx, a.InstanceUUIDs)
	if err != nil {
		return nil, err
	}
	vifs, err := s.vifs(ctx, ports, nil)
	if err != nil {
		return nil, err
	}
	for i, v := range vifs {
		dev := ports[i].DeviceID
		out[dev] = append(out[dev], v)
	}
	return out, nil
}

// GetHostPorts returns the VIFs bound to a host.
func (s *Service) GetHostPorts(ctx context.Context, host string) ([]rpcapi.VIF, error) {
	all, err := s.st.ListPorts(ctx)
	if err != nil {
		return nil, err
	}
	var ports []store.Port
	for _, p := range all {
		if p.HostID == host {
			ports = append(ports, p)
		}
	}
	return s.vifs(ctx, ports, nil)
}

func (s *Service) vifs(ctx context.Context, ports []store.Port, preserve map[string]bool) ([]rpcapi.VIF, error) {
	out := []rpcapi.VIF{}
	nets := map[string]store.Network{}
	subnets := map[string]store.Subnet{}
	for _, p := range ports {
		n, ok := nets[p.NetworkID]
		if !ok {
			var err error
			if n, err = s.st.GetNetwork(ctx, p.NetworkID); err != nil {
				return nil, err
			}
			nets[n.ID] = n
		}
		v := rpcapi.VIF{PortID: p.ID, NetworkID: n.ID, NetworkName: n.Name, MAC: p.MACAddress, Bridge: api.BridgeName,
			PhysicalNetwork: derefStr(n.PhysicalNetwork), DevName: DevName(p.ID), MTU: n.MTU, VIFType: p.VIFType,
			Host: p.HostID, SecurityGroups: p.SecurityGroups, PortSecurityEnabled: p.PortSecurityEnabled,
			Preserve: preserve[p.ID], FixedIPs: []rpcapi.FixedIP{}}
		for _, f := range p.FixedIPs {
			sn, ok := subnets[f.SubnetID]
			if !ok {
				var err error
				if sn, err = s.st.GetSubnet(ctx, f.SubnetID); err != nil {
					return nil, err
				}
				subnets[sn.ID] = sn
			}
			ip := rpcapi.FixedIP{Address: f.IPAddress, SubnetID: sn.ID, CIDR: sn.CIDR.String(), DNS: sn.DNS, DHCP: sn.EnableDHCP}
			if sn.GatewayIP.IsValid() {
				ip.Gateway = sn.GatewayIP.String()
			}
			v.FixedIPs = append(v.FixedIPs, ip)
		}
		out = append(out, v)
	}
	return out, nil
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// DevName is the tap device of a port on its host: "tap" and the
// first 11 characters of the port id, as nova's linux bridge VIFs.
func DevName(portID string) string {
	if len(portID) > 11 {
		portID = portID[:11]
	}
	return "tap" + portID
}
