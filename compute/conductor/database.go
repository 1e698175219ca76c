package conductor

import (
	"context"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/servicegroup"
)

func (m *Manager) instanceUpdate(ctx context.Context, a conductorapi.InstanceUpdate) (objects.Instance, error) {
	u := a.Updates
	return m.store.UpdateInstance(ctx, a.UUID, store.InstanceUpdate{
		VMState: u.VMState, TaskState: u.TaskState, PowerState: u.PowerState, Host: u.Host, Node: u.Node,
		LaunchedAt: u.LaunchedAt, TerminatedAt: u.TerminatedAt, Progress: u.Progress, RootDeviceName: u.RootDeviceName,
		Cleaned: u.Cleaned, ExpectedTaskState: a.ExpectedTaskState, ExpectedVMState: a.ExpectedVMState,
	})
}

func (m *Manager) instanceGet(ctx context.Context, a conductorapi.InstanceGet) ([]objects.Instance, error) {
	return m.store.GetInstances(ctx, a.UUIDs, a.ReadDeleted)
}

func (m *Manager) instancesOnHost(ctx context.Context, a conductorapi.InstancesOnHost) ([]objects.Instance, error) {
	if a.Host == "" {
		return nil, fault.New(fault.Invalid, "instance_get_all_by_host needs a host")
	}
	return m.store.InstancesOnHost(ctx, a.Host, a.Node)
}

func (m *Manager) instanceDestroy(ctx context.Context, a conductorapi.InstanceDestroy) (conductorapi.Empty, error) {
	if _, err := m.store.DestroyInstance(ctx, a.UUID); err != nil && fault.KindOf(err) != fault.NotFound {
		return conductorapi.Empty{}, err
	}
	t := true
	if _, err := m.store.MarkCleaned(ctx, a.UUID, t); err != nil && fault.KindOf(err) != fault.NotFound {
		m.log.WarnContext(ctx, "conductor: cannot mark instance cleaned", "instance", a.UUID, "error", err)
	}
	m.release(ctx, a.UUID)
	m.releaseMoves(ctx, a.UUID)
	return conductorapi.Empty{}, nil
}

func (m *Manager) actionEventStart(ctx context.Context, a conductorapi.ActionEvent) (conductorapi.Empty, error) {
	return conductorapi.Empty{}, m.store.EventStart(ctx, a.InstanceUUID, a.RequestID, a.Event, a.Host)
}

func (m *Manager) actionEventFinish(ctx context.Context, a conductorapi.ActionEvent) (conductorapi.Empty, error) {
	result := a.Result
	if result == "" {
		result = objects.EventSuccess
	}
	return conductorapi.Empty{}, m.store.EventFinish(ctx, a.InstanceUUID, a.RequestID, a.Event, a.Host, result, a.Traceback, a.Details)
}

func (m *Manager) instanceFaultCreate(ctx context.Context, f objects.Fault) (conductorapi.Empty, error) {
	return conductorapi.Empty{}, m.store.CreateFault(ctx, f)
}

// nodeReport is compute_node_report as nova-compute sends it: conductorapi's
// fields and the reserved amounts and supported instances.
type nodeReport struct {
	conductorapi.ComputeNodeReport
	ReservedHostCPUs     int         `json:"reserved_host_cpus"`
	ReservedHostMemoryMB int         `json:"reserved_host_memory_mb"`
	ReservedHostDiskMB   int         `json:"reserved_host_disk_mb"`
	SupportedInstances   [][3]string `json:"supported_instances,omitempty"`
}

func (m *Manager) computeNodeReport(ctx context.Context, r nodeReport) (conductorapi.Empty, error) {
	if m.nodes == nil {
		return conductorapi.Empty{}, fault.New(fault.Unavailable, "the conductor has no compute node store")
	}
	_, err := m.nodes.Report(ctx, placement.NodeReport{
		Host: r.Host, Hostname: r.Node, UUID: r.UUID, HypervisorType: r.HypervisorType, HypervisorVersion: r.HypervisorVersion,
		HostIP: r.HostIP, VCPUs: r.VCPUs, MemoryMB: r.MemoryMB, LocalGB: r.LocalGB, FreeRAMMB: r.FreeRAMMB,
		FreeDiskGB: r.FreeDiskGB, DiskAvailableLeast: r.DiskAvailableLeast, RunningVMs: r.RunningVMs, CPUInfo: r.CPUInfo,
		CPUAllocationRatio: r.CPUAllocationRatio, RAMAllocationRatio: r.RAMAllocationRatio, DiskAllocationRatio: r.DiskAllocationRatio,
		ReservedCPUs: r.ReservedHostCPUs, ReservedMemoryMB: r.ReservedHostMemoryMB, ReservedDiskMB: r.ReservedHostDiskMB,
		SupportedInstances: r.SupportedInstances,
	})
	return conductorapi.Empty{}, err
}

func (m *Manager) serviceRegister(ctx context.Context, a conductorapi.ServiceRegister) (servicegroup.Service, error) {
	return m.services.Register(ctx, a.Registration)
}

func (m *Manager) serviceReport(ctx context.Context, a conductorapi.ServiceReport) (conductorapi.Empty, error) {
	_, err := m.services.Report(ctx, a.ID)
	return conductorapi.Empty{}, err
}

type releaseArgs struct {
	InstanceUUID string `json:"instance_uuid"`
}

func (m *Manager) releaseClaims(ctx context.Context, a releaseArgs) (conductorapi.Empty, error) {
	if m.nodes == nil {
		return conductorapi.Empty{}, nil
	}
	return conductorapi.Empty{}, m.nodes.Release(ctx, a.InstanceUUID)
}
