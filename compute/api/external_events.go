package api

import (
	"net/http"
	"slices"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// eventNames are the os-server-external-events names at the request's
// microversion.
func eventNames(r *http.Request) []string {
	names := []string{"network-changed", "network-vif-plugged", "network-vif-unplugged", "network-vif-deleted"}
	if atLeast(r, 51) {
		names = append(names, "volume-extended")
	}
	if atLeast(r, 76) {
		names = append(names, "power-update")
	}
	if atLeast(r, 82) {
		names = append(names, "accelerator-request-bound")
	}
	if atLeast(r, 93) {
		names = append(names, "volume-reimaged")
	}
	return names
}

// externalEvents is api-ref "Run Events" (os-server-external-events), sent
// by Neutron and Cinder as service users: each event is checked against
// its server (404 for one that does not exist, 422 for one on no host),
// answered with its code, and cast to the server's host. 207 when some
// events failed, 404 when all did.
func (a *API) externalEvents(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-server-external-events:create", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("body", "events"); err != nil {
		writeErr(w, r, err)
		return
	}
	list, ok := b["events"].([]any)
	if !ok {
		if _, has := b["events"]; !has {
			writeErr(w, r, badField("body", map[string]any(b), "'events' is a required property"))
		} else {
			writeErr(w, r, badField("events", b["events"], "%s is not of type 'array'", repr(b["events"])))
		}
		return
	}
	if len(list) == 0 {
		writeErr(w, r, badField("events", list, "[] should be non-empty"))
		return
	}
	names := eventNames(r)
	type accepted struct {
		view map[string]any
		ev   computeapi.InstanceEvent
		uuid string
	}
	var events []accepted
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			writeErr(w, r, badField("events", x, "%s is not of type 'object'", repr(x)))
			return
		}
		e := body(m)
		if err := e.only("events", "name", "server_uuid", "status", "tag"); err != nil {
			writeErr(w, r, err)
			return
		}
		name, _, err := e.str("name", true, false, 0, 0)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if !slices.Contains(names, name) {
			writeErr(w, r, badField("name", name, "%s is not one of %s", repr(name), repr(anyList(names))))
			return
		}
		server, _, err := e.str("server_uuid", true, false, 0, 0)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		status, has, err := e.str("status", false, false, 0, 0)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if !has {
			status = "completed"
		}
		if !slices.Contains([]string{"failed", "completed", "in-progress"}, status) {
			writeErr(w, r, badField("status", status, "%s is not one of ['failed', 'completed', 'in-progress']", repr(status)))
			return
		}
		tag, _, err := e.str("tag", false, false, 0, 255)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		view := map[string]any{"name": name, "server_uuid": server, "status": status}
		if tag != "" {
			view["tag"] = tag
		}
		events = append(events, accepted{view: view, ev: computeapi.InstanceEvent{Name: name, Tag: tag, Status: status}, uuid: server})
	}
	ctx := r.Context()
	byHost := map[string]*computeapi.ExternalInstanceEventArgs{}
	seen := map[string]objects.Instance{}
	failed := 0
	for i := range events {
		e := &events[i]
		in, ok := seen[e.uuid]
		if !ok {
			var err error
			in, err = a.store.GetInstance(ctx, e.uuid, false)
			if err != nil && fault.KindOf(err) != fault.NotFound {
				writeErr(w, r, err)
				return
			}
			if err != nil {
				e.view["code"], e.view["status"] = http.StatusNotFound, "failed"
				failed++
				continue
			}
			seen[e.uuid] = in
		}
		if in.Host == "" {
			e.view["code"], e.view["status"] = http.StatusUnprocessableEntity, "failed"
			failed++
			continue
		}
		e.view["code"] = http.StatusOK
		if e.ev.Name == "volume-extended" {
			// nova records the action the host's event is filed under
			act := a.action(r, c, "extend_volume")
			if _, err := a.store.CreateAction(ctx, in.UUID, act); err != nil {
				a.log.WarnContext(ctx, "cannot record the extend_volume action", "instance", in.UUID, "error", err.Error())
			}
		}
		args := byHost[in.Host]
		if args == nil {
			args = &computeapi.ExternalInstanceEventArgs{Events: map[string][]computeapi.InstanceEvent{}}
			byHost[in.Host] = args
		}
		if len(args.Events[in.UUID]) == 0 {
			args.Instances = append(args.Instances, in)
		}
		args.Events[in.UUID] = append(args.Events[in.UUID], e.ev)
	}
	if failed == len(events) {
		writeErr(w, r, fault.New(fault.NotFound, "No instances found for any event"))
		return
	}
	if vc, ok := a.compute.(VolumeCompute); ok {
		for host, args := range byHost {
			if err := vc.ExternalInstanceEvent(rpcCtx(r), host, *args); err != nil {
				a.log.ErrorContext(ctx, "cannot send external events to a compute host", "host", host, "error", err.Error())
			}
		}
	}
	out := make([]map[string]any, len(events))
	for i, e := range events {
		out[i] = e.view
	}
	code := http.StatusOK
	if failed > 0 {
		code = http.StatusMultiStatus
	}
	httpapi.WriteJSON(w, r, code, map[string]any{"events": out})
}

func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
