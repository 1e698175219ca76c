package conductor

import (
	"context"
	"errors"
	"fmt"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// MoveClaims are the scheduler's move claims (scheduler/placement/move.go).
type MoveClaims interface {
	MoveClaim(ctx context.Context, from, to string) error
	RevertMove(ctx context.Context, instance, migration string) error
	Release(ctx context.Context, consumer string) error
}

// ResizeCompute is what the conductor casts to nova-compute for moves.
type ResizeCompute interface {
	PrepResize(ctx context.Context, host string, a computeapi.ResizeArgs) error
	UnshelveInstance(ctx context.Context, host string, a computeapi.UnshelveInstanceArgs) error
}

// RegisterLifecycle adds the methods of resize and shelve to an RPC server.
func (m *Manager) RegisterLifecycle(s *rpc.Server) {
	s.Register(conductorapi.MethodMigrateServer, rpc.Handle(m.migrateServer))
	s.Register(conductorapi.MethodUnshelveInstance, rpc.Handle(m.unshelveInstance))
	s.Register(conductorapi.MethodMigrationUpdate, rpc.Handle(m.migrationUpdate))
	s.Register(conductorapi.MethodInstanceMoveUpdate, rpc.Handle(m.instanceMoveUpdate))
	s.Register(conductorapi.MethodMoveClaims, rpc.Handle(m.moveClaims))
}

// eventMigrate is nova's conductor event of a resize or cold migration.
const eventMigrate = "conductor_migrate_server"

func (m *Manager) moves() (MoveClaims, error) {
	mc, ok := m.nodes.(MoveClaims)
	if !ok {
		return nil, fault.New(fault.Unavailable, "the conductor cannot move resource claims")
	}
	return mc, nil
}

// migrateServer is nova's MigrationTask of a resize: the source's claim
// passes to the migration, the scheduler claims the new flavor for the
// instance on a destination, and prep_resize goes to that host. A failure
// gives the claim back, errors the migration and returns the instance to
// its vm_state with a fault (nova's _set_vm_state_and_notify).
func (m *Manager) migrateServer(ctx context.Context, a conductorapi.MigrateServer) (conductorapi.Empty, error) {
	in, mig := a.Instance, a.Migration
	m.eventStart(ctx, in.UUID, a.RequestID, eventMigrate)
	err := m.scheduleResize(ctx, a)
	m.eventFinish(ctx, in.UUID, a.RequestID, eventMigrate, err)
	if err != nil {
		m.log.WarnContext(ctx, "conductor: resize not started", "instance", in.UUID, "migration", mig.UUID, "error", err)
	}
	return conductorapi.Empty{}, nil
}

func (m *Manager) scheduleResize(ctx context.Context, a conductorapi.MigrateServer) error {
	in, mig, f := a.Instance, a.Migration, a.NewFlavor
	mc, err := m.moves()
	if err != nil {
		m.failMove(ctx, in, mig, moveName(mig)+" failed: "+fault.MessageOf(err), err)
		return err
	}
	if err := mc.MoveClaim(ctx, in.UUID, mig.UUID); err != nil && fault.KindOf(err) != fault.NotFound {
		m.failMove(ctx, in, mig, moveName(mig)+" failed: "+fault.MessageOf(err), err)
		return err
	}
	spec := schedulerapi.RequestSpec{
		InstanceUUIDs: []string{in.UUID}, ProjectID: in.ProjectID, UserID: in.UserID, FlavorID: f.FlavorID,
		Resources:       schedulerapi.Resources{VCPUs: f.VCPUs, MemoryMB: f.MemoryMB, RootGB: f.RootGB, EphemeralGB: f.EphemeralGB, SwapMB: f.Swap},
		ImageProperties: a.ImageProperties, AvailabilityZone: in.AvailabilityZone,
	}
	if !a.AllowSameHost {
		spec.IgnoreHosts = []string{in.Host}
	}
	spec.RequestedHost = a.Host
	sels, err := m.scheduler.SelectDestinations(ctx, spec)
	if err == nil && len(sels) == 0 {
		err = fault.New(fault.Internal, "the scheduler returned no destination for the instance")
	}
	if err != nil {
		msg := "No valid host was found. " + fault.MessageOf(err)
		var nv *schedulerapi.NoValidHost
		if errors.As(err, &nv) {
			msg = nv.Error()
		}
		m.revertClaims(ctx, mc, in.UUID, mig.UUID)
		m.failMove(ctx, in, mig, msg, err)
		return err
	}
	sel := sels[0]
	mig, err = m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{DestCompute: &sel.ServiceHost, DestNode: &sel.Nodename})
	if err == nil {
		compute, ok := m.compute.(ResizeCompute)
		if !ok {
			err = fault.New(fault.Unavailable, "the conductor cannot reach compute hosts for a resize")
		} else {
			var bdms map[string][]objects.BlockDeviceMapping
			if bdms, err = m.store.BlockDeviceMappings(ctx, []string{in.UUID}); err == nil {
				err = compute.PrepResize(ctx, sel.ServiceHost, computeapi.ResizeArgs{Instance: in, Migration: mig,
					NewFlavor: a.NewFlavor, OldFlavor: a.OldFlavor, CleanShutdown: a.CleanShutdown, BDMs: bdms[in.UUID]})
			}
		}
	}
	if err != nil {
		m.revertClaims(ctx, mc, in.UUID, a.Migration.UUID)
		m.failMove(ctx, in, a.Migration, fmt.Sprintf("%s of instance %s could not be sent to host %s: %s", moveName(a.Migration), in.UUID, sel.ServiceHost, fault.MessageOf(err)), err)
		return err
	}
	return nil
}

// moveName names a resize or a cold migration in faults.
func moveName(mig objects.Migration) string {
	if mig.MigrationType == objects.MigrationMigration {
		return "Migration"
	}
	return "Resize"
}

func (m *Manager) revertClaims(ctx context.Context, mc MoveClaims, instance, migration string) {
	if err := mc.RevertMove(context.WithoutCancel(ctx), instance, migration); err != nil {
		m.log.ErrorContext(ctx, "conductor: could not give the instance its claim back", "instance", instance, "migration", migration, "error", err)
	}
}

// failMove errors the migration and returns the instance to its vm_state
// with no task, its move flavors dropped, and a fault saying why.
func (m *Manager) failMove(ctx context.Context, in objects.Instance, mig objects.Migration, msg string, cause error) {
	ctx = context.WithoutCancel(ctx)
	st := objects.MigrationError
	if mig.ID > 0 {
		if _, err := m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &st}); err != nil {
			m.log.WarnContext(ctx, "conductor: cannot error a migration", "migration", mig.UUID, "error", err)
		}
	}
	none := ""
	if _, err := m.store.UpdateInstanceMove(ctx, in.UUID, store.MoveUpdate{ClearMoveFlavors: true,
		InstanceUpdate: store.InstanceUpdate{TaskState: &none, VMState: &in.VMState}}); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot reset a failed move's instance", "instance", in.UUID, "error", err)
	}
	details := ""
	if cause != nil {
		details = cause.Error()
	}
	if err := m.store.CreateFault(ctx, objects.Fault{InstanceUUID: in.UUID, Code: 500, Message: msg, Details: details}); err != nil {
		m.log.WarnContext(ctx, "conductor: cannot record fault", "instance", in.UUID, "error", err)
	}
}

func (m *Manager) migrationUpdate(ctx context.Context, a conductorapi.MigrationUpdate) (objects.Migration, error) {
	return m.store.UpdateMigration(ctx, a.ID, store.MigrationUpdate{Status: a.Status, DestCompute: a.DestCompute,
		DestNode: a.DestNode, DestHost: a.DestHost, ExpectedStatus: a.ExpectedStatus})
}

func (m *Manager) instanceMoveUpdate(ctx context.Context, a conductorapi.InstanceMoveUpdate) (objects.Instance, error) {
	u := a.Updates
	return m.store.UpdateInstanceMove(ctx, a.UUID, store.MoveUpdate{
		InstanceUpdate: store.InstanceUpdate{
			VMState: u.VMState, TaskState: u.TaskState, PowerState: u.PowerState, Host: u.Host, Node: u.Node,
			LaunchedAt: u.LaunchedAt, TerminatedAt: u.TerminatedAt, Progress: u.Progress, RootDeviceName: u.RootDeviceName,
			Cleaned: u.Cleaned, ExpectedTaskState: a.ExpectedTaskState, ExpectedVMState: a.ExpectedVMState,
		},
		Flavor: a.Flavor, OldFlavor: a.OldFlavor, NewFlavor: a.NewFlavor, ClearMoveFlavors: a.ClearMoveFlavors, ImageRef: a.ImageRef,
	})
}

func (m *Manager) moveClaims(ctx context.Context, a conductorapi.MoveClaims) (conductorapi.Empty, error) {
	mc, err := m.moves()
	if err != nil {
		return conductorapi.Empty{}, err
	}
	switch a.Op {
	case conductorapi.ClaimsConfirm:
		return conductorapi.Empty{}, mc.Release(ctx, a.MigrationUUID)
	case conductorapi.ClaimsRevert:
		return conductorapi.Empty{}, mc.RevertMove(ctx, a.InstanceUUID, a.MigrationUUID)
	case conductorapi.ClaimsReleaseInstance:
		return conductorapi.Empty{}, mc.Release(ctx, a.InstanceUUID)
	}
	return conductorapi.Empty{}, fault.New(fault.Invalid, "unknown move claims operation %q", a.Op)
}

// releaseMoves frees the claims the instance's unfinished migrations hold
// (a server deleted in VERIFY_RESIZE keeps its source's claim under the
// migration) and ends those migrations, as nova's confirm on delete.
func (m *Manager) releaseMoves(ctx context.Context, uuid string) {
	mc, err := m.moves()
	if err != nil {
		return
	}
	list, err := m.store.ListMigrations(ctx, store.MigrationFilter{InstanceUUID: uuid, InProgress: true, WithHidden: true})
	if err != nil {
		m.log.WarnContext(ctx, "conductor: cannot list the migrations of a deleted instance", "instance", uuid, "error", err)
		return
	}
	for _, mig := range list {
		if err := mc.Release(ctx, mig.UUID); err != nil {
			m.log.ErrorContext(ctx, "conductor: cannot release a migration's claim", "migration", mig.UUID, "error", err)
		}
		st := objects.MigrationError
		if mig.Status == objects.MigrationFinished {
			st = objects.MigrationConfirmed
		}
		if _, err := m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &st}); err != nil {
			m.log.WarnContext(ctx, "conductor: cannot end a deleted instance's migration", "migration", mig.UUID, "error", err)
		}
	}
}
