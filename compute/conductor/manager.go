package conductor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// Scheduler places instances (schedulerapi's client).
type Scheduler interface {
	SelectDestinations(ctx context.Context, spec schedulerapi.RequestSpec) ([]schedulerapi.Selection, error)
}

// Compute starts builds on a host (computeapi's client).
type Compute interface {
	BuildAndRunInstance(ctx context.Context, host string, args computeapi.BuildAndRunInstanceArgs) error
}

// Nodes is the scheduler's placement store: compute node reports and
// claim release.
type Nodes interface {
	Report(ctx context.Context, r placement.NodeReport) (placement.Hypervisor, error)
	Release(ctx context.Context, consumer string) error
}

// Manager serves the conductor topic.
type Manager struct {
	store     *store.Store
	services  *servicegroup.Store
	nodes     Nodes
	scheduler Scheduler
	compute   Compute
	log       *slog.Logger
}

// New returns a Manager.
func New(st *store.Store, services *servicegroup.Store, nodes Nodes, sched Scheduler, compute Compute, log *slog.Logger) *Manager {
	if log == nil {
		log = slog.Default()
	}
	return &Manager{store: st, services: services, nodes: nodes, scheduler: sched, compute: compute, log: log}
}

// Methods beyond conductorapi's that nova-compute sends.
const (
	MethodReleaseClaims = "delete_allocation_for_instance"
)

// Register adds the conductor's methods to an RPC server.
func (m *Manager) Register(s *rpc.Server) {
	s.Register(conductorapi.MethodBuildInstances, rpc.Handle(m.buildInstances))
	s.Register(conductorapi.MethodInstanceUpdate, rpc.Handle(m.instanceUpdate))
	s.Register(conductorapi.MethodInstanceGet, rpc.Handle(m.instanceGet))
	s.Register(conductorapi.MethodInstancesOnHost, rpc.Handle(m.instancesOnHost))
	s.Register(conductorapi.MethodInstanceDestroy, rpc.Handle(m.instanceDestroy))
	s.Register(conductorapi.MethodActionEventStart, rpc.Handle(m.actionEventStart))
	s.Register(conductorapi.MethodActionEventFinish, rpc.Handle(m.actionEventFinish))
	s.Register(conductorapi.MethodInstanceFaultCreate, rpc.Handle(m.instanceFaultCreate))
	s.Register(conductorapi.MethodComputeNodeReport, rpc.Handle(m.computeNodeReport))
	s.Register(conductorapi.MethodServiceRegister, rpc.Handle(m.serviceRegister))
	s.Register(conductorapi.MethodServiceReport, rpc.Handle(m.serviceReport))
	s.Register(MethodReleaseClaims, rpc.Handle(m.releaseClaims))
	s.Register(conductorapi.MethodBDMUpdate, rpc.Handle(m.bdmUpdate))
	m.RegisterLive(s)
}

// eventSchedule is nova's conductor event name for a build.
const eventSchedule = "conductor_schedule_and_build_instances"

// buildInstances is nova's ComputeTaskManager.build_instances (and
// schedule_and_build_instances): schedule, record the host, cast the
// build. Every failure ends in the instances' ERROR state with a fault.
func (m *Manager) buildInstances(ctx context.Context, a conductorapi.BuildInstances) (conductorapi.Empty, error) {
	if len(a.Instances) == 0 {
		return conductorapi.Empty{}, nil
	}
	for _, in := range a.Instances {
		m.eventStart(ctx, in.UUID, a.RequestID, eventSchedule)
	}
	first := a.Instances[0]
	f := first.Flavor
	spec := schedulerapi.RequestSpec{
		InstanceUUIDs: uuidsOf(a.Instances), ProjectID: first.ProjectID, UserID: first.UserID, FlavorID: f.FlavorID,
		Resources:       schedulerapi.Resources{VCPUs: f.VCPUs, MemoryMB: f.MemoryMB, RootGB: f.RootGB, EphemeralGB: f.EphemeralGB, SwapMB: f.Swap},
		ImageProperties: a.Image.Properties, AvailabilityZone: a.AvailabilityZone,
	}
	if a.ForceHost != "" {
		spec.ForceHosts = []string{a.ForceHost}
	}
	if a.ForceNode != "" {
		spec.ForceNodes = []string{a.ForceNode}
	}
	sels, err := m.scheduler.SelectDestinations(ctx, spec)
	if err != nil {
		msg := "No valid host was found. " + fault.MessageOf(err)
		var nv *schedulerapi.NoValidHost
		if errors.As(err, &nv) {
			msg = nv.Error()
		} else if fault.KindOf(err) != fault.Conflict {
			msg = "Scheduling failed: " + fault.MessageOf(err)
		}
		for _, in := range a.Instances {
			m.setError(ctx, in.UUID, msg, err)
			m.eventFinish(ctx, in.UUID, a.RequestID, eventSchedule, err)
		}
		return conductorapi.Empty{}, nil
	}
	byUUID := map[string]schedulerapi.Selection{}
	for _, s := range sels {
		byUUID[s.InstanceUUID] = s
	}
	for i, in := range a.Instances {
		sel, ok := byUUID[in.UUID]
		if !ok && i < len(sels) {
			sel = sels[i]
		}
		if err := m.startBuild(ctx, a, in, sel); err != nil {
			m.eventFinish(ctx, in.UUID, a.RequestID, eventSchedule, err)
			continue
		}
		m.eventFinish(ctx, in.UUID, a.RequestID, eventSchedule, nil)
	}
	return conductorapi.Empty{}, nil
}

func (m *Manager) startBuild(ctx context.Context, a conductorapi.BuildInstances, in objects.Instance, sel schedulerapi.Selection) error {
	if sel.ServiceHost == "" {
		err := fault.New(fault.Internal, "the scheduler returned no destination for the instance")
		m.setError(ctx, in.UUID, "No valid host was found. ", err)
		return err
	}
	u := store.InstanceUpdate{Host: &sel.ServiceHost, Node: &sel.Nodename, ExpectedTaskState: []string{objects.TaskScheduling}}
	if in.AvailabilityZone == "" && sel.AvailabilityZone != "" {
		u.AvailabilityZone = &sel.AvailabilityZone
	}
	updated, err := m.store.UpdateInstance(ctx, in.UUID, u)
	if err != nil {
		// Deleted (or changed) while it was scheduled: give the claim back.
		m.release(ctx, in.UUID)
		m.log.InfoContext(ctx, "conductor: instance changed while scheduled; not building", "instance", in.UUID, "error", err)
		return err
	}
	args := computeapi.BuildAndRunInstanceArgs{Instance: updated, Image: a.Image, BlockDeviceMapping: a.BlockDeviceMappings[in.UUID], Node: sel.Nodename}
	if err := m.compute.BuildAndRunInstance(ctx, sel.ServiceHost, args); err != nil {
		m.release(ctx, in.UUID)
		m.setError(ctx, in.UUID, fmt.Sprintf("Build of instance %s could not be sent to host %s: %s", in.UUID, sel.ServiceHost, fault.MessageOf(err)), err)
		return err
	}
	return nil
}

// setError puts an instance in ERROR, without a host, with a fault.
func (m *Manager) setError(ctx context.Context, uuid, msg string, cause error) {
	vm, none := objects.VMError, ""
	if _, err := m.store.UpdateInstance(ctx, uuid, store.InstanceUpdate{VMState: &vm, TaskState: &none, Host: &none, Node: &none}); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot put instance in ERROR", "instance", uuid, "error", err)
		return
	}
	details := ""
	if cause != nil {
		details = cause.Error()
	}
	if err := m.store.CreateFault(ctx, objects.Fault{InstanceUUID: uuid, Code: 500, Message: strings.TrimSpace(msg), Details: details}); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot record fault", "instance", uuid, "error", err)
	}
}

func (m *Manager) release(ctx context.Context, uuid string) {
	if m.nodes == nil {
		return
	}
	if err := m.nodes.Release(ctx, uuid); err != nil {
		m.log.ErrorContext(ctx, "conductor: cannot release claims", "instance", uuid, "error", err)
	}
}

func (m *Manager) eventStart(ctx context.Context, uuid, requestID, event string) {
	if err := m.store.EventStart(ctx, uuid, requestID, event, ""); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot record event start", "instance", uuid, "event", event, "error", err)
	}
}

func (m *Manager) eventFinish(ctx context.Context, uuid, requestID, event string, cause error) {
	result, tb := objects.EventSuccess, ""
	if cause != nil {
		result, tb = objects.EventError, cause.Error()
	}
	if err := m.store.EventFinish(ctx, uuid, requestID, event, "", result, tb, ""); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot record event finish", "instance", uuid, "event", event, "error", err)
	}
}

func uuidsOf(list []objects.Instance) []string {
	out := make([]string, len(list))
	for i, in := range list {
		out[i] = in.UUID
	}
	return out
}
