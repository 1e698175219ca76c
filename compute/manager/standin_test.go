package manager_test

import (
	"context"
	"encoding/json"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/manager"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// dbConductor serves the conductor methods nova-compute calls, over real
// RPC, on a real nova database (compute/store, placement, servicegroup):
// the database side of the conductor, for tests of the manager until they
// run against compute/conductor itself.
type dbConductor struct {
	st    *store.Store
	nodes *placement.Store
	svcs  *servicegroup.Store
}

func (c *dbConductor) register(srv *rpc.Server) {
	srv.Register(conductorapi.MethodInstanceUpdate, rpc.Handle(func(ctx context.Context, m conductorapi.InstanceUpdate) (objects.Instance, error) {
		u := m.Updates
		return c.st.UpdateInstance(ctx, m.UUID, store.InstanceUpdate{VMState: u.VMState, TaskState: u.TaskState,
			PowerState: u.PowerState, Host: u.Host, Node: u.Node, LaunchedAt: u.LaunchedAt, TerminatedAt: u.TerminatedAt,
			Progress: u.Progress, RootDeviceName: u.RootDeviceName, Cleaned: u.Cleaned,
			ExpectedTaskState: m.ExpectedTaskState, ExpectedVMState: m.ExpectedVMState})
	}))
	srv.Register(conductorapi.MethodInstanceGet, rpc.Handle(func(ctx context.Context, m conductorapi.InstanceGet) ([]objects.Instance, error) {
		return c.st.GetInstances(ctx, m.UUIDs, m.ReadDeleted)
	}))
	srv.Register(conductorapi.MethodInstancesOnHost, rpc.Handle(func(ctx context.Context, m conductorapi.InstancesOnHost) ([]objects.Instance, error) {
		return c.st.InstancesOnHost(ctx, m.Host, m.Node)
	}))
	srv.Register(conductorapi.MethodInstanceDestroy, rpc.Handle(func(ctx context.Context, m conductorapi.InstanceDestroy) (conductorapi.Empty, error) {
		if _, err := c.st.DestroyInstance(ctx, m.UUID); err != nil {
			return conductorapi.Empty{}, err
		}
		return conductorapi.Empty{}, c.nodes.Release(ctx, m.UUID)
	}))
	srv.Register(conductorapi.MethodActionEventStart, rpc.Handle(func(ctx context.Context, m conductorapi.ActionEvent) (conductorapi.Empty, error) {
		return conductorapi.Empty{}, c.st.EventStart(ctx, m.InstanceUUID, m.RequestID, m.Event, m.Host)
	}))
	srv.Register(conductorapi.MethodActionEventFinish, rpc.Handle(func(ctx context.Context, m conductorapi.ActionEvent) (conductorapi.Empty, error) {
		return conductorapi.Empty{}, c.st.EventFinish(ctx, m.InstanceUUID, m.RequestID, m.Event, m.Host, m.Result, m.Traceback, m.Details)
	}))
	srv.Register(conductorapi.MethodInstanceFaultCreate, rpc.Handle(func(ctx context.Context, f objects.Fault) (conductorapi.Empty, error) {
		return conductorapi.Empty{}, c.st.CreateFault(ctx, f)
	}))
	srv.Register(conductorapi.MethodServiceRegister, rpc.Handle(func(ctx context.Context, m conductorapi.ServiceRegister) (servicegroup.Service, error) {
		return c.svcs.Register(ctx, m.Registration)
	}))
	srv.Register(conductorapi.MethodServiceReport, rpc.Handle(func(ctx context.Context, m conductorapi.ServiceReport) (conductorapi.Empty, error) {
		_, err := c.svcs.Report(ctx, m.ID)
		return conductorapi.Empty{}, err
	}))
	srv.Register(conductorapi.MethodComputeNodeReport, rpc.Handle(func(ctx context.Context, r manager.NodeReport) (conductorapi.Empty, error) {
		_, err := c.nodes.Report(ctx, placement.NodeReport{Host: r.Host, Hostname: r.Node, UUID: r.UUID,
			HypervisorType: r.HypervisorType, HypervisorVersion: r.HypervisorVersion, HostIP: r.HostIP,
			VCPUs: r.VCPUs, MemoryMB: r.MemoryMB, LocalGB: r.LocalGB, FreeRAMMB: r.FreeRAMMB, FreeDiskGB: r.FreeDiskGB,
			DiskAvailableLeast: r.DiskAvailableLeast, RunningVMs: r.RunningVMs, CPUInfo: r.CPUInfo,
			CPUAllocationRatio: r.CPUAllocationRatio, RAMAllocationRatio: r.RAMAllocationRatio,
			DiskAllocationRatio: r.DiskAllocationRatio, ReservedCPUs: r.ReservedHostCPUs,
			ReservedMemoryMB: r.ReservedHostMemoryMB, ReservedDiskMB: r.ReservedHostDiskMB,
			SupportedInstances: r.SupportedInstances})
		return conductorapi.Empty{}, err
	}))
	srv.Register(manager.MethodReleaseClaims, rpc.Handle(func(ctx context.Context, a manager.ReleaseClaimsArgs) (conductorapi.Empty, error) {
		return conductorapi.Empty{}, c.nodes.Release(ctx, a.InstanceUUID)
	}))
}

var _ = json.Marshal
