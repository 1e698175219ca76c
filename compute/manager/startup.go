package manager

import (
	"context"
	"fmt"
	"strings"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// InitHost reconciles the host with the database when nova-compute starts
// (nova's init_host): guests whose instance was deleted while the service
// was down are destroyed with their disks; guests of instances now on
// another host (evacuated) are undefined but their shared RBD disks kept;
// each instance of the host left mid-task by a crash is settled.
func (m *Manager) InitHost(ctx context.Context) error {
	insts, err := m.conductor.InstancesOnHost(ctx, conductorapi.InstancesOnHost{Host: m.cfg.Host})
	if err != nil {
		return fmt.Errorf("list the host's instances: %w", err)
	}
	guests, err := m.driver.ListInstances(ctx)
	if err != nil {
		return fmt.Errorf("list the host's guests: %w", err)
	}
	live := make(map[string]bool, len(insts))
	for _, i := range insts {
		live[i.UUID] = true
	}
	guestOf := make(map[string]virt.InstanceInfo, len(guests))
	for _, g := range guests {
		guestOf[g.UUID] = g
		if !live[g.UUID] {
			m.cleanupForeignGuest(ctx, g)
		}
	}
	for i := range insts {
		m.initInstance(ctx, &insts[i], guestOf)
	}
	return nil
}

// cleanupForeignGuest handles a guest whose instance is not a live
// instance of this host (nova's _destroy_evacuated_instances and
// _cleanup_running_deleted_instances). As upstream, only guests of
// instances the database knows are touched: a domain it has never heard
// of (another tool's, another deployment's sharing this libvirtd) is left
// alone.
func (m *Manager) cleanupForeignGuest(ctx context.Context, g virt.InstanceInfo) {
	got, err := m.conductor.InstanceGet(ctx, conductorapi.InstanceGet{UUIDs: []string{g.UUID}, ReadDeleted: true})
	if err != nil {
		m.log.WarnContext(ctx, "compute: cannot tell whether a guest is stale; leaving it", "instance", g.UUID, "error", err)
		return
	}
	if len(got) == 0 {
		m.log.InfoContext(ctx, "compute: leaving a guest no instance of this deployment knows", "instance", g.UUID, "domain", g.Name)
		return
	}
	inst := got[0]
	switch {
	case inst.Deleted() && (inst.Host == m.cfg.Host || inst.Host == ""):
		m.log.InfoContext(ctx, "compute: destroying the guest of an instance deleted while nova-compute was down", "instance", g.UUID, "domain", g.Name)
		m.destroyQuietly(ctx, g.UUID, virt.DestroyOptions{})
	case !inst.Deleted() && inst.Host != "" && inst.Host != m.cfg.Host && !midResize(inst):
		// Evacuated: its shared RBD disks are in use on the new host.
		m.log.InfoContext(ctx, "compute: undefining the guest of an instance now on another host", "instance", g.UUID, "host", inst.Host)
		m.destroyQuietly(ctx, g.UUID, virt.DestroyOptions{KeepDisks: true})
	}
}

// midResize reports whether an instance is being resized or cold-migrated
// (or waits in VERIFY_RESIZE): its source host keeps the guest's
// definition for a revert until the move is confirmed.
func midResize(inst objects.Instance) bool {
	return inst.VMState == objects.VMResized || strings.HasPrefix(inst.TaskState, "resize_")
}

// initInstance settles one instance of the host at start (nova's
// _init_instance).
func (m *Manager) initInstance(ctx context.Context, inst *objects.Instance, guests map[string]virt.InstanceInfo) {
	uuid := inst.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	switch {
	case inst.TaskState == objects.TaskDeleting:
		m.log.InfoContext(ctx, "compute: completing a delete interrupted by a restart", "instance", uuid)
		if err := m.driver.Destroy(ctx, uuid, virt.DestroyOptions{}); err != nil {
			m.log.ErrorContext(ctx, "compute: could not destroy an instance being deleted", "instance", uuid, "error", err)
			return
		}
		m.instanceDestroy(ctx, uuid)
	case inst.VMState == objects.VMBuilding:
		m.log.InfoContext(ctx, "compute: a build was interrupted by a restart; the instance goes to ERROR", "instance", uuid, "task_state", inst.TaskState)
		m.failBuild(ctx, uuid, fault.New(fault.Internal,
			"Build of instance %s was interrupted: nova-compute on %s stopped during the build.", uuid, m.cfg.Host))
	case inst.TaskState != objects.TaskNone:
		m.settleTask(ctx, inst, guests)
	}
}

// settleTask ends a power task a crash interrupted: the instance takes the
// vm_state its guest is actually in, and no task.
func (m *Manager) settleTask(ctx context.Context, inst *objects.Instance, guests map[string]virt.InstanceInfo) {
	power := objects.PowerNoState
	g, ok := guests[inst.UUID]
	if ok {
		power = int(g.State)
	}
	vm := inst.VMState
	switch power {
	case objects.PowerRunning:
		vm = objects.VMActive
	case objects.PowerPaused:
		vm = objects.VMPaused
	case objects.PowerShutdown, objects.PowerCrashed:
		vm = objects.VMStopped
		if ok && g.Saved {
			vm = objects.VMSuspended
		}
	case objects.PowerSuspended:
		vm = objects.VMSuspended
	}
	m.log.InfoContext(ctx, "compute: clearing a task interrupted by a restart", "instance", inst.UUID,
		"task_state", inst.TaskState, "vm_state", vm, "power_state", objects.PowerStateName(power))
	if _, err := m.conductor.InstanceUpdate(ctx, conductorapi.InstanceUpdate{UUID: inst.UUID,
		Updates:           conductorapi.Updates{VMState: ptr(vm), TaskState: ptr(objects.TaskNone), PowerState: ptr(power)},
		ExpectedTaskState: []string{inst.TaskState}}); err != nil {
		m.log.WarnContext(ctx, "compute: could not clear an interrupted task", "instance", inst.UUID, "error", err)
	}
}
