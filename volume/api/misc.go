package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/pyrepr"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

func sgFilter(binary string) servicegroup.Filter { return servicegroup.Filter{Binary: binary} }

// availabilityZones is GET /os-availability-zone.
func (a *API) availabilityZones(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:availability_zone_list", ""); err != nil {
		fail(w, r, err)
		return
	}
	svcs, err := a.sg.List(r.Context(), sgFilter("cinder-volume"))
	if err != nil {
		fail(w, r, err)
		return
	}
	avail := map[string]bool{}
	now := time.Now()
	for _, s := range svcs {
		z := s.Zone
		if z == "" {
			z = a.set.DefaultAZ
		}
		up := !s.Disabled && servicegroup.IsUp(s, now, time.Duration(a.set.ServiceDownTime)*time.Second)
		avail[z] = avail[z] || up
	}
	names := make([]string, 0, len(avail))
	for z := range avail {
		names = append(names, z)
	}
	sort.Strings(names)
	items := []map[string]any{}
	for _, z := range names {
		items = append(items, map[string]any{"zoneName": z, "zoneState": map[string]bool{"available": avail[z]}})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"availabilityZoneInfo": items})
}

func (a *API) serviceView(r *http.Request, s servicegroup.Service) map[string]any {
	state := "down"
	if servicegroup.IsUp(s, time.Now(), time.Duration(a.set.ServiceDownTime)*time.Second) {
		state = "up"
	}
	status := "enabled"
	if s.Disabled {
		status = "disabled"
	}
	upd := s.LastSeenUp
	if upd.IsZero() {
		upd = s.CreatedAt
	}
	var reason any
	if s.DisabledReason != "" {
		reason = s.DisabledReason
	}
	zone := s.Zone
	if zone == "" {
		zone = a.set.DefaultAZ
	}
	out := map[string]any{"binary": s.Binary, "host": s.Host, "zone": zone, "status": status, "state": state,
		"updated_at": timefmt.Naive(upd), "disabled_reason": reason}
	if s.Binary == "cinder-volume" {
		out["frozen"], out["replication_status"], out["active_backend_id"] = false, "disabled", nil // the RBD driver without replication_device
	}
	if microversion.Of(r).AtLeast(3, 7) {
		out["cluster"] = nil
	}
	return out
}

// services is GET /os-services (admin).
func (a *API) services(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:services:index", ""); err != nil {
		fail(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	svcs, err := a.sg.List(r.Context(), servicegroup.Filter{Binary: q.Get("binary")})
	if err != nil {
		fail(w, r, err)
		return
	}
	host := q.Get("host")
	// 3.49: each backend's state as the scheduler's pools report it
	// ("up" unless a backend says otherwise; none for a backend the
	// scheduler does not know)
	var states map[string]string
	if microversion.Of(r).AtLeast(3, 49) {
		states = map[string]string{}
		if pools, err := a.rpc.GetPools(r.Context()); err == nil {
			for _, p := range pools {
				states[rpcapi.BackendOf(p.Name)] = "up"
			}
		}
	}
	items := []map[string]any{}
	for _, s := range svcs {
		// cinder matches host and host@backend
		if host != "" && s.Host != host && !strings.HasPrefix(s.Host, host+"@") {
			continue
		}
		item := a.serviceView(r, s)
		if states != nil && s.Binary == "cinder-volume" {
			var st any
			if v, ok := states[s.Host]; ok {
				st = v
			}
			item["backend_state"] = st
		}
		items = append(items, item)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"services": items})
}

// updateService is PUT /os-services/{enable|disable|disable-log-reason}.
func (a *API) updateService(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:services:update", ""); err != nil {
		fail(w, r, err)
		return
	}
	var body map[string]any
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	str := func(k string) string { v, _ := body[k].(string); return v }
	host, binary, service := str("host"), str("binary"), str("service")
	ctx := r.Context()
	action := chi.URLParam(r, "action")
	if action == "freeze" || action == "thaw" {
		if host == "" {
			fail(w, r, fault.New(fault.Invalid, "Missing required element 'host' in request body."))
			return
		}
		// Replication freeze/thaw: no backend here replicates, so a
		// known volume host is a no-op and any other is 400, as cinder.
		svcs, err := a.sg.List(ctx, servicegroup.Filter{Host: host, Binary: "cinder-volume"})
		if err != nil {
			fail(w, r, err)
			return
		}
		if len(svcs) == 0 {
			fail(w, r, invalid("Invalid host: %s", host))
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if action != "enable" && action != "disable" && action != "disable-log-reason" {
		fail(w, r, invalid("Unknown action"))
		return
	}
	// cinder's schema: binary or service (1-255 characters), host,
	// cluster, and disabled_reason for disable-log-reason only.
	for k := range body {
		switch k {
		case "binary", "service", "host", "cluster":
		case "disabled_reason":
			if action == "disable-log-reason" {
				break
			}
			fallthrough
		default:
			fail(w, r, fault.New(fault.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k))
			return
		}
	}
	if _, ok := body["binary"]; !ok {
		if _, ok := body["service"]; !ok {
			fail(w, r, fault.New(fault.Invalid, "%s is not valid under any of the given schemas", pyrepr.Repr(body)))
			return
		}
	}
	var reason *string
	logReason := action == "disable-log-reason"
	if logReason {
		// cinder's schema: a string of 1-255 characters when given (null
		// is "None is not of type 'string'"); absent keeps the reason.
		if raw, ok := body["disabled_reason"]; ok {
			txt, isStr := raw.(string)
			switch {
			case !isStr:
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute disabled_reason. Value: %s. %s is not of type 'string'", pyrepr.Repr(raw), pyrepr.Repr(raw)))
				return
			case len(txt) > 255:
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute disabled_reason. Value: %s. '%s' is too long", short(txt), short(txt)))
				return
			case txt == "":
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute disabled_reason. Value: . '' is too short"))
				return
			case strings.TrimSpace(txt) == "":
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute disabled_reason. Value: %s. '%s' is not a 'disabled_reason'", txt, txt))
				return
			}
			reason = &txt
		}
	}
	if host == "" {
		fail(w, r, invalid("Host field is missing."))
		return
	}
	key := binary
	if key == "" {
		key = service
	}
	svc, err := a.sg.GetByHostBinary(ctx, host, key)
	if err != nil {
		fail(w, r, fault.New(fault.NotFound, "Service %s could not be found on host %s.", key, host))
		return
	}
	// Only disable-log-reason changes the reason: enabling keeps the last
	// one, as cinder's services update.
	disabled := action != "enable"
	p := servicegroup.Patch{Disabled: &disabled, DisabledReason: reason}
	if reason == nil {
		keep := svc.DisabledReason
		p.DisabledReason = &keep
	}
	if _, err := a.sg.Update(ctx, svc.ID, p); err != nil {
		fail(w, r, err)
		return
	}
	out := map[string]any{"host": host, "service": service, "binary": binary, "disabled": disabled, "status": "enabled"}
	if disabled {
		out["status"] = "disabled"
	}
	if logReason {
		var rv any
		if reason != nil {
			rv = *reason
		}
		out["disabled_reason"] = rv
	}
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

// pools is GET /scheduler-stats/get_pools[?detail=True] (admin).
func (a *API) pools(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "scheduler_extension:scheduler_stats:get_pools", ""); err != nil {
		fail(w, r, err)
		return
	}
	pools, err := a.rpc.GetPools(r.Context())
	if err != nil {
		fail(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	detail, _ := boolParam(q.Get("detail"))
	var backendName string
	if tref := q.Get("volume_type"); tref != "" && microversion.Of(r).AtLeast(3, 35) {
		t, err := a.resolveType(r.Context(), c, tref)
		if err != nil {
			fail(w, r, err)
			return
		}
		backendName = t.ExtraSpecs["volume_backend_name"]
	}
	items := []map[string]any{}
	for _, p := range pools {
		if microversion.Of(r).AtLeast(3, 28) {
			if n := q.Get("name"); n != "" && p.Name != n {
				continue
			}
			if b := q.Get("backend_name"); b != "" && p.Capabilities.VolumeBackendName != b {
				continue
			}
		}
		if backendName != "" && p.Capabilities.VolumeBackendName != backendName {
			continue
		}
		it := map[string]any{"name": p.Name}
		if detail {
			var caps map[string]any
			b, _ := json.Marshal(p.Capabilities)
			_ = json.Unmarshal(b, &caps)
			caps["timestamp"] = timefmt.Naive(p.Capabilities.Timestamp)
			// upstream's RBD stats: no pool_name (the pool is the
			// backend), the state and the features it does not have.
			for _, k := range []string{"host", "pool_name", "provisioned_capacity_gb", "availability_zone"} {
				delete(caps, k)
			}
			// a string option upstream (it may be "auto")
			caps["max_over_subscription_ratio"] = pyFloat(p.Capabilities.MaxOverSubRatio)
			caps["backend_state"] = "up"
			caps["qos_support"] = true
			caps["replication_enabled"] = false
			caps["filter_function"] = nil
			caps["goodness_function"] = nil
			it["capabilities"] = caps
		}
		items = append(items, it)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"pools": items})
}

func (a *API) messageView(r *http.Request, m store.Message) map[string]any {
	return map[string]any{
		"id": m.ID, "event_id": m.EventID, "user_message": message.UserMessage(m.ActionID, m.DetailID),
		"message_level": m.Level, "resource_type": m.ResourceType, "resource_uuid": m.ResourceUUID,
		"created_at": timefmt.Naive(m.CreatedAt), "guaranteed_until": timefmt.Nullable(timefmt.Naive, m.ExpiresAt),
		"request_id": deref(m.RequestID), "links": links(r, m.ProjectID, "messages", m.ID),
	}
}

// listMessages is GET /messages (3.3).
func (a *API) listMessages(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "message:get_all", ""); err != nil {
		fail(w, r, err)
		return
	}
	project := c.project()
	if c.isAdmin() {
		project = "" // cinder's project_only query: admins see every project's
	}
	ms, err := a.db.ListMessages(r.Context(), project, httpapi.QueryOf(r).Get("resource_uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	out := map[string]any{}
	if microversion.Of(r).AtLeast(3, 5) {
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
		if err != nil {
			fail(w, r, err)
			return
		}
		if p.Sort[0].Dir == "asc" {
			slices.Reverse(ms)
		}
		if p.Marker != "" {
			i := slices.IndexFunc(ms, func(m store.Message) bool { return m.ID == p.Marker })
			if i < 0 {
				fail(w, r, invalid("marker [%s] not found", p.Marker))
				return
			}
			ms = ms[i+1:]
		}
		if len(ms) > p.Limit {
			ms = ms[:p.Limit]
		}
		if len(ms) > 0 {
			if l := pagination.CollectionLinks(r, p, len(ms), ms[len(ms)-1].ID); l != nil {
				out["messages_links"] = l
			}
		}
	}
	items := []map[string]any{}
	for _, m := range ms {
		items = append(items, a.messageView(r, m))
	}
	out["messages"] = items
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

func (a *API) messageFor(w http.ResponseWriter, r *http.Request, rule string) (store.Message, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return store.Message{}, false
	}
	id := chi.URLParam(r, "id")
	m, err := a.db.GetMessage(r.Context(), id)
	if err == nil && m.ProjectID != c.project() && !c.isAdmin() {
		err = fault.New(fault.NotFound, "Message %s could not be found.", id)
	}
	if err == nil {
		err = a.authorize(c, rule, m.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return m, false
	}
	return m, true
}

// showMessage is GET /messages/{id}.
func (a *API) showMessage(w http.ResponseWriter, r *http.Request) {
	if m, ok := a.messageFor(w, r, "message:get"); ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"message": a.messageView(r, m)})
	}
}

// deleteMessage is DELETE /messages/{id}.
func (a *API) deleteMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := a.messageFor(w, r, "message:delete")
	if !ok {
		return
	}
	if err := a.db.DeleteMessage(r.Context(), m.ID); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// extensions is GET /extensions.
func (a *API) extensions(w http.ResponseWriter, r *http.Request) {
	ext := func(alias, name, desc string) map[string]any {
		return map[string]any{"alias": alias, "name": name, "description": desc, "links": []any{},
			"updated": "2012-01-01T00:00:00+00:00", "namespace": ""}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extensions": []any{
		ext("os-admin-actions", "AdminActions", "Enable admin actions."),
		ext("os-availability-zone", "AvailabilityZones", "Describe Availability Zones."),
		ext("os-hosts", "Hosts", "Admin-only host administration."),
		ext("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Extended SnapshotAttributes support."),
		ext("os-quota-sets", "Quotas", "Quota management support."),
		ext("os-services", "Services", "Services support."),
		ext("os-types-manage", "TypesManage", "Types manage support."),
		ext("os-vol-host-attr", "VolumeHostAttribute", "Expose host as an attribute of a volume."),
		ext("os-vol-image-meta", "VolumeImageMetadata", "Show image metadata associated with the volume."),
		ext("os-vol-tenant-attr", "VolumeTenantAttribute", "Expose the internal project_id as an attribute of a volume."),
		ext("os-volume-actions", "VolumeActions", "Enable volume actions."),
		ext("os-volume-manage", "VolumeManage", "Allows existing backend storage to be 'managed' by Cinder."),
		ext("os-volume-type-access", "VolumeTypeAccess", "Volume type access support."),
		ext("os-volume-unmanage", "VolumeUnmanage", "Enable volume unmanage operation."),
		ext("scheduler-stats", "Scheduler_stats", "Scheduler stats support."),
	}})
}

// capabilities is GET /capabilities/{host} (admin): what the backend
// reports, in cinder's capabilities shape.
func (a *API) capabilities(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:capabilities", ""); err != nil {
		fail(w, r, err)
		return
	}
	host := chi.URLParam(r, "host")
	pools, err := a.rpc.GetPools(r.Context())
	if err != nil {
		fail(w, r, err)
		return
	}
	for _, p := range pools {
		if p.Name != host && p.Capabilities.Host != host {
			continue
		}
		cp := p.Capabilities
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{
			"namespace": "OS::Storage::Capabilities::" + cp.Host, "vendor_name": cp.VendorName,
			"volume_backend_name": cp.VolumeBackendName, "pool_name": nil, "driver_version": cp.DriverVersion,
			"storage_protocol": cp.StorageProtocol, "display_name": nil, "description": nil, "visibility": nil,
			"replication_targets": []any{}, "properties": rbdCapabilityProperties,
		})
		return
	}
	fail(w, r, fault.New(fault.NotFound, "Service %s could not be found.", host))
}

// pyFloat renders f as Python's str(float) does for the values a ratio
// takes (20 -> "20.0", 1.5 -> "1.5").
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// rbdCapabilityProperties are the capabilities upstream's RBD driver
// describes (its _init_vendor_properties plus the common ones).
var rbdCapabilityProperties = map[string]any{
	"thin_provisioning":   map[string]any{"title": "Thin Provisioning", "description": "Sets thin provisioning.", "type": "boolean"},
	"compression":         map[string]any{"title": "Compression", "description": "Enables compression.", "type": "boolean"},
	"qos":                 map[string]any{"title": "QoS", "description": "Enables QoS.", "type": "boolean"},
	"replication_enabled": map[string]any{"title": "Replication", "description": "Enables replication.", "type": "boolean"},
}
