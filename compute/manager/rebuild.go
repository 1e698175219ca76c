package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// Task states of a rebuild beyond objects' (nova's task_states).
const (
	TaskRebuildBlockDeviceMapping = "rebuild_block_device_mapping"
	TaskRebuildSpawning           = "rebuild_spawning"
)

// rebuildInstance serves rebuild_instance: nova's rebuild_instance on the
// same host. task_state rebuilding -> rebuild_block_device_mapping ->
// rebuild_spawning -> None; the root disk is made anew from the new image
// (the API has already recorded it as the instance's image), volumes stay
// attached. A volume-backed instance keeps its root volume, which Cinder
// reimages first when the rebuild asks for it (2.93, rebuild_volume.go).
// A failure puts the instance in ERROR with a fault, as nova.
func (m *Manager) rebuildInstance(ctx context.Context, a computeapi.RebuildInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, buildTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodRebuildInstance)
	err := m.rebuild(ctx, a)
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: rebuild failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		dctx, cancel := detached(ctx)
		power, _ := m.powerState(dctx, uuid)
		// Only a rebuild still under way goes to ERROR: a server deleted
		// meanwhile (task deleting) is left to the delete.
		if _, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone), PowerState: ptr(power)},
			objects.TaskRebuilding, TaskRebuildBlockDeviceMapping, TaskRebuildSpawning); uerr != nil {
			m.log.WarnContext(ctx, "compute: did not put the instance in ERROR", "instance", uuid, "error", uerr)
		}
		cancel()
	}
	return Empty{}, nil
}

func (m *Manager) rebuild(ctx context.Context, a computeapi.RebuildInstanceArgs) error {
	inst := a.Instance
	uuid := inst.UUID
	rb, ok := m.driver.(virt.Rebuilder)
	if !ok {
		return fault.New(fault.Invalid, "The hypervisor of host %s cannot rebuild instances.", m.cfg.Host)
	}
	// A volume-backed instance's image is its root volume's: image_ref
	// stays empty, as nova's.
	volumeBacked := inst.ImageRef == ""
	var root objects.BlockDeviceMapping
	if volumeBacked && a.ReimageBootVolume {
		// Still rebuilding: a redelivery after the rebuild must not
		// reimage the volume again.
		if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(objects.TaskRebuilding)}, objects.TaskRebuilding); err != nil {
			if fault.KindOf(err) == fault.Conflict {
				m.log.InfoContext(ctx, "compute: rebuild skipped: the instance is no longer waiting for it", "instance", uuid, "error", err)
				return nil
			}
			return err
		}
		var err error
		if root, err = m.reimageRootVolume(ctx, a); err != nil { // rebuild_volume.go
			return err
		}
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskRebuildBlockDeviceMapping)}, objects.TaskRebuilding); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			m.log.InfoContext(ctx, "compute: rebuild skipped: the instance is no longer waiting for it", "instance", uuid, "error", err)
			return nil
		}
		return err
	}
	if volumeBacked && a.ReimageBootVolume {
		if err := m.connectRootVolume(ctx, uuid, root); err != nil {
			return err
		}
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskRebuildSpawning)}, TaskRebuildBlockDeviceMapping); err != nil {
		return err
	}
	if !volumeBacked {
		inst.ImageRef = a.Image.ID
	}
	spec := InstanceSpec(&inst, &a.Image)
	spec.BootFromVolume = volumeBacked
	spec.Image.Fetch = m.fetch
	var err error
	if spec.Interfaces, err = m.instanceInterfaces(ctx, &inst); err != nil {
		return err
	}
	if err := rb.Rebuild(ctx, spec, a.PreserveEphemeral); err != nil {
		return err
	}
	vm := objects.VMActive
	if a.Instance.VMState == objects.VMStopped {
		// A stopped server stays stopped, as nova's rebuild.
		if err := m.driver.PowerOff(ctx, uuid, 0); err != nil {
			return err
		}
		vm = objects.VMStopped
	}
	power, err := m.powerState(ctx, uuid)
	if err != nil {
		power = objects.PowerNoState
	}
	launched := m.now().UTC()
	_, err = m.update(ctx, uuid, conductorapi.Updates{VMState: &vm, TaskState: ptr(objects.TaskNone),
		PowerState: ptr(power), LaunchedAt: &launched}, TaskRebuildSpawning)
	if err == nil {
		m.log.InfoContext(ctx, "compute: instance rebuilt", "instance", uuid, "image", a.Image.ID)
	}
	return err
}
