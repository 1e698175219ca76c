package conductor

import (
	"context"
	"errors"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// LiveCompute is what the conductor asks of compute hosts for live
// migration and evacuation (computeapi's client).
type LiveCompute interface {
	CheckCanLiveMigrateDestination(ctx context.Context, dest string, a computeapi.LiveMigrateCheckArgs) (virt.MigrationTarget, error)
	CheckCanLiveMigrateSource(ctx context.Context, a computeapi.LiveMigrateCheckArgs) error
	LiveMigration(ctx context.Context, a computeapi.LiveMigrationArgs) error
	EvacuateInstance(ctx context.Context, host string, a computeapi.EvacuateInstanceArgs) error
}

var _ LiveCompute = (*computeapi.Client)(nil)

// liveClaims are the placement store's move claims: during a move the
// source's claim is held by the migration's uuid while the instance
// claims the destination (scheduler/placement/move.go).
type liveClaims interface {
	MoveClaim(ctx context.Context, from, to string) error
	RevertMove(ctx context.Context, instance, migration string) error
	Release(ctx context.Context, consumer string) error
}

// Conductor events of the tasks, as nova names them.
const (
	eventLiveMigrate = "conductor_live_migrate_instance"
	eventEvacuate    = "conductor_rebuild_instance"
)

// RegisterLive adds live migration and evacuation to an RPC server.
func (m *Manager) RegisterLive(s *rpc.Server) {
	s.Register(conductorapi.MethodLiveMigrateInstance, rpc.Handle(m.liveMigrateInstance))
	s.Register(conductorapi.MethodEvacuateServer, rpc.Handle(m.evacuateServer))
	s.Register(conductorapi.MethodLiveMigrationRecord, rpc.Handle(m.liveMigrationRecord))
	s.Register(conductorapi.MethodLiveMigrationResult, rpc.Handle(m.liveMigrationResult))
}

func (m *Manager) liveDeps() (LiveCompute, liveClaims, error) {
	lc, ok := m.compute.(LiveCompute)
	if !ok {
		return nil, nil, fault.New(fault.Unavailable, "the conductor cannot reach compute hosts for a live migration")
	}
	mc, ok := m.nodes.(liveClaims)
	if !ok {
		return nil, nil, fault.New(fault.Unavailable, "the conductor cannot move resource claims")
	}
	return lc, mc, nil
}

// liveMigrateInstance is nova's LiveMigrationTask: the source's claim
// passes to the migration, a destination is chosen and claimed (the
// scheduler, or the host asked for), both hosts check they can do it,
// and the source is told to migrate. A refusal leaves the instance as it
// was (ACTIVE on its host, no task), the claims where they were, and the
// migration in error.
func (m *Manager) liveMigrateInstance(ctx context.Context, a conductorapi.LiveMigrateInstance) (conductorapi.Empty, error) {
	m.eventStart(ctx, a.Instance.UUID, a.RequestID, eventLiveMigrate)
	err := m.startLiveMigration(ctx, a)
	m.eventFinish(ctx, a.Instance.UUID, a.RequestID, eventLiveMigrate, err)
	if err != nil {
		m.log.WarnContext(ctx, "conductor: live migration refused", "instance", a.Instance.UUID, "migration", a.Migration.UUID, "error", err)
	}
	return conductorapi.Empty{}, nil
}

func (m *Manager) startLiveMigration(ctx context.Context, a conductorapi.LiveMigrateInstance) error {
	in, mig := a.Instance, a.Migration
	lc, mc, err := m.liveDeps()
	if err != nil {
		m.endMove(ctx, in, mig, objects.MigrationError, "", nil)
		return err
	}
	moved := false
	fail := func(err error) error {
		var claims liveClaims
		if moved {
			claims = mc
		}
		m.endMove(ctx, in, mig, objects.MigrationError, "", claims)
		return err
	}
	if err := mc.MoveClaim(ctx, in.UUID, mig.UUID); err != nil && fault.KindOf(err) != fault.NotFound {
		return fail(err)
	}
	moved = true
	sel, err := m.moveDestination(ctx, in, a.Host, a.Force)
	if err != nil {
		return fail(err)
	}
	mig, err = m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{DestCompute: &sel.ServiceHost, DestNode: &sel.Nodename})
	if err != nil {
		return fail(err)
	}
	check := computeapi.LiveMigrateCheckArgs{Instance: in, BlockMigration: a.BlockMigration}
	target, err := lc.CheckCanLiveMigrateDestination(ctx, sel.ServiceHost, check)
	if err != nil {
		return fail(err)
	}
	if err := lc.CheckCanLiveMigrateSource(ctx, check); err != nil {
		return fail(err)
	}
	queued := objects.MigrationQueued
	mig, err = m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &queued, DestHost: &target.InboundAddr,
		ExpectedStatus: []string{objects.MigrationAccepted}})
	if err != nil {
		// Aborted meanwhile (the record says cancelled).
		m.endMove(ctx, in, mig, "", "", mc)
		return err
	}
	bdms, err := m.store.BlockDeviceMappings(ctx, []string{in.UUID})
	if err != nil {
		return fail(err)
	}
	if err := lc.LiveMigration(ctx, computeapi.LiveMigrationArgs{Instance: in, Migration: mig, Dest: sel.ServiceHost,
		Target: target, BDMs: bdms[in.UUID], RequestID: a.RequestID}); err != nil {
		return fail(err)
	}
	m.log.InfoContext(ctx, "conductor: live migration started", "instance", in.UUID, "migration", mig.UUID,
		"source", in.Host, "dest", sel.ServiceHost)
	return nil
}

// moveDestination claims a destination other than the instance's host:
// the scheduler's choice, or the host asked for. A forced host (force, or
// a host named before the microversion that added force) bypasses the
// filters but not the claim; otherwise the host is nova's requested
// destination, judged by the filters like any other.
func (m *Manager) moveDestination(ctx context.Context, in objects.Instance, host string, force bool) (schedulerapi.Selection, error) {
	f := in.Flavor
	spec := schedulerapi.RequestSpec{
		InstanceUUIDs: []string{in.UUID}, ProjectID: in.ProjectID, UserID: in.UserID, FlavorID: f.FlavorID,
		Resources:        schedulerapi.Resources{VCPUs: f.VCPUs, MemoryMB: f.MemoryMB, RootGB: f.RootGB, EphemeralGB: f.EphemeralGB, SwapMB: f.Swap},
		AvailabilityZone: in.AvailabilityZone,
		IgnoreHosts:      []string{in.Host},
	}
	switch {
	case host != "" && force:
		spec.ForceHosts = []string{host}
		spec.AvailabilityZone = ""
	case host != "":
		spec.RequestedHost = host
	}
	sels, err := m.scheduler.SelectDestinations(ctx, spec)
	if err == nil && len(sels) == 0 {
		err = fault.New(fault.Internal, "the scheduler returned no destination for the instance")
	}
	if err != nil {
		var nv *schedulerapi.NoValidHost
		if errors.As(err, &nv) {
			return schedulerapi.Selection{}, fault.New(fault.Conflict, "%s", nv.Error())
		}
		return schedulerapi.Selection{}, err
	}
	return sels[0], nil
}

// endMove ends a move that did not happen: the claims go back (when
// claims is not nil), the migration takes status (when not ""), and the
// instance keeps its host and vm_state (vmState overrides), without task.
func (m *Manager) endMove(ctx context.Context, in objects.Instance, mig objects.Migration, status, vmState string, claims liveClaims) {
	ctx = context.WithoutCancel(ctx)
	if claims != nil {
		if err := claims.RevertMove(ctx, in.UUID, mig.UUID); err != nil {
			m.log.ErrorContext(ctx, "conductor: could not give the instance its claim back", "instance", in.UUID, "migration", mig.UUID, "error", err)
		}
	}
	if status != "" && mig.ID > 0 {
		if _, err := m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &status}); err != nil {
			m.log.WarnContext(ctx, "conductor: cannot end a migration", "migration", mig.UUID, "error", err)
		}
	}
	none := ""
	u := store.InstanceUpdate{TaskState: &none}
	if vmState != "" {
		u.VMState = &vmState
	}
	if _, err := m.store.UpdateInstance(ctx, in.UUID, u); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot clear the task of a move that did not happen", "instance", in.UUID, "error", err)
	}
}

// liveMigrationRecord updates a migration record for a compute host.
func (m *Manager) liveMigrationRecord(ctx context.Context, a conductorapi.LiveMigrationRecord) (objects.Migration, error) {
	u := store.MigrationUpdate{ExpectedStatus: a.ExpectedStatus, MemoryTotal: a.MemoryTotal, MemoryProcessed: a.MemoryProcessed,
		MemoryRemaining: a.MemoryRemaining, DiskTotal: a.DiskTotal, DiskProcessed: a.DiskProcessed, DiskRemaining: a.DiskRemaining}
	if a.Status != "" {
		u.Status = &a.Status
	}
	if a.DestHost != "" {
		u.DestHost = &a.DestHost
	}
	return m.store.UpdateMigration(ctx, a.ID, u)
}

// liveMigrationResult ends a live migration or an evacuation as the
// compute host reports it.
func (m *Manager) liveMigrationResult(ctx context.Context, a conductorapi.LiveMigrationResult) (conductorapi.Empty, error) {
	_, mc, err := m.liveDeps()
	if err != nil {
		return conductorapi.Empty{}, err
	}
	mig := a.Migration
	in, err := m.store.GetInstance(ctx, a.InstanceUUID, false)
	if err != nil {
		return conductorapi.Empty{}, err
	}
	if !a.Succeeded {
		status := a.Status
		if status == "" {
			status = objects.MigrationError
		}
		if status == objects.MigrationCancelled {
			// An abort may have set it already; anything else stays.
			if cur, gerr := m.store.GetMigration(ctx, mig.ID); gerr == nil && !cur.InProgress() {
				status = ""
			}
		}
		m.endMove(ctx, in, mig, status, a.VMState, mc)
		return conductorapi.Empty{}, nil
	}
	// The guest runs on the destination: the instance goes there, its
	// source claim (held by the migration) is released.
	none := ""
	u := store.InstanceUpdate{Host: &a.DestHost, Node: &a.DestNode, TaskState: &none, PowerState: &a.PowerState}
	if a.VMState != "" {
		u.VMState = &a.VMState
	}
	if _, err := m.store.UpdateInstance(ctx, in.UUID, u); err != nil {
		return conductorapi.Empty{}, err
	}
	if err := mc.Release(ctx, mig.UUID); err != nil {
		m.log.ErrorContext(ctx, "conductor: could not release the source's claim after a move", "instance", in.UUID, "migration", mig.UUID, "error", err)
	}
	status := objects.MigrationCompleted
	if mig.MigrationType == objects.MigrationEvacuation {
		status = objects.MigrationDone
	}
	if _, err := m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &status}); err != nil {
		return conductorapi.Empty{}, err
	}
	m.log.InfoContext(ctx, "conductor: instance moved", "instance", in.UUID, "migration", mig.UUID, "type", mig.MigrationType,
		"source", mig.SourceCompute, "dest", a.DestHost)
	return conductorapi.Empty{}, nil
}
