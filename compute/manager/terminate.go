package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// terminateInstance serves terminate_instance (a cast): destroy the guest
// and its disks, then have the conductor mark the instance deleted and
// free its claim.
func (m *Manager) terminateInstance(ctx context.Context, a computeapi.TerminateInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodTerminateInstance)
	if err := m.driver.Destroy(ctx, uuid, virt.DestroyOptions{}); err != nil {
		m.log.ErrorContext(ctx, "compute: could not destroy an instance being deleted", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		dctx, cancel := detached(ctx)
		_, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone)})
		cancel()
		if uerr != nil && !deletedMeanwhile(uerr) {
			m.log.ErrorContext(ctx, "compute: could not put the instance in ERROR", "instance", uuid, "error", uerr)
		}
		ev.finish(err)
		return Empty{}, nil
	}
	ev.finish(nil)
	m.deallocateNetworks(ctx, &a.Instance)
	m.cleanupVolumes(ctx, uuid, a.BDMs)
	m.instanceDestroy(ctx, uuid)
	return Empty{}, nil
}

// instanceDestroy has the conductor mark the instance deleted (and free
// its claim); an instance already deleted is fine.
func (m *Manager) instanceDestroy(ctx context.Context, uuid string) {
	dctx, cancel := detached(ctx)
	defer cancel()
	err := m.conductor.InstanceDestroy(dctx, conductorapi.InstanceDestroy{UUID: uuid, Host: m.cfg.Host})
	if err != nil && fault.KindOf(err) != fault.NotFound {
		m.log.ErrorContext(ctx, "compute: could not mark a destroyed instance deleted; the next start retries", "instance", uuid, "error", err)
	}
}

// getConsoleOutput serves get_console_output (a call).
func (m *Manager) getConsoleOutput(ctx context.Context, a computeapi.GetConsoleOutputArgs) (computeapi.GetConsoleOutputReply, error) {
	out, err := m.driver.ConsoleOutput(ctx, a.Instance.UUID, a.TailLength)
	if fault.KindOf(err) == fault.NotFound {
		// nova's ConsoleNotAvailable.
		return computeapi.GetConsoleOutputReply{}, fault.Wrap(err, fault.NotFound, "Guest does not have a console available.")
	}
	if err != nil {
		return computeapi.GetConsoleOutputReply{}, err
	}
	return computeapi.GetConsoleOutputReply{Output: out}, nil
}
