package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
)

// internalZone is nova's internal_service_availability_zone.
const internalZone = "internal"

func (a *API) serviceZone(s servicegroup.Service) string {
	if s.Binary != "nova-compute" {
		return internalZone
	}
	if z := a.aggregateZone(s.Host); z != "" { // an aggregate's availability_zone (aggregates.go)
		return z
	}
	if s.Zone != "" {
		return s.Zone
	}
	return a.set.DefaultAvailabilityZone
}

func (a *API) serviceView(r *http.Request, s servicegroup.Service) map[string]any {
	status, state := "enabled", "down"
	if s.Disabled {
		status = "disabled"
	}
	if isUp(a, s) {
		state = "up"
	}
	var updated *time.Time
	if !s.UpdatedAt.IsZero() {
		updated = &s.UpdatedAt
	}
	v := map[string]any{
		"binary": s.Binary, "host": s.Host, "zone": a.serviceZone(s), "status": status, "state": state,
		"updated_at": timefmt.Nullable(timefmt.Naive, updated), "disabled_reason": nullable(s.DisabledReason),
	}
	if atLeast(r, 53) {
		v["id"] = s.UUID
	} else {
		v["id"] = s.ID
	}
	if atLeast(r, 11) {
		v["forced_down"] = s.ForcedDown
	}
	return v
}

// listServices is api-ref "List Compute Services".
func (a *API) listServices(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-services:list", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	list, err := a.services.List(r.Context(), servicegroup.Filter{Host: q.Get("host"), Binary: q.Get("binary")})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for _, s := range list {
		out = append(out, a.serviceView(r, s))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"services": out})
}

// updateService is api-ref "Update Compute Service" (2.53, by uuid) and,
// below 2.53, "Enable/Disable/Log Disabled/Force Down Scheduling For A
// Compute Service" (PUT /os-services/{enable,disable,disable-log-reason,force-down}).
func (a *API) updateService(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-services:update", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	id := chi.URLParam(r, "service_id")
	if atLeast(r, 53) {
		a.updateServiceByUUID(w, r, id, b)
		return
	}
	switch id {
	case "enable", "disable", "disable-log-reason":
		allowed := []string{"host", "binary"}
		if id == "disable-log-reason" {
			allowed = append(allowed, "disabled_reason")
		}
		if err := b.only("body", allowed...); err != nil {
			writeErr(w, r, err)
			return
		}
	case "force-down":
		if !atLeast(r, 11) {
			writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
			return
		}
		if err := b.only("body", "host", "binary", "forced_down"); err != nil {
			writeErr(w, r, err)
			return
		}
	default:
		writeErr(w, r, fault.New(fault.NotFound, "Unknown action"))
		return
	}
	host, _, err := b.str("host", true, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	binary, _, err := b.str("binary", true, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	svc, err := a.services.GetByHostBinary(r.Context(), host, binary)
	if err != nil {
		writeErr(w, r, fault.New(fault.NotFound, "Service %s on host %s not found.", binary, host))
		return
	}
	out := map[string]any{"host": host, "binary": binary}
	switch id {
	case "enable":
		_, err = a.services.Enable(r.Context(), svc.ID)
		out["status"] = "enabled"
	case "disable":
		_, err = a.services.Disable(r.Context(), svc.ID, "")
		out["status"] = "disabled"
	case "disable-log-reason":
		reason, _, rerr := b.str("disabled_reason", true, false, 1, 255)
		if rerr != nil {
			writeErr(w, r, rerr)
			return
		}
		_, err = a.services.Disable(r.Context(), svc.ID, reason)
		out["status"], out["disabled_reason"] = "disabled", reason
	case "force-down":
		down, ok, berr := b.boolField("forced_down")
		if berr != nil || !ok {
			writeErr(w, r, badField("forced_down", b["forced_down"], "'forced_down' is a required property"))
			return
		}
		_, err = a.services.SetForcedDown(r.Context(), svc.ID, down)
		out["forced_down"] = down
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"service": out})
}

func (a *API) updateServiceByUUID(w http.ResponseWriter, r *http.Request, id string, b body) {
	if _, err := uuid.Parse(id); err != nil {
		writeErr(w, r, invalid("Invalid uuid %s", id))
		return
	}
	if err := b.only("body", "status", "disabled_reason", "forced_down"); err != nil {
		writeErr(w, r, err)
		return
	}
	status, hasStatus, err := b.str("status", false, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if hasStatus && status != "enabled" && status != "disabled" {
		writeErr(w, r, badField("status", status, "%s is not one of ['enabled', 'disabled']", repr(status)))
		return
	}
	reason, hasReason, err := b.str("disabled_reason", false, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	down, hasDown, err := b.boolField("forced_down")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !hasStatus && !hasDown {
		writeErr(w, r, invalid("At least one of 'status' or 'forced_down' must be specified in the request body."))
		return
	}
	if hasReason && status != "disabled" {
		writeErr(w, r, invalid("Specifying 'disabled_reason' with status 'enabled' is invalid."))
		return
	}
	svc, err := a.services.GetByUUID(r.Context(), id)
	if err != nil {
		writeErr(w, r, fault.New(fault.NotFound, "Service %s not found.", id))
		return
	}
	if svc.Binary != "nova-compute" {
		writeErr(w, r, invalid("Updating a %s service is not supported. Only nova-compute services can be updated.", svc.Binary))
		return
	}
	if hasStatus {
		if status == "disabled" {
			svc, err = a.services.Disable(r.Context(), svc.ID, reason)
		} else {
			svc, err = a.services.Enable(r.Context(), svc.ID)
		}
		if err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if hasDown {
		if svc, err = a.services.SetForcedDown(r.Context(), svc.ID, down); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"service": a.serviceView(r, svc)})
}

// deleteService is api-ref "Delete Compute Service".
func (a *API) deleteService(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-services:delete", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	id := chi.URLParam(r, "service_id")
	var svc servicegroup.Service
	if atLeast(r, 53) {
		if _, perr := uuid.Parse(id); perr != nil {
			writeErr(w, r, invalid("Invalid uuid %s", id))
			return
		}
		svc, err = a.services.GetByUUID(r.Context(), id)
	} else {
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil {
			writeErr(w, r, invalid("Invalid ID %s", id))
			return
		}
		svc, err = a.services.Get(r.Context(), n)
	}
	if err != nil {
		writeErr(w, r, fault.New(fault.NotFound, "Service %s not found.", id))
		return
	}
	if svc.Binary == "nova-compute" {
		on, err := a.store.InstancesOnHost(r.Context(), svc.Host, "")
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if len(on) > 0 {
			writeErr(w, r, fault.New(fault.Conflict, "Unable to delete compute service that is hosting instances. Migrate or delete the instances first."))
			return
		}
	}
	if err := a.services.Delete(r.Context(), svc.ID); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
