package manager

import (
	"context"
	"errors"
	"time"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// reportTimeout bounds each report to the conductor made on a context of
// our own (after the caller's is gone).
const reportTimeout = 30 * time.Second

// detached is ctx without its cancellation, bounded by reportTimeout: for
// the reports that must reach the conductor even when the work failed
// because ctx ended. It keeps ctx's rpc.Context (request ids).
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
}

// Time limits of the work a message starts. The work runs on a context of
// its own (keeping the message's rpc.Context), not the server's: on a
// graceful stop nova-compute finishes what it started (rpc.Server.Serve
// waits for running handlers) instead of leaving guests half built.
const (
	buildTimeout  = 15 * time.Minute
	actionTimeout = 5 * time.Minute
)

// workContext detaches ctx from the server's cancellation, bounded by d.
func workContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

func requestID(ctx context.Context) string {
	rc, _ := rpc.FromContext(ctx)
	return rc.RequestID
}

// event is one instance action event, started when made.
type event struct {
	m    *Manager
	ctx  context.Context
	uuid string
	name string
}

// startEvent records "compute_<method>" as started under the request id of
// the message; a failure to record it is logged, not fatal.
func (m *Manager) startEvent(ctx context.Context, uuid, method string) *event {
	e := &event{m: m, ctx: ctx, uuid: uuid, name: "compute_" + method}
	if requestID(ctx) == "" {
		return e
	}
	if err := m.conductor.ActionEventStart(ctx, conductorapi.ActionEvent{
		InstanceUUID: uuid, RequestID: requestID(ctx), Event: e.name, Host: m.cfg.Host,
	}); err != nil {
		m.log.WarnContext(ctx, "compute: could not record an action event", "instance", uuid, "event", e.name, "error", err)
	}
	return e
}

// finish records the event's result: Success for nil, Error with the
// user-facing message otherwise.
func (e *event) finish(err error) {
	if requestID(e.ctx) == "" {
		return
	}
	ctx, cancel := detached(e.ctx)
	defer cancel()
	ev := conductorapi.ActionEvent{InstanceUUID: e.uuid, RequestID: requestID(e.ctx), Event: e.name,
		Host: e.m.cfg.Host, Result: objects.EventSuccess}
	if err != nil {
		ev.Result = objects.EventError
		ev.Traceback = faultMessage(err)
		ev.Details = faultMessage(err)
	}
	if ferr := e.m.conductor.ActionEventFinish(ctx, ev); ferr != nil {
		e.m.log.WarnContext(ctx, "compute: could not record an action event's result", "instance", e.uuid, "event", e.name, "error", ferr)
	}
}

// faultMessage is what a user sees of err.
func faultMessage(err error) string {
	var f *fault.Error
	if errors.As(err, &f) && f.Message != "" {
		return f.Message
	}
	return "An unexpected error occurred on the compute host; its log has the details."
}

// faultCode is the fault's HTTP-like code: 500 unless the kind says
// otherwise, as nova's instance_fault code.
func faultCode(err error) int {
	switch fault.KindOf(err) {
	case fault.Invalid:
		return 400
	case fault.NotFound:
		return 404
	case fault.Conflict:
		return 409
	}
	return 500
}

// recordFault stores an instance fault for err.
func (m *Manager) recordFault(ctx context.Context, uuid string, err error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	f := objects.Fault{InstanceUUID: uuid, Code: faultCode(err), Message: faultMessage(err),
		Details: err.Error(), Host: m.cfg.Host, CreatedAt: m.now().UTC()}
	if ferr := m.conductor.InstanceFaultCreate(ctx, f); ferr != nil {
		m.log.ErrorContext(ctx, "compute: could not record an instance fault", "instance", uuid, "fault", f.Message, "error", ferr)
	}
}

func ptr[T any](v T) *T { return &v }

// update changes the instance through the conductor.
func (m *Manager) update(ctx context.Context, uuid string, u conductorapi.Updates, expectTask ...string) (objects.Instance, error) {
	return m.conductor.InstanceUpdate(ctx, conductorapi.InstanceUpdate{UUID: uuid, Updates: u, ExpectedTaskState: expectTask})
}

// revertTask clears the task_state after a failed action, keeping the
// vm_state, as nova's @reverts_task_state.
func (m *Manager) revertTask(ctx context.Context, uuid string) {
	ctx, cancel := detached(ctx)
	defer cancel()
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(objects.TaskNone)}); err != nil && fault.KindOf(err) != fault.NotFound {
		m.log.ErrorContext(ctx, "compute: could not clear the task state", "instance", uuid, "error", err)
	}
}

// powerState reads the guest's power state; a missing guest is NOSTATE.
func (m *Manager) powerState(ctx context.Context, uuid string) (int, error) {
	info, err := m.driver.Info(ctx, uuid)
	if fault.KindOf(err) == fault.NotFound {
		return objects.PowerNoState, nil
	}
	if err != nil {
		return 0, err
	}
	return int(info.State), nil
}

// deletedMeanwhile reports whether err from an instance update says the
// instance was deleted (or is being deleted) while we worked on it.
func deletedMeanwhile(err error) bool {
	return fault.KindOf(err) == fault.NotFound
}
