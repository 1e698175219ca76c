package manager

import (
	"context"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// Task states of a resize beyond objects' (nova's task_states).
const (
	TaskResizeMigrating  = "resize_migrating"
	TaskResizeMigrated   = "resize_migrated"
	TaskResizeFinish     = "resize_finish"
	TaskResizeReverting  = "resize_reverting"
	TaskResizeConfirming = "resize_confirming"
	// SysMetaOldVMState is the system metadata key keeping the vm_state a
	// resize started from (nova's old_vm_state), to return to it.
	SysMetaOldVMState = "old_vm_state"
)

// A resize, in nova's steps and on the hosts nova runs them on: the
// conductor schedules and casts prep_resize to the destination, which
// casts resize_instance to the source (the guest stops), which casts
// finish_resize to the destination (disks grown, guest redefined with
// the new flavor and started): VERIFY_RESIZE. confirm_resize (source)
// drops the revert point and the source's claim; revert_resize
// (destination) then finish_revert_resize (source) return the disk to the
// revert point and the guest and claims to the old flavor. Disks are on
// shared RBD storage, so nothing is copied; on a one-host cloud every
// step runs on the same host.

func virtFlavor(f objects.Flavor) virt.Flavor {
	return virt.Flavor{VCPUs: f.VCPUs, MemoryMiB: f.MemoryMB, RootGB: f.RootGB, EphemeralGB: f.EphemeralGB, SwapMiB: f.Swap}
}

// specWithFlavor is the instance's spec with flavor f and NICs nics;
// image properties come from the instance's system metadata.
func specWithFlavor(inst objects.Instance, f objects.Flavor, nics []virt.Interface) virt.InstanceSpec {
	inst.Flavor = f
	img := objects.ImageMeta{ID: inst.ImageRef}
	spec := InstanceSpec(&inst, &img)
	spec.Interfaces = nics
	spec.BootFromVolume = inst.ImageRef == "" // its root volume stays as it is
	return spec
}

// oldVMState is the vm_state the resize started from.
func oldVMState(inst objects.Instance) string {
	if s := inst.SystemMetadata[SysMetaOldVMState]; s == objects.VMStopped {
		return s
	}
	return objects.VMActive
}

// movedFrom reports whether a move's other host (its source, or its
// destination for a revert) is another host than here.
func movedFrom(other, here string) bool { return other != "" && other != here }

func (m *Manager) resizer() (virt.Resizer, error) {
	rs, ok := m.driver.(virt.Resizer)
	if !ok {
		return nil, fault.New(fault.Invalid, "The hypervisor of host %s cannot resize instances.", m.cfg.Host)
	}
	return rs, nil
}

func (m *Manager) moveCompute() (MoveCompute, error) {
	if m.life.compute == nil {
		return nil, fault.New(fault.Unavailable, "nova-compute on %s cannot reach other compute hosts.", m.cfg.Host)
	}
	return m.life.compute, nil
}

// prepResize serves prep_resize on the destination: the scheduler has
// claimed the new flavor here; the source is told to stop the guest.
func (m *Manager) prepResize(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	ev := m.startEvent(ctx, a.Instance.UUID, computeapi.MethodPrepResize)
	err := m.prep(ctx, a)
	ev.finish(err)
	if err != nil {
		m.failResize(ctx, a, err)
	}
	return Empty{}, nil
}

func (m *Manager) prep(ctx context.Context, a computeapi.ResizeArgs) error {
	if _, err := m.resizer(); err != nil {
		return err
	}
	mc, err := m.moveCompute()
	if err != nil {
		return err
	}
	source := a.Migration.SourceCompute
	if source == "" {
		source = a.Instance.Host
	}
	return mc.ResizeInstance(ctx, source, a)
}

// resizeInstance serves resize_instance on the source: nova's
// _resize_instance (migrate_disk_and_power_off).
func (m *Manager) resizeInstance(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodResizeInstance)
	err := m.resizeSource(ctx, a)
	ev.finish(err)
	if err != nil {
		m.failResize(ctx, a, err)
	}
	return Empty{}, nil
}

func (m *Manager) resizeSource(ctx context.Context, a computeapi.ResizeArgs) error {
	uuid := a.Instance.UUID
	rs, err := m.resizer()
	if err != nil {
		return err
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskResizeMigrating)}, objects.TaskResizePrep); err != nil {
		return err
	}
	m.setMigration(ctx, a.Migration, objects.MigrationMigrating)
	timeout := time.Duration(0)
	if a.CleanShutdown {
		timeout = m.cfg.ShutdownTimeout
	}
	if err := rs.MigrateDiskAndPowerOff(ctx, uuid, virtFlavor(a.NewFlavor), timeout); err != nil {
		return err
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskResizeMigrated), PowerState: ptr(objects.PowerShutdown)}, TaskResizeMigrating); err != nil {
		return err
	}
	m.setMigration(ctx, a.Migration, objects.MigrationPostMigrating)
	mc, err := m.moveCompute()
	if err != nil {
		return err
	}
	dest := a.Migration.DestCompute
	if dest == "" {
		dest = m.cfg.Host
	}
	return mc.FinishResize(ctx, dest, a)
}

// finishResize serves finish_resize on the destination: the instance
// takes the new flavor and host, its disks grow and the guest is
// redefined and (if it was running) started. VERIFY_RESIZE follows.
func (m *Manager) finishResize(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodFinishResize)
	err := m.finish(ctx, a)
	ev.finish(err)
	if err != nil {
		m.failResize(ctx, a, err)
	}
	return Empty{}, nil
}

func (m *Manager) finish(ctx context.Context, a computeapi.ResizeArgs) error {
	uuid := a.Instance.UUID
	rs, err := m.resizer()
	if err != nil {
		return err
	}
	node := a.Migration.DestNode
	if node == "" {
		node = a.Instance.Node
	}
	_, err = m.moveUpdate(ctx, conductorapi.InstanceMoveUpdate{
		InstanceUpdate: conductorapi.InstanceUpdate{UUID: uuid, ExpectedTaskState: []string{TaskResizeMigrated},
			Updates: conductorapi.Updates{TaskState: ptr(TaskResizeFinish), Host: ptr(m.cfg.Host), Node: &node}},
		Flavor: &a.NewFlavor,
	})
	if err != nil {
		return err
	}
	powerOn := oldVMState(a.Instance) != objects.VMStopped
	// The ports follow the guest: a resize may finish on another host.
	nics, err := m.bindNetworksHere(ctx, &a.Instance)
	if err != nil {
		return err
	}
	spec := specWithFlavor(a.Instance, a.NewFlavor, nics)
	moved := movedFrom(a.Migration.SourceCompute, m.cfg.Host)
	if moved { // no definition here: the volumes come from the mappings
		spec.Volumes = volumeSpecs(a.BDMs)
	}
	if err := rs.FinishMigration(ctx, spec, powerOn); err != nil {
		// Back to the revert point and the old definition before the
		// instance returns to its old flavor (failResize).
		dctx, cancel := detached(ctx)
		if rerr := rs.FinishRevertMigration(dctx, specWithFlavor(a.Instance, a.OldFlavor, nics), powerOn); rerr != nil {
			m.log.ErrorContext(ctx, "compute: could not undo a failed resize on the hypervisor", "instance", uuid, "error", rerr)
		}
		cancel()
		return err
	}
	if moved {
		m.moveAttachmentsHere(ctx, a.Instance, a.BDMs)
	}
	m.setMigration(ctx, a.Migration, objects.MigrationFinished)
	power, perr := m.powerState(ctx, uuid)
	if perr != nil {
		power = objects.PowerNoState
	}
	_, err = m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMResized), TaskState: ptr(objects.TaskNone), PowerState: ptr(power)}, TaskResizeFinish)
	if err == nil {
		m.log.InfoContext(ctx, "compute: instance resized", "instance", uuid, "flavor", a.NewFlavor.Name, "migration", a.Migration.UUID)
	}
	return err
}

// failResize ends a resize that failed before VERIFY_RESIZE as nova's
// InstanceFaultRollback: the instance back on its old flavor and host in
// the vm_state it started from (the guest started again if it ran), the
// new claim dropped and the old one given back, the migration in error
// and a fault saying why.
func (m *Manager) failResize(ctx context.Context, a computeapi.ResizeArgs, cause error) {
	uuid := a.Instance.UUID
	m.log.WarnContext(ctx, "compute: resize failed; rolling back", "instance", uuid, "migration", a.Migration.UUID, "error", cause)
	dctx, cancel := detached(ctx)
	defer cancel()
	old := oldVMState(a.Instance)
	power := objects.PowerNoState
	if movedFrom(a.Migration.SourceCompute, m.cfg.Host) {
		// This is the destination: what was defined here goes (the disks
		// stay); the guest's definition is on the source, stopped if the
		// move got that far.
		if err := m.driver.Destroy(dctx, uuid, virt.DestroyOptions{KeepDisks: true}); err != nil {
			m.log.ErrorContext(ctx, "compute: could not undefine the guest of a failed move here", "instance", uuid, "error", err)
		}
		power = objects.PowerShutdown
	} else if p, err := m.powerState(dctx, uuid); err == nil {
		power = p
	}
	if old == objects.VMActive && power != objects.PowerRunning && power != objects.PowerNoState {
		if err := m.driver.PowerOn(dctx, uuid); err != nil {
			m.log.ErrorContext(ctx, "compute: could not start the guest again after a failed resize", "instance", uuid, "error", err)
		}
		if p, err := m.powerState(dctx, uuid); err == nil {
			power = p
		}
	}
	m.claims(ctx, conductorapi.ClaimsRevert, uuid, a.Migration.UUID)
	m.setMigration(ctx, a.Migration, objects.MigrationError)
	host, node := a.Migration.SourceCompute, a.Migration.SourceNode
	if host == "" {
		host, node = a.Instance.Host, a.Instance.Node
	}
	if _, err := m.moveUpdate(dctx, conductorapi.InstanceMoveUpdate{
		InstanceUpdate: conductorapi.InstanceUpdate{UUID: uuid, Updates: conductorapi.Updates{
			VMState: &old, TaskState: ptr(objects.TaskNone), PowerState: &power, Host: &host, Node: &node}},
		Flavor: &a.OldFlavor, ClearMoveFlavors: true,
	}); err != nil && !deletedMeanwhile(err) {
		m.log.ErrorContext(ctx, "compute: could not return the instance to its old flavor", "instance", uuid, "error", err)
	}
	if !deletedMeanwhile(cause) {
		m.recordFault(ctx, uuid, cause)
	}
}

// confirmResize serves confirm_resize on the source: the revert point and
// the source's claim go; the instance keeps its new flavor.
func (m *Manager) confirmResize(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodConfirmResize)
	err := m.confirm(ctx, a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: confirming a resize failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		m.setMigration(ctx, a.Migration, objects.MigrationError)
		dctx, cancel := detached(ctx)
		if _, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone)}); uerr != nil && !deletedMeanwhile(uerr) {
			m.log.ErrorContext(ctx, "compute: could not put the instance in ERROR", "instance", uuid, "error", uerr)
		}
		cancel()
	}
	return Empty{}, nil
}

func (m *Manager) confirm(ctx context.Context, a computeapi.ResizeArgs) error {
	uuid := a.Instance.UUID
	rs, err := m.resizer()
	if err != nil {
		return err
	}
	if movedFrom(a.Migration.DestCompute, m.cfg.Host) {
		// The guest runs on the destination now: its old definition here
		// goes, its shared disks stay (nova's _cleanup_resize).
		if err := m.driver.Destroy(ctx, uuid, virt.DestroyOptions{KeepDisks: true}); err != nil {
			return err
		}
	}
	if err := rs.ConfirmMigration(ctx, uuid); err != nil {
		return err
	}
	m.claims(ctx, conductorapi.ClaimsConfirm, uuid, a.Migration.UUID)
	m.setMigration(ctx, a.Migration, objects.MigrationConfirmed)
	power, perr := m.powerState(ctx, uuid)
	if perr != nil {
		power = objects.PowerNoState
	}
	vm := objects.VMActive
	if power == objects.PowerShutdown {
		vm = objects.VMStopped
	}
	_, err = m.moveUpdate(ctx, conductorapi.InstanceMoveUpdate{
		InstanceUpdate: conductorapi.InstanceUpdate{UUID: uuid, ExpectedVMState: []string{objects.VMResized},
			Updates: conductorapi.Updates{VMState: &vm, TaskState: ptr(objects.TaskNone), PowerState: &power}},
		ClearMoveFlavors: true,
	})
	if err == nil {
		m.log.InfoContext(ctx, "compute: resize confirmed", "instance", uuid, "migration", a.Migration.UUID)
	}
	return err
}

// revertResize serves revert_resize on the destination: a guest defined
// on another host than the source is undefined there (the disks are
// shared and stay); the source finishes the revert.
func (m *Manager) revertResize(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	ev := m.startEvent(ctx, uuid, computeapi.MethodRevertResize)
	err := func() error {
		source := a.Migration.SourceCompute
		if source == "" {
			source = m.cfg.Host
		}
		if source != m.cfg.Host {
			if err := m.driver.Destroy(ctx, uuid, virt.DestroyOptions{KeepDisks: true}); err != nil {
				return err
			}
		}
		mc, err := m.moveCompute()
		if err != nil {
			return err
		}
		return mc.FinishRevertResize(ctx, source, a)
	}()
	ev.finish(err)
	if err != nil {
		m.failRevert(ctx, a, err)
	}
	return Empty{}, nil
}

// finishRevertResize serves finish_revert_resize on the source: the disk
// returns to its revert point, the guest to the old flavor, the instance
// to its old flavor, host and vm_state, and the claims to the old ones.
func (m *Manager) finishRevertResize(ctx context.Context, a computeapi.ResizeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodFinishRevertResize)
	err := m.finishRevert(ctx, a)
	ev.finish(err)
	if err != nil {
		m.failRevert(ctx, a, err)
	}
	return Empty{}, nil
}

func (m *Manager) finishRevert(ctx context.Context, a computeapi.ResizeArgs) error {
	uuid := a.Instance.UUID
	rs, err := m.resizer()
	if err != nil {
		return err
	}
	old := oldVMState(a.Instance)
	// The ports come back with the guest (the resize may have run on
	// another host).
	nics, err := m.bindNetworksHere(ctx, &a.Instance)
	if err != nil {
		return err
	}
	if err := rs.FinishRevertMigration(ctx, specWithFlavor(a.Instance, a.OldFlavor, nics), old != objects.VMStopped); err != nil {
		return err
	}
	if movedFrom(a.Migration.DestCompute, m.cfg.Host) {
		m.moveAttachmentsHere(ctx, a.Instance, a.BDMs)
	}
	m.claims(ctx, conductorapi.ClaimsRevert, uuid, a.Migration.UUID)
	m.setMigration(ctx, a.Migration, objects.MigrationReverted)
	power, perr := m.powerState(ctx, uuid)
	if perr != nil {
		power = objects.PowerNoState
	}
	host, node := a.Migration.SourceCompute, a.Migration.SourceNode
	if host == "" {
		host, node = m.cfg.Host, a.Instance.Node
	}
	_, err = m.moveUpdate(ctx, conductorapi.InstanceMoveUpdate{
		InstanceUpdate: conductorapi.InstanceUpdate{UUID: uuid, ExpectedTaskState: []string{TaskResizeReverting},
			Updates: conductorapi.Updates{VMState: &old, TaskState: ptr(objects.TaskNone), PowerState: &power, Host: &host, Node: &node}},
		Flavor: &a.OldFlavor, ClearMoveFlavors: true,
	})
	if err == nil {
		m.log.InfoContext(ctx, "compute: resize reverted", "instance", uuid, "flavor", a.OldFlavor.Name, "migration", a.Migration.UUID)
	}
	return err
}

// failRevert leaves a revert that failed in ERROR with a fault, as nova.
func (m *Manager) failRevert(ctx context.Context, a computeapi.ResizeArgs, cause error) {
	uuid := a.Instance.UUID
	m.log.WarnContext(ctx, "compute: reverting a resize failed", "instance", uuid, "error", cause)
	m.recordFault(ctx, uuid, cause)
	m.setMigration(ctx, a.Migration, objects.MigrationError)
	dctx, cancel := detached(ctx)
	defer cancel()
	if _, err := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone)}); err != nil && !deletedMeanwhile(err) {
		m.log.ErrorContext(ctx, "compute: could not put the instance in ERROR", "instance", uuid, "error", err)
	}
}
