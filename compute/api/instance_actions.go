package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// actionInstance loads the server of an os-instance-actions request:
// deleted servers too from 2.21.
func (a *API) actionInstance(r *http.Request, c caller, rule string) (objects.Instance, error) {
	id := chi.URLParam(r, "server_id")
	in, err := a.store.GetInstance(r.Context(), id, atLeast(r, 21))
	if err != nil {
		return in, err
	}
	if in.ProjectID != c.ProjectID && !c.IsAdmin {
		return objects.Instance{}, store.InstanceNotFound(id)
	}
	return in, a.can(c, rule, projectTarget(in.ProjectID))
}

func actionView(r *http.Request, act objects.InstanceAction) map[string]any {
	v := map[string]any{
		"action": act.Action, "instance_uuid": act.InstanceUUID, "request_id": act.RequestID,
		"user_id": act.UserID, "project_id": act.ProjectID, "start_time": timefmt.Naive(act.StartTime),
		"message": nullable(act.Message),
	}
	if atLeast(r, 58) {
		v["updated_at"] = timefmt.Nullable(timefmt.Naive, act.UpdatedAt)
	}
	return v
}

// listInstanceActions is api-ref "List Actions For Server".
func (a *API) listInstanceActions(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.actionInstance(r, c, "os_compute_api:os-instance-actions:list")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.store.Actions(r.Context(), in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	resp := map[string]any{}
	if atLeast(r, 58) {
		q := httpapi.QueryOf(r)
		var since, before *time.Time
		for key, dst := range map[string]**time.Time{"changes-since": &since, "changes-before": &before} {
			if v := q.Get(key); v != "" {
				t, err := timefmt.Parse(v)
				if err != nil {
					writeErr(w, r, invalid("Invalid input for query parameters %s. Value: %s. '%s' is not a 'date-time'", key, v, v))
					return
				}
				*dst = &t
			}
		}
		if since != nil && before != nil && before.Before(*since) {
			writeErr(w, r, invalid("The value of changes-since must be less than or equal to changes-before."))
			return
		}
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit})
		if err != nil {
			writeErr(w, r, err)
			return
		}
		var kept []objects.InstanceAction
		for _, act := range list {
			upd := act.StartTime
			if act.UpdatedAt != nil {
				upd = *act.UpdatedAt
			}
			if (since == nil || !upd.Before(*since)) && (before == nil || !upd.After(*before)) {
				kept = append(kept, act)
			}
		}
		if p.Marker != "" {
			found := -1
			for i, act := range kept {
				if act.RequestID == p.Marker {
					found = i
				}
			}
			if found < 0 {
				writeErr(w, r, fault.New(fault.Invalid, "Marker %s could not be found.", p.Marker))
				return
			}
			kept = kept[found+1:]
		}
		if len(kept) > p.Limit {
			kept = kept[:p.Limit]
		}
		list = kept
		if len(list) > 0 {
			if l := nextLinks(r, p, len(list), list[len(list)-1].RequestID); l != nil {
				resp["links"] = l
			}
		}
	}
	out := make([]map[string]any, len(list))
	for i, act := range list {
		out[i] = actionView(r, act)
	}
	resp["instanceActions"] = out
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

// showInstanceAction is api-ref "Show Server Action Details".
func (a *API) showInstanceAction(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.actionInstance(r, c, "os_compute_api:os-instance-actions:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	id := chi.URLParam(r, "request_id")
	act, err := a.store.Action(r.Context(), in.UUID, id)
	if fault.KindOf(err) == fault.NotFound {
		writeErr(w, r, fault.New(fault.NotFound, "Action %s not found", id))
		return
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := actionView(r, act)
	showEvents, showTraceback := false, false
	if a.allowed(c, "os_compute_api:os-instance-actions:events", projectTarget(in.ProjectID)) {
		showEvents, showTraceback = true, true
	} else if atLeast(r, 51) {
		showEvents = true
	}
	if showEvents {
		events := make([]map[string]any, len(act.Events))
		for i, e := range act.Events {
			ev := map[string]any{"event": e.Event, "start_time": timefmt.Naive(e.StartTime),
				"finish_time": timefmt.Nullable(timefmt.Naive, e.FinishTime), "result": nullable(e.Result)}
			if showTraceback {
				ev["traceback"] = nullable(e.Traceback)
			}
			eventFields59(r, ev, e, in.ProjectID, showTraceback, // microversions_servers.go
				a.allowed(c, "os_compute_api:os-instance-actions:events:details", projectTarget(in.ProjectID)))
			events[i] = ev
		}
		v["events"] = events
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"instanceAction": v})
}
