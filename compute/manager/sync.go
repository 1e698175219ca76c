package manager

import (
	"context"
	"fmt"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
)

// SyncDecision is what the power-state sync does to one instance.
type SyncDecision struct {
	// PowerState is the power state to record (the hypervisor's).
	PowerState int
	// UpdatePower says the database's power state differs.
	UpdatePower bool
	// Stop says the instance must end STOPPED (the guest stopped, crashed
	// or was suspended by itself); ForceOff that the guest must be powered
	// off first (it runs while the database says stopped).
	Stop     bool
	ForceOff bool
}

// DecideSync applies nova's _sync_instance_power_state to an instance and
// the hypervisor's power state of its guest (NOSTATE when missing). An
// instance with a task in progress is left alone: the task owns it.
func DecideSync(inst *objects.Instance, vmPower int) SyncDecision {
	d := SyncDecision{PowerState: vmPower}
	if inst.TaskState != objects.TaskNone {
		return SyncDecision{PowerState: inst.PowerState}
	}
	d.UpdatePower = inst.PowerState != vmPower
	switch inst.VMState {
	case objects.VMActive:
		switch vmPower {
		case objects.PowerShutdown, objects.PowerCrashed, objects.PowerSuspended:
			d.Stop = true
		}
	case objects.VMStopped:
		switch vmPower {
		case objects.PowerNoState, objects.PowerShutdown, objects.PowerCrashed:
		default:
			d.Stop, d.ForceOff = true, true
		}
	case objects.VMPaused:
		switch vmPower {
		case objects.PowerShutdown, objects.PowerCrashed:
			d.Stop, d.ForceOff = true, true
		}
	}
	return d
}

// SyncPowerStates compares every instance of the host with its guest and
// corrects the database (nova's _sync_power_states).
func (m *Manager) SyncPowerStates(ctx context.Context) error {
	insts, err := m.conductor.InstancesOnHost(ctx, conductorapi.InstancesOnHost{Host: m.cfg.Host})
	if err != nil {
		return fmt.Errorf("list the host's instances: %w", err)
	}
	guests, err := m.driver.ListInstances(ctx)
	if err != nil {
		return fmt.Errorf("list the host's guests: %w", err)
	}
	byUUID := make(map[string]virt.InstanceInfo, len(guests))
	for _, g := range guests {
		byUUID[g.UUID] = g
	}
	for i := range insts {
		m.syncOne(ctx, &insts[i], byUUID)
	}
	return nil
}

func (m *Manager) syncOne(ctx context.Context, inst *objects.Instance, guests map[string]virt.InstanceInfo) {
	unlock := m.locks.lock(inst.UUID)
	defer unlock()
	power := objects.PowerNoState
	if g, ok := guests[inst.UUID]; ok {
		power = int(g.State)
	}
	d := DecideSync(inst, power)
	if !d.UpdatePower && !d.Stop {
		return
	}
	if d.ForceOff {
		if err := m.driver.PowerOff(ctx, inst.UUID, 0); err != nil {
			m.log.WarnContext(ctx, "compute: power sync could not stop a guest", "instance", inst.UUID, "error", err)
			return
		}
		if p, err := m.powerState(ctx, inst.UUID); err == nil {
			d.PowerState = p
		}
	}
	u := conductorapi.Updates{PowerState: ptr(d.PowerState)}
	if d.Stop {
		u.VMState = ptr(objects.VMStopped)
	}
	_, err := m.conductor.InstanceUpdate(ctx, conductorapi.InstanceUpdate{UUID: inst.UUID, Updates: u,
		ExpectedTaskState: []string{objects.TaskNone}, ExpectedVMState: []string{inst.VMState}})
	if err != nil {
		m.log.InfoContext(ctx, "compute: power sync skipped an instance that changed meanwhile", "instance", inst.UUID, "error", err)
		return
	}
	m.log.InfoContext(ctx, "compute: power state synced", "instance", inst.UUID, "vm_state", inst.VMState,
		"db_power_state", objects.PowerStateName(inst.PowerState), "vm_power_state", objects.PowerStateName(d.PowerState), "stopped", d.Stop)
}
