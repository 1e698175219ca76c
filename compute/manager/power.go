package manager

import (
	"context"
	"slices"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// powerAction is one of the simple actions: a driver call between an
// expected task_state (set by the API) and a final vm_state.
type powerAction struct {
	method  string   // the compute method, also the event name
	expect  []string // task states the API left the instance in
	vmState string   // vm_state once done
	do      func(ctx context.Context, uuid string) error
	// errorOnFailure puts the instance in ERROR when the driver fails
	// (reboot, as nova); otherwise only the task_state is reverted.
	errorOnFailure bool
}

func (m *Manager) runPowerAction(ctx context.Context, inst objects.Instance, act powerAction) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := inst.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	// A message delivered again (after a restart) finds its task done:
	// do not act twice.
	if cur, err := m.conductor.InstanceGet(ctx, conductorapi.InstanceGet{UUIDs: []string{uuid}}); err == nil &&
		(len(cur) == 0 || !slices.Contains(act.expect, cur[0].TaskState)) {
		m.log.InfoContext(ctx, "compute: action skipped: the instance is no longer waiting for it", "instance", uuid, "action", act.method)
		return Empty{}, nil
	}
	ev := m.startEvent(ctx, uuid, act.method)
	err := act.do(ctx, uuid)
	if err != nil {
		m.log.WarnContext(ctx, "compute: action failed", "instance", uuid, "action", act.method, "error", err)
		m.recordFault(ctx, uuid, err)
		if act.errorOnFailure {
			dctx, cancel := detached(ctx)
			power, _ := m.powerState(dctx, uuid)
			_, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMError), TaskState: ptr(objects.TaskNone), PowerState: ptr(power)})
			cancel()
			if uerr != nil {
				m.log.ErrorContext(ctx, "compute: could not put the instance in ERROR", "instance", uuid, "error", uerr)
			}
		} else {
			m.revertTask(ctx, uuid)
		}
		ev.finish(err)
		return Empty{}, nil
	}
	power, perr := m.powerState(ctx, uuid)
	if perr != nil {
		power = objects.PowerNoState
	}
	_, err = m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(act.vmState), TaskState: ptr(objects.TaskNone), PowerState: ptr(power)}, act.expect...)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: could not record the outcome of an action", "instance", uuid, "action", act.method, "error", err)
	}
	ev.finish(err)
	return Empty{}, nil
}

func (m *Manager) stopInstance(ctx context.Context, a computeapi.StopInstanceArgs) (Empty, error) {
	timeout := time.Duration(0)
	if a.CleanShutdown {
		timeout = m.cfg.ShutdownTimeout
	}
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodStopInstance, expect: []string{objects.TaskPoweringOff}, vmState: objects.VMStopped,
		do: func(ctx context.Context, uuid string) error { return m.driver.PowerOff(ctx, uuid, timeout) },
	})
}

func (m *Manager) startInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodStartInstance, expect: []string{objects.TaskPoweringOn}, vmState: objects.VMActive,
		do: m.driver.PowerOn,
	})
}

func (m *Manager) rebootInstance(ctx context.Context, a computeapi.RebootInstanceArgs) (Empty, error) {
	soft := a.RebootType != computeapi.RebootHard
	pending := []string{objects.TaskRebooting, objects.TaskRebootPending}
	started := objects.TaskRebootStarted
	if !soft {
		pending = []string{objects.TaskRebootingHard, objects.TaskRebootPendingHard, objects.TaskRebooting}
		started = objects.TaskRebootStartedHard
	}
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	// As nova: rebooting(_hard) -> reboot_started(_hard) -> None.
	if _, err := m.update(ctx, a.Instance.UUID, conductorapi.Updates{TaskState: ptr(started)}, pending...); err != nil {
		m.log.InfoContext(ctx, "compute: reboot not started: the instance changed", "instance", a.Instance.UUID, "error", err)
		if fault.KindOf(err) != fault.Conflict && !deletedMeanwhile(err) {
			m.recordFault(ctx, a.Instance.UUID, err)
		}
		return Empty{}, nil
	}
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodRebootInstance, expect: []string{started}, vmState: objects.VMActive,
		do:             func(ctx context.Context, uuid string) error { return m.driver.Reboot(ctx, uuid, soft) },
		errorOnFailure: true,
	})
}

func (m *Manager) pauseInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodPauseInstance, expect: []string{objects.TaskPausing}, vmState: objects.VMPaused,
		do: m.driver.Pause,
	})
}

func (m *Manager) unpauseInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodUnpauseInstance, expect: []string{objects.TaskUnpausing}, vmState: objects.VMActive,
		do: m.driver.Unpause,
	})
}

func (m *Manager) suspendInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodSuspendInstance, expect: []string{objects.TaskSuspending}, vmState: objects.VMSuspended,
		do: m.driver.Suspend,
	})
}

func (m *Manager) resumeInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	return m.runPowerAction(ctx, a.Instance, powerAction{
		method: computeapi.MethodResumeInstance, expect: []string{objects.TaskResuming}, vmState: objects.VMActive,
		do: m.driver.Resume,
	})
}
