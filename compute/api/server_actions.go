package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/servicegroup"
)

func isUp(a *API, svc servicegroup.Service) bool {
	return servicegroup.IsUp(svc, a.now(), a.set.ServiceDownTime)
}

// powerAction describes one state-changing action: the states it starts
// from, the task it sets, and the cast that carries it out.
type powerAction struct {
	rule     string
	action   string
	vmStates []string
	tasks    []string // allowed task states ("" = None)
	task     string
	cast     func(ctx context.Context, a *API, in objects.Instance) error
}

var powerActions = map[string]powerAction{
	"os-stop": {"os_compute_api:servers:stop", objects.ActionStop, []string{objects.VMActive, objects.VMError}, []string{""}, objects.TaskPoweringOff,
		func(ctx context.Context, a *API, in objects.Instance) error {
			return a.compute.StopInstance(ctx, in, true)
		}},
	"os-start": {"os_compute_api:servers:start", objects.ActionStart, []string{objects.VMStopped}, []string{""}, objects.TaskPoweringOn,
		func(ctx context.Context, a *API, in objects.Instance) error { return a.compute.StartInstance(ctx, in) }},
	"pause": {"os_compute_api:os-pause-server:pause", objects.ActionPause, []string{objects.VMActive}, []string{""}, objects.TaskPausing,
		func(ctx context.Context, a *API, in objects.Instance) error { return a.compute.PauseInstance(ctx, in) }},
	"unpause": {"os_compute_api:os-pause-server:unpause", objects.ActionUnpause, []string{objects.VMPaused}, []string{""}, objects.TaskUnpausing,
		func(ctx context.Context, a *API, in objects.Instance) error {
			return a.compute.UnpauseInstance(ctx, in)
		}},
	"suspend": {"os_compute_api:os-suspend-server:suspend", objects.ActionSuspend, []string{objects.VMActive}, []string{""}, objects.TaskSuspending,
		func(ctx context.Context, a *API, in objects.Instance) error {
			return a.compute.SuspendInstance(ctx, in)
		}},
	"resume": {"os_compute_api:os-suspend-server:resume", objects.ActionResume, []string{objects.VMSuspended}, []string{""}, objects.TaskResuming,
		func(ctx context.Context, a *API, in objects.Instance) error { return a.compute.ResumeInstance(ctx, in) }},
}

var hardRebootTasks = []string{"", objects.TaskRebooting, objects.TaskRebootPending, objects.TaskRebootStarted,
	objects.TaskRebootingHard, objects.TaskResuming, objects.TaskUnpausing, objects.TaskPausing, objects.TaskSuspending}

// serverAction is api-ref "Servers - run an action": os-start, os-stop,
// reboot, pause, unpause, suspend, resume, lock, unlock, os-resetState
// and os-getConsoleOutput.
func (a *API) serverAction(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(top) != 1 {
		writeErr(w, r, invalid("Malformed request body"))
		return
	}
	name := firstKey(top)
	arg := top[name]
	switch name {
	case "forceDelete":
		a.forceDelete(w, r, c)
		return
	case "restore":
		in, err := a.instanceFor(r, c, "os_compute_api:os-deferred-delete:restore")
		if err == nil {
			err = invalidState("restore", in, false) // deferred delete is off: nothing is ever soft-deleted
		}
		writeErr(w, r, err)
		return
	}
	if a.lifecycleAction(w, r, c, name, arg) {
		return
	}
	if a.securityGroupAction(w, r, c, name, arg) { // server_security_groups.go
		return
	}
	if a.moveAction(w, r, c, name, arg) {
		return
	}
	if _, ok := powerActions[name]; !ok && !slices.Contains([]string{"reboot", "lock", "unlock", "os-resetState", "os-getConsoleOutput"}, name) {
		// nova finds the server before the action: 404 for an unknown one.
		if _, err := a.instanceFor(r, c, ""); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if pa, ok := powerActions[name]; ok {
		a.doPowerAction(w, r, c, name, pa)
		return
	}
	switch name {
	case "reboot":
		a.reboot(w, r, c, arg)
	case "lock":
		a.lock(w, r, c, arg)
	case "unlock":
		a.unlock(w, r, c)
	case "os-resetState":
		a.resetState(w, r, c, arg)
	case "os-getConsoleOutput":
		a.consoleOutput(w, r, c, arg)
	case "os-getVNCConsole":
		a.vncConsole(w, r, c, arg)
	default:
		writeErr(w, r, invalid("There is no such action: %s", name))
	}
}

// forceDelete is api-ref "Force-Delete Server": without deferred delete
// it deletes the server as DELETE does.
func (a *API) forceDelete(w http.ResponseWriter, r *http.Request, c caller) {
	if _, err := a.instanceFor(r, c, "os_compute_api:os-deferred-delete:force"); err != nil {
		writeErr(w, r, err)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	a.deleteServer(rec, r)
	if rec.status == http.StatusNoContent && !rec.wrote {
		w.WriteHeader(http.StatusAccepted)
	}
}

// statusRecorder keeps a 204 from reaching the client so the caller can
// answer with another success code; errors pass through.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	if code != http.StatusNoContent {
		s.wrote = true
		s.ResponseWriter.WriteHeader(code)
	}
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wrote {
		s.wrote = true
		if s.status == 0 {
			s.status = http.StatusOK
		}
	}
	return s.ResponseWriter.Write(b)
}

func invalidState(method string, in objects.Instance, useTask bool) error {
	if useTask {
		ts := in.TaskState
		if ts == "" {
			ts = "None"
		}
		return fault.New(fault.Conflict, "Cannot '%s' instance %s while it is in task_state %s", method, in.UUID, ts)
	}
	return fault.New(fault.Conflict, "Cannot '%s' instance %s while it is in vm_state %s", method, in.UUID, in.VMState)
}

// transition checks the states, records the action and sets the task
// state (only if the task state did not change meanwhile).
func (a *API) transition(r *http.Request, c caller, in objects.Instance, method, action string, vms, tasks []string, task string) (objects.Instance, error) {
	if err := a.checkLocked(c, in); err != nil {
		return in, err
	}
	if !slices.Contains(vms, in.VMState) {
		return in, invalidState(method, in, false)
	}
	if !slices.Contains(tasks, in.TaskState) {
		return in, invalidState(method, in, true)
	}
	if in.Host == "" {
		return in, fault.New(fault.Conflict, "Instance %s is not ready", in.UUID)
	}
	out, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{TaskState: &task, ExpectedTaskState: tasks})
	if fault.KindOf(err) == fault.Conflict {
		return in, invalidState(method, in, true)
	}
	if err != nil {
		return in, err
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, action)); err != nil {
		return in, err
	}
	return out, nil
}

// castOrRevert sends the cast; when it cannot be delivered the task state
// is cleared again so the server does not stay stuck.
func (a *API) castOrRevert(r *http.Request, in objects.Instance, cast func() error) error {
	if err := cast(); err != nil {
		none := ""
		if _, uerr := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{TaskState: &none}); uerr != nil {
			a.log.ErrorContext(r.Context(), "cannot clear task state", "instance", in.UUID, "error", uerr.Error())
		}
		return fault.Wrap(err, fault.Unavailable, "The compute service of host %s is not reachable; try again later.", in.Host)
	}
	return nil
}

func (a *API) doPowerAction(w http.ResponseWriter, r *http.Request, c caller, name string, pa powerAction) {
	in, err := a.instanceFor(r, c, pa.rule)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	method := strings.TrimPrefix(name, "os-")
	in, err = a.transition(r, c, in, method, pa.action, pa.vmStates, pa.tasks, pa.task)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error { return pa.cast(rpcCtx(r), a, in) }); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) reboot(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("reboot", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	if err := b.only("reboot", "type"); err != nil {
		writeErr(w, r, err)
		return
	}
	typ, _, err := b.str("type", true, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	typ = strings.ToUpper(typ)
	if typ != "SOFT" && typ != "HARD" || !slices.Contains([]string{"HARD", "Hard", "hard", "SOFT", "Soft", "soft"}, m["type"].(string)) {
		writeErr(w, r, badField("reboot.type", m["type"], "%s is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']", repr(m["type"])))
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:reboot")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if typ == "SOFT" {
		in, err = a.transition(r, c, in, "reboot", objects.ActionReboot, []string{objects.VMActive}, []string{""}, objects.TaskRebooting)
	} else {
		in, err = a.transition(r, c, in, "reboot", objects.ActionReboot,
			[]string{objects.VMActive, objects.VMStopped, objects.VMPaused, objects.VMSuspended, objects.VMError}, hardRebootTasks, objects.TaskRebootingHard)
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error { return a.compute.RebootInstance(rpcCtx(r), in, typ) }); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) lock(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	var reason string
	if arg != nil {
		m, ok := arg.(map[string]any)
		if !ok {
			writeErr(w, r, badField("lock", arg, "%s is not of type 'object', 'null'", repr(arg)))
			return
		}
		allowed := []string{}
		if atLeast(r, 73) {
			allowed = append(allowed, "locked_reason")
		}
		b := body(m)
		if err := b.only("lock", allowed...); err != nil {
			writeErr(w, r, err)
			return
		}
		var err error
		if reason, _, err = b.str("locked_reason", false, false, 0, 255); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-lock-server:lock")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	by := "owner"
	if in.ProjectID != c.ProjectID {
		by = "admin"
	}
	t := true
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, objects.ActionLock)); err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{Locked: &t, LockedBy: &by, LockedReason: &reason}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) unlock(w http.ResponseWriter, r *http.Request, c caller) {
	in, err := a.instanceFor(r, c, "os_compute_api:os-lock-server:unlock")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	expected := in.LockedBy == "" || (in.LockedBy == "owner") == (in.ProjectID == c.ProjectID)
	if !expected {
		if err := a.can(c, "os_compute_api:os-lock-server:unlock:unlock_override", projectTarget(in.ProjectID)); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	f, empty := false, ""
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, objects.ActionUnlock)); err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{Locked: &f, LockedBy: &empty, LockedReason: &empty}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) resetState(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("os-resetState", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	if err := b.only("os-resetState", "state"); err != nil {
		writeErr(w, r, err)
		return
	}
	state, _, err := b.str("state", true, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if state != "active" && state != "error" {
		writeErr(w, r, badField("os-resetState.state", state, "%s is not one of ['active', 'error']", repr(state)))
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-admin-actions:reset_state")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	none := ""
	if _, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{VMState: &state, TaskState: &none}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) consoleOutput(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	length := 0
	if arg != nil {
		m, ok := arg.(map[string]any)
		if !ok {
			writeErr(w, r, badField("os-getConsoleOutput", arg, "%s is not of type 'object'", repr(arg)))
			return
		}
		if err := body(m).only("os-getConsoleOutput", "length"); err != nil {
			writeErr(w, r, err)
			return
		}
		if v, ok := m["length"]; ok && v != nil {
			n, err := strconv.Atoi(strings.TrimSpace(repr(v)))
			if s, isStr := v.(string); isStr {
				n, err = strconv.Atoi(s)
			}
			if err != nil || n < -1 {
				writeErr(w, r, badField("os-getConsoleOutput.length", v, "%s does not match '^-?[0-9]+$'", repr(v)))
				return
			}
			if n > 0 {
				length = n
			}
		}
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-console-output")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if in.Host == "" {
		writeErr(w, r, fault.New(fault.Conflict, "Instance %s is not ready", in.UUID))
		return
	}
	out, err := a.compute.GetConsoleOutput(rpcCtx(r), in, length)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.NotFound, "Guest does not have a console available.")
		}
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]string{"output": out})
}
