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

// buildAndRunInstance serves build_and_run_instance (a cast): nova's
// _do_build_and_run_instance. The outcome is reported through the
// conductor; the cast itself never fails back to its sender.
func (m *Manager) buildAndRunInstance(ctx context.Context, a computeapi.BuildAndRunInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, buildTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodBuildAndRunInstance)
	err := m.build(ctx, &a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: build failed", "instance", uuid, "error", err)
	}
	return Empty{}, nil
}

// build runs one build. A non-nil error has been handled (ERROR state,
// fault, cleanup) and is returned for the action event.
func (m *Manager) build(ctx context.Context, a *computeapi.BuildAndRunInstanceArgs) error {
	inst := &a.Instance
	uuid := inst.UUID
	node := a.Node
	if node == "" {
		node = inst.Node
	}
	// building/spawning on this host; a delete that came first wins.
	// Expecting vm_state building too: a build message redelivered after a
	// crash finds the instance already in ERROR (InitHost) and stops here.
	_, err := m.conductor.InstanceUpdate(ctx, conductorapi.InstanceUpdate{UUID: uuid,
		Updates: conductorapi.Updates{
			VMState: ptr(objects.VMBuilding), TaskState: ptr(objects.TaskSpawning),
			Host: ptr(m.cfg.Host), Node: ptr(node),
		},
		ExpectedTaskState: []string{objects.TaskScheduling, objects.TaskNone, objects.TaskBlockDeviceMapping, objects.TaskNetworking},
		ExpectedVMState:   []string{objects.VMBuilding},
	})
	switch {
	case deletedMeanwhile(err):
		m.log.InfoContext(ctx, "compute: instance deleted before its build started", "instance", uuid)
		m.releaseClaims(ctx, uuid)
		return nil
	case fault.KindOf(err) == fault.Conflict:
		// Another task (a delete) owns the instance now; it cleans up.
		m.log.InfoContext(ctx, "compute: instance changed before its build started; not building", "instance", uuid, "error", err)
		return nil
	case err != nil:
		m.failBuild(ctx, uuid, err)
		return err
	}

	spec := InstanceSpec(inst, &a.Image)
	spec.Image.Fetch = m.fetch
	cdDone, err := m.prepareConfigDrive(ctx, inst, &spec)
	if err != nil {
		m.failBuild(ctx, uuid, err)
		return err
	}
	defer cdDone()
	if spec.Interfaces, err = m.allocateNetworks(ctx, inst); err != nil {
		m.failBuild(ctx, uuid, err)
		return err
	}
	vols, err := m.prepareVolumes(ctx, inst, a.BlockDeviceMapping, &spec)
	if err != nil {
		m.failBuild(ctx, uuid, err)
		return err
	}
	if err := m.driver.Spawn(ctx, spec); err != nil {
		defer vols.undo(ctx)
		m.deallocateNetworks(ctx, inst)
		m.failBuild(ctx, uuid, err)
		return err
	}
	if err := vols.complete(ctx); err != nil {
		m.failBuild(ctx, uuid, err)
		vols.undo(ctx)
		return err
	}
	power, err := m.powerState(ctx, uuid)
	if err != nil {
		power = objects.PowerNoState
	}
	launched := m.now().UTC()
	done := conductorapi.Updates{
		VMState: ptr(objects.VMActive), TaskState: ptr(objects.TaskNone), PowerState: ptr(power),
		LaunchedAt: &launched, Progress: ptr(100),
	}
	if inst.RootDeviceName == "" {
		done.RootDeviceName = ptr(rootDeviceName(spec.Image.Properties.DiskBus))
	}
	_, err = m.update(ctx, uuid, done, objects.TaskSpawning)
	switch {
	case err == nil:
		m.log.InfoContext(ctx, "compute: instance built", "instance", uuid, "domain", spec.Name)
		return nil
	case deletedMeanwhile(err) || fault.KindOf(err) == fault.Conflict:
		// Deleted while it spawned (nova: "Instance disappeared during
		// build"): remove what was built. A terminate that follows finds
		// nothing, which is fine.
		m.log.InfoContext(ctx, "compute: instance deleted during its build; destroying the guest", "instance", uuid)
		m.destroyQuietly(ctx, uuid, virt.DestroyOptions{})
		m.deallocateNetworks(ctx, inst)
		vols.undo(ctx)
		if deletedMeanwhile(err) {
			m.releaseClaims(ctx, uuid)
		}
		return nil
	default:
		m.deallocateNetworks(ctx, inst)
		m.failBuild(ctx, uuid, err)
		return err
	}
}

// failBuild ends a failed build as nova does: guest and disks destroyed,
// the instance in ERROR with no task and no host, a fault saying why, and
// the resources claimed for it released.
func (m *Manager) failBuild(ctx context.Context, uuid string, cause error) {
	m.destroyQuietly(ctx, uuid, virt.DestroyOptions{})
	m.recordFault(ctx, uuid, cause)
	dctx, cancel := detached(ctx)
	defer cancel()
	if _, err := m.update(dctx, uuid, conductorapi.Updates{
		VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone), PowerState: ptr(objects.PowerNoState),
		Host: ptr(""), Node: ptr(""),
	}); err != nil && !deletedMeanwhile(err) {
		m.log.ErrorContext(ctx, "compute: could not put a failed build in ERROR", "instance", uuid, "error", err)
	}
	m.releaseClaims(ctx, uuid)
}

// Retries of a destroy whose disk is still busy: a killed nova-compute's
// librbd watch on the disk lasts until the OSDs time it out (30 s by
// default), and the disk cannot be removed before.
const (
	destroyRetryInterval = 5 * time.Second
	destroyRetryFor      = 3 * time.Minute
)

// destroyQuietly destroys a guest (and its disks unless opts say not),
// logging a failure. A disk still in use (fault.Conflict) is retried in
// the background for a few minutes.
func (m *Manager) destroyQuietly(ctx context.Context, uuid string, opts virt.DestroyOptions) {
	dctx, cancel := detached(ctx)
	defer cancel()
	err := m.driver.Destroy(dctx, uuid, opts)
	if err == nil {
		return
	}
	if fault.KindOf(err) != fault.Conflict {
		m.log.ErrorContext(ctx, "compute: could not destroy a guest; it is left for the next start of nova-compute", "instance", uuid, "error", err)
		return
	}
	m.log.WarnContext(ctx, "compute: a disk of the guest is still in use; retrying its removal", "instance", uuid, "error", err)
	go func() {
		deadline := m.now().Add(destroyRetryFor)
		for m.now().Before(deadline) {
			time.Sleep(destroyRetryInterval)
			rctx, cancel := detached(ctx)
			err := m.driver.Destroy(rctx, uuid, opts)
			cancel()
			if err == nil {
				m.log.InfoContext(ctx, "compute: guest and disks removed after a retry", "instance", uuid)
				return
			}
			if fault.KindOf(err) != fault.Conflict {
				m.log.ErrorContext(ctx, "compute: could not destroy a guest", "instance", uuid, "error", err)
				return
			}
		}
		m.log.ErrorContext(ctx, "compute: a disk stayed in use; it is left for the next start of nova-compute", "instance", uuid)
	}()
}

// releaseClaims has the conductor free the instance's claim.
func (m *Manager) releaseClaims(ctx context.Context, uuid string) {
	dctx, cancel := detached(ctx)
	defer cancel()
	if err := m.conductor.ReleaseClaims(dctx, uuid); err != nil {
		m.log.ErrorContext(ctx, "compute: could not release the resources claimed for an instance", "instance", uuid, "error", err)
	}
}

// rootDeviceName is the guest's first disk on bus (the image's
// hw_disk_bus, virtio when unset), which nova records as the instance's
// root_device_name when it builds it (OS-EXT-SRV-ATTR:root_device_name).
func rootDeviceName(bus string) string {
	switch bus {
	case "scsi", "sata", "usb":
		return "/dev/sda"
	case "ide":
		return "/dev/hda"
	}
	return "/dev/vda"
}
