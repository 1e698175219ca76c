package api

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

var usageLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999", "2006-01-02 15:04:05.999999", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999Z07:00"}

func parseUsageTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	for _, l := range usageLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, invalid("Invalid start time. The start time is not a valid date: %s", s)
}

func (a *API) usagePeriod(r *http.Request) (time.Time, time.Time, error) {
	q := httpapi.QueryOf(r)
	now := a.now().UTC()
	start, err := parseUsageTime(q.Get("start"), now)
	if err != nil {
		return start, start, err
	}
	end, err := parseUsageTime(q.Get("end"), now)
	if err != nil {
		return start, end, invalid("Invalid end time. The end time is not a valid date: %s", q.Get("end"))
	}
	if start.After(end) {
		return start, end, invalid("Invalid start time. The start time cannot occur after the end time.")
	}
	return start, end, nil
}

type tenantUsage struct {
	project                     string
	hours, vcpus, memory, local float64
	servers                     []map[string]any
}

// usages computes nova's simple tenant usage over [start, end).
func (a *API) usages(r *http.Request, project string, start, end time.Time) ([]*tenantUsage, error) {
	list, err := a.store.InstancesInPeriod(r.Context(), project, start, end)
	if err != nil {
		return nil, err
	}
	byProject := map[string]*tenantUsage{}
	var order []string
	now := a.now().UTC()
	for _, in := range list {
		u := byProject[in.ProjectID]
		if u == nil {
			u = &tenantUsage{project: in.ProjectID}
			byProject[in.ProjectID] = u
			order = append(order, in.ProjectID)
		}
		hours := instanceHours(in, start, end)
		f := in.Flavor
		u.hours += hours
		u.vcpus += hours * float64(f.VCPUs)
		u.memory += hours * float64(f.MemoryMB)
		u.local += hours * float64(f.RootGB+f.EphemeralGB)
		launched := in.CreatedAt
		if in.LaunchedAt != nil {
			launched = *in.LaunchedAt
		}
		state := in.VMState
		if in.TerminatedAt != nil || in.Deleted() {
			state = "terminated"
		}
		uptimeEnd := now
		if in.TerminatedAt != nil {
			uptimeEnd = *in.TerminatedAt
		}
		u.servers = append(u.servers, map[string]any{
			"instance_id": in.UUID, "name": in.Name, "hours": hours, "memory_mb": f.MemoryMB,
			"local_gb": f.RootGB + f.EphemeralGB, "vcpus": f.VCPUs, "tenant_id": in.ProjectID, "flavor": f.Name,
			"started_at": timefmt.Naive(launched), "ended_at": timefmt.Nullable(timefmt.Naive, in.TerminatedAt),
			"state": state, "uptime": int(uptimeEnd.Sub(launched).Seconds()),
		})
	}
	sort.Strings(order)
	out := make([]*tenantUsage, len(order))
	for i, p := range order {
		out[i] = byProject[p]
	}
	return out, nil
}

// instanceHours is nova's _hours_for: the part of the period the
// instance existed, in hours.
func instanceHours(in objects.Instance, start, end time.Time) float64 {
	from := in.CreatedAt
	if in.LaunchedAt != nil {
		from = *in.LaunchedAt
	}
	to := end
	if in.TerminatedAt != nil && in.TerminatedAt.Before(end) {
		to = *in.TerminatedAt
	}
	if from.Before(start) {
		from = start
	}
	if !to.After(from) {
		return 0
	}
	return to.Sub(from).Hours()
}

func (u *tenantUsage) view(start, end time.Time, detailed bool) map[string]any {
	v := map[string]any{
		"tenant_id": u.project, "start": timefmt.Naive(start), "stop": timefmt.Naive(end),
		"total_hours": u.hours, "total_vcpus_usage": u.vcpus, "total_memory_mb_usage": u.memory,
		"total_local_gb_usage": u.local,
	}
	if detailed {
		v["server_usages"] = u.servers
	}
	return v
}

// showUsage is api-ref "Show Usage Statistics For Tenant".
func (a *API) showUsage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	project := chi.URLParam(r, "project_id")
	if err := a.can(c, "os_compute_api:os-simple-tenant-usage:show", projectTarget(project)); err != nil {
		writeErr(w, r, err)
		return
	}
	start, end, err := a.usagePeriod(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.usages(r, project, start, end)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(list) == 0 {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tenant_usage": map[string]any{}})
		return
	}
	u := list[0]
	if atLeast(r, 40) {
		if u.servers, err = pageServers(r, a, u.servers); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tenant_usage": u.view(start, end, true)})
}

func pageServers(r *http.Request, a *API, servers []map[string]any) ([]map[string]any, error) {
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit})
	if err != nil {
		return nil, err
	}
	if p.Marker != "" {
		i := -1
		for j, s := range servers {
			if s["instance_id"] == p.Marker {
				i = j
			}
		}
		if i < 0 {
			return nil, invalid("Marker %s could not be found.", p.Marker)
		}
		servers = servers[i+1:]
	}
	if len(servers) > p.Limit {
		servers = servers[:p.Limit]
	}
	return servers, nil
}

// listUsage is api-ref "List Tenant Usage Statistics For All Tenants".
func (a *API) listUsage(w http.ResponseWriter, r *http.Request) {
	// /os-simple-tenant-usage/ is a show with an empty project id, which
	// nova does not route: 404, not the list.
	if collectionWithSlash(r) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-simple-tenant-usage:list", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	start, end, err := a.usagePeriod(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	detailed := truthy(strings.TrimSpace(httpapi.QueryOf(r).Get("detailed")))
	list, err := a.usages(r, "", start, end)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	resp := map[string]any{}
	if atLeast(r, 40) {
		// Paged by instance, as nova 2.40: the page's instances grouped
		// by project.
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit})
		if err != nil {
			writeErr(w, r, err)
			return
		}
		var all []map[string]any
		for _, u := range list {
			all = append(all, u.servers...)
		}
		page, err := pageServers(r, a, all)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		keep := map[any]bool{}
		for _, s := range page {
			keep[s["instance_id"]] = true
		}
		var kept []*tenantUsage
		for _, u := range list {
			nu := &tenantUsage{project: u.project}
			for _, s := range u.servers {
				if keep[s["instance_id"]] {
					h := s["hours"].(float64)
					nu.hours += h
					nu.vcpus += h * float64(s["vcpus"].(int))
					nu.memory += h * float64(s["memory_mb"].(int))
					nu.local += h * float64(s["local_gb"].(int))
					nu.servers = append(nu.servers, s)
				}
			}
			if len(nu.servers) > 0 {
				kept = append(kept, nu)
			}
		}
		list = kept
		if len(page) > 0 {
			if l := nextLinks(r, p, len(page), page[len(page)-1]["instance_id"].(string)); l != nil {
				resp["tenant_usages_links"] = l
			}
		}
	}
	out := make([]map[string]any, len(list))
	for i, u := range list {
		out[i] = u.view(start, end, detailed)
	}
	resp["tenant_usages"] = out
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}
