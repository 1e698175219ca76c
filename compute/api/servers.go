package api

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// statusStates maps an API status to the vm states (and task states, nil
// for any) it covers, as nova's task_and_vm_state_from_status.
var statusStates = map[string]struct{ vm, task []string }{
	"ACTIVE":            {[]string{objects.VMActive}, nil},
	"BUILD":             {[]string{objects.VMBuilding}, nil},
	"DELETED":           {[]string{objects.VMDeleted}, nil},
	"ERROR":             {[]string{objects.VMError}, nil},
	"PAUSED":            {[]string{objects.VMPaused}, nil},
	"SUSPENDED":         {[]string{objects.VMSuspended}, nil},
	"SHUTOFF":           {[]string{objects.VMStopped}, nil},
	"RESCUE":            {[]string{objects.VMRescued}, nil},
	"SOFT_DELETED":      {[]string{objects.VMSoftDeleted}, nil},
	"SHELVED":           {[]string{objects.VMShelved}, nil},
	"SHELVED_OFFLOADED": {[]string{objects.VMShelvedOffloaded}, nil},
	"VERIFY_RESIZE":     {[]string{objects.VMResized}, nil},
	"REVERT_RESIZE":     {[]string{objects.VMResized}, []string{"resize_reverting"}},
	"REBOOT":            {[]string{objects.VMActive}, []string{objects.TaskRebooting, objects.TaskRebootPending, objects.TaskRebootStarted}},
	"HARD_REBOOT":       {[]string{objects.VMActive}, []string{objects.TaskRebootingHard, objects.TaskRebootPendingHard, objects.TaskRebootStartedHard}},
	"REBUILD":           {[]string{objects.VMActive, objects.VMStopped}, []string{objects.TaskRebuilding, "rebuild_block_device_mapping", "rebuild_spawning"}},
	"MIGRATING":         {[]string{objects.VMActive, objects.VMStopped, objects.VMPaused}, []string{objects.TaskMigrating}},
	"RESIZE":            {[]string{objects.VMActive, objects.VMStopped}, []string{objects.TaskResizePrep, "resize_migrating", "resize_migrated", "resize_finish"}},
	"PASSWORD":          {[]string{objects.VMActive}, []string{"updating_password"}},
}

// serverSortKeys are the sort keys nova accepts for servers.
var serverSortKeys = func() []string {
	keys := make([]string, 0, len(store.InstanceSortKeys))
	for k := range store.InstanceSortKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}()

// listServers is api-ref "List Servers".
func (a *API) listServers(w http.ResponseWriter, r *http.Request) { a.serverList(w, r, false) }

// listServersDetail is api-ref "List Servers Detailed".
func (a *API) listServersDetail(w http.ResponseWriter, r *http.Request) { a.serverList(w, r, true) }

func (a *API) serverList(w http.ResponseWriter, r *http.Request, detail bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	rule := "os_compute_api:servers:index"
	if detail {
		rule = "os_compute_api:servers:detail"
	}
	if err := a.can(c, rule, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	flt, err := a.serverFilter(r, c, detail)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit, SortKeys: serverSortKeys})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sort := make([]store.SortKey, len(p.Sort))
	for i, s := range p.Sort {
		sort[i] = store.SortKey{Key: s.Key, Dir: s.Dir}
	}
	noMatch, err := a.ipFilter(r, c, &flt)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var list []objects.Instance
	if !p.Zero && !noMatch { // limit=0: an empty page, as nova
		list, err = a.store.ListInstances(r.Context(), flt, sort, p.Limit, p.Marker)
		if err != nil {
			writeErr(w, r, err)
			return
		}
	}
	out := make([]map[string]any, len(list))
	if detail {
		v, err := a.newViewCtx(r, c, list, nil)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		for i, in := range list {
			out[i] = a.serverView(r, v, in)
		}
	} else {
		for i, in := range list {
			out[i] = serverBasic(r, in)
		}
	}
	resp := map[string]any{"servers": out}
	if len(list) > 0 {
		if l := nextLinks(r, p, len(list), list[len(list)-1].UUID); l != nil {
			resp["servers_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

func truthy(s string) bool {
	b, err := parseBool("", s)
	return err == nil && b
}

// serverFilter reads nova's list filters; non-admin callers get their own
// project and the filters nova lets users use.
func (a *API) serverFilter(r *http.Request, c caller, detail bool) (store.InstanceFilter, error) {
	q := httpapi.QueryOf(r)
	var f store.InstanceFilter
	if err := checkServerQuery(r); err != nil { // 2.75, microversions_lists.go
		return f, err
	}
	allTenants := false
	if v, ok := q.Lookup("all_tenants"); ok {
		allTenants = v == "" || truthy(v)
	}
	if allTenants {
		rule := "os_compute_api:servers:index:get_all_tenants"
		if detail {
			rule = "os_compute_api:servers:detail:get_all_tenants"
		}
		if err := a.can(c, rule, nil); err != nil {
			return f, err
		}
		f.ProjectID = q.Get("project_id")
		if f.ProjectID == "" {
			f.ProjectID = q.Get("tenant_id")
		}
	} else {
		f.ProjectID = c.ProjectID
	}
	admin := a.allowed(c, "os_compute_api:servers:allow_all_filters", nil)
	f.Name = q.Get("name")
	f.ReservationID = q.Get("reservation_id")
	f.ImageRef = lastSegment(q.Get("image"))
	f.FlavorID = lastSegment(q.Get("flavor"))
	if statuses := q.Values("status"); len(statuses) > 0 {
		for _, s := range statuses {
			st, ok := statusStates[strings.ToUpper(strings.TrimSpace(s))]
			if !ok {
				if atLeast(r, 38) {
					return f, invalid("Invalid status value")
				}
				f.VMStates = append(f.VMStates, "__none__")
				continue
			}
			f.VMStates = append(f.VMStates, st.vm...)
			if st.task != nil {
				f.TaskStates = append(f.TaskStates, st.task...)
			}
		}
		if strings.EqualFold(statuses[0], "deleted") && admin {
			t := true
			f.Deleted = &t
		}
	}
	for key, dst := range map[string]**time.Time{"changes-since": &f.ChangesSince, "changes-before": &f.ChangesBefore} {
		if v := q.Get(key); v != "" {
			t, err := timefmt.Parse(v)
			if err != nil {
				return f, invalid("Invalid filter field: %s.", key)
			}
			*dst = &t
		}
	}
	if f.ChangesSince != nil && f.ChangesBefore != nil && f.ChangesBefore.Before(*f.ChangesSince) {
		return f, invalid("The value of changes-since must be less than or equal to changes-before.")
	}
	if atLeast(r, 26) {
		f.Tags = splitTags(q.Get("tags"))
		f.TagsAny = splitTags(q.Get("tags-any"))
		f.NotTags = splitTags(q.Get("not-tags"))
		f.NotTagsAny = splitTags(q.Get("not-tags-any"))
	}
	if admin {
		f.Host = q.Get("host")
		f.Node = q.Get("node")
		f.UserID = q.Get("user_id")
		f.AvailabilityZone = q.Get("availability_zone")
		f.KeyName = q.Get("key_name")
		f.Hostname = q.Get("hostname")
		f.Description = q.Get("description")
		if vs := q.Values("vm_state"); len(vs) > 0 {
			f.VMStates = append(f.VMStates, vs...)
		}
		if vs := q.Values("task_state"); len(vs) > 0 {
			f.TaskStates = append(f.TaskStates, vs...)
		}
		for _, v := range q.Values("power_state") {
			if n, err := strconv.Atoi(v); err == nil {
				f.PowerStates = append(f.PowerStates, n)
			}
		}
		if v := q.Values("uuid"); len(v) > 0 {
			f.UUIDs = v
		}
		if v, ok := q.Lookup("deleted"); ok {
			b := truthy(v)
			f.Deleted = &b
		}
	}
	if err := serverFilters59(r, admin, &f); err != nil { // 2.66, 2.73, 2.83: microversions_lists.go
		return f, err
	}
	return f, nil
}

// accessIPs reads accessIPv4/accessIPv6 (kept in system metadata).
func accessIPs(b body) (map[string]string, error) {
	out := map[string]string{}
	for key, field := range map[string]string{"access_ip_v4": "accessIPv4", "access_ip_v6": "accessIPv6"} {
		v, ok := b[field]
		if !ok || v == nil {
			continue
		}
		s, isStr := v.(string)
		ip := net.ParseIP(s)
		if !isStr || ip == nil || (field == "accessIPv4") != (ip.To4() != nil && !strings.Contains(s, ":")) {
			want := "ipv4"
			if field == "accessIPv6" {
				want = "ipv6"
			}
			return nil, badField(field, v, "%s is not a '%s'", repr(v), want)
		}
		// Stored in canonical form, as nova's IPAddress fields coerce it
		// ("0:0:0:0:0:babe:220.12.22.2" reads back "::babe:dc0c:1602").
		out[key] = ip.String()
	}
	return out, nil
}

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// showServer is api-ref "Show Server Details".
func (a *API) showServer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeServer(w, r, c, in, http.StatusOK)
}

func (a *API) writeServer(w http.ResponseWriter, r *http.Request, c caller, in objects.Instance, status int) {
	a.writeServerView(w, r, c, in, status, false)
}

func (a *API) writeServerView(w http.ResponseWriter, r *http.Request, c caller, in objects.Instance, status int, update bool) {
	v, err := a.newViewCtx(r, c, []objects.Instance{in}, projectTarget(in.ProjectID))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v.updateView = update && !atLeast(r, 75) // from 2.75 PUT answers the full server
	sv := a.serverView(r, v, in)
	if err := a.addServerGroups(r, sv, in); err != nil { // 2.71, microversions_servers.go
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, status, map[string]any{"server": sv})
}

// updateServer is api-ref "Update Server".
func (a *API) updateServer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:update")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "server")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	allowed := []string{"name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"}
	if atLeast(r, 19) {
		allowed = append(allowed, "description")
	}
	if atLeast(r, 90) {
		allowed = append(allowed, "hostname")
	}
	if err := b.only("server", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	var u store.InstanceUpdate
	if name, ok, err := b.str("name", false, false, 1, 255); err != nil {
		writeErr(w, r, err)
		return
	} else if ok {
		if err := nameOK("name", name); err != nil {
			writeErr(w, r, err)
			return
		}
		u.Name = &name
	}
	if b.has("description") {
		d, _, err := b.str("description", false, true, 0, 255)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		u.Description = &d
	}
	if h, ok, err := hostname290(r, b); err != nil { // microversions_servers.go
		writeErr(w, r, err)
		return
	} else if ok {
		u.Hostname = &h
	}
	ips, err := accessIPs(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	dc, err := diskConfig(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(ips) > 0 || dc != "" {
		sys := withDiskConfig(in.SystemMetadata, dc)
		for k, v := range ips {
			sys[k] = v
		}
		u.SystemMetadata = sys
	}
	in, err = a.store.UpdateInstance(r.Context(), in.UUID, u)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeServerView(w, r, c, in, http.StatusOK, true)
}

// deleteServer is api-ref "Delete Server".
func (a *API) deleteServer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:delete")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, objects.ActionDelete)); err != nil {
		writeErr(w, r, err)
		return
	}
	a.deleteShelvedImage(r, c, in) // server_actions_lifecycle.go
	if in.Host == "" || !a.hostUp(r, in.Host) {
		// Never scheduled, or its host is down: delete in the database;
		// a down host cleans up what is left when it starts again.
		if err := a.localDelete(r, in); err != nil {
			writeErr(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	deleting := objects.TaskDeleting
	in, err = a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{TaskState: &deleting})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	bdms, err := a.store.BlockDeviceMappings(r.Context(), []string{in.UUID})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.compute.TerminateInstance(rpcCtx(r), in, bdms[in.UUID]); err != nil {
		a.log.WarnContext(r.Context(), "terminate cast failed; deleting locally", "instance", in.UUID, "error", err.Error())
		if err := a.localDelete(r, in); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// localDelete marks the instance deleted in the database and frees its
// ports, volumes and resource claims.
func (a *API) localDelete(r *http.Request, in objects.Instance) error {
	if c, err := callerOf(r); err == nil {
		a.localVolumeCleanup(r, c, in) // volume_attachments.go
	}
	a.releasePorts(r, in) // servers_networks.go
	if _, err := a.store.DestroyInstance(r.Context(), in.UUID); err != nil {
		return err
	}
	if a.nodes != nil {
		if err := a.nodes.Release(r.Context(), in.UUID); err != nil {
			a.log.ErrorContext(r.Context(), "cannot release the claims of a deleted instance", "instance", in.UUID, "error", err.Error())
		}
	}
	return nil
}

// hostUp reports whether the nova-compute service of host is up.
func (a *API) hostUp(r *http.Request, host string) bool {
	svcs, err := a.computeServices(r.Context())
	if err != nil {
		return true
	}
	svc, ok := svcs[host]
	return ok && !svc.ForcedDown && isUp(a, svc)
}

func (a *API) checkLocked(c caller, in objects.Instance) error {
	if in.Locked && !c.IsAdmin {
		return fault.New(fault.Conflict, "Instance %s is locked", in.UUID)
	}
	return nil
}

func (a *API) action(r *http.Request, c caller, name string) store.ActionStart {
	return store.ActionStart{Action: name, RequestID: requestID(r), UserID: c.UserID, ProjectID: c.ProjectID}
}
