package api

import (
	"net/http"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/servicegroup"
)

// os-hosts is deprecated: nova serves it up to 2.42 and answers 404 from
// 2.43 (os-services and os-hypervisors replace it).
const hostsMaxMinor = 42

func hostsRemoved(w http.ResponseWriter, r *http.Request) bool {
	if atLeast(r, hostsMaxMinor+1) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return true
	}
	return false
}

// listHosts is api-ref "List Hosts": one entry per enabled service (the
// APIs excepted) with its topic and zone, filtered by ?zone=.
func (a *API) listHosts(w http.ResponseWriter, r *http.Request) {
	if hostsRemoved(w, r) {
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hosts:list", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.services.List(r.Context(), servicegroup.Filter{})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	zone := httpapi.QueryOf(r).Get("zone")
	hosts := []map[string]any{}
	for _, s := range list {
		if s.Disabled || s.Binary == "nova-osapi_compute" || s.Binary == "nova-metadata" {
			continue
		}
		z := a.serviceZone(s)
		if zone != "" && z != zone {
			continue
		}
		hosts = append(hosts, map[string]any{"host_name": s.Host, "service": strings.TrimPrefix(s.Binary, "nova-"), "zone": z})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hosts": hosts})
}

// computeHost is the compute node of the URL's host, or nova's 404.
func (a *API) computeHost(r *http.Request) (placement.Hypervisor, error) {
	host := chi.URLParam(r, "host_name")
	if a.nodes != nil {
		nodes, err := a.nodes.List(r.Context(), placement.ListOptions{Host: host})
		if err != nil {
			return placement.Hypervisor{}, err
		}
		if len(nodes) > 0 {
			return nodes[0], nil
		}
	}
	return placement.Hypervisor{}, fault.New(fault.NotFound, "Compute host %s could not be found.", host)
}

// hostResource is one {"resource": {...}} row of a host's detail.
func hostResource(host, project string, cpu, memoryMB, diskGB int) map[string]any {
	return map[string]any{"resource": map[string]any{
		"host": host, "project": project, "cpu": cpu, "memory_mb": memoryMB, "disk_gb": diskGB,
	}}
}

// showHost is api-ref "Show Host Details": the node's totals, what it
// uses now, what its instances' flavors add up to, and that per project.
func (a *API) showHost(w http.ResponseWriter, r *http.Request) {
	if hostsRemoved(w, r) {
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hosts:show", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	h, err := a.computeHost(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	instances, err := a.store.InstancesOnHost(r.Context(), h.Host, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	type sums struct{ cpu, mem, disk int }
	add := func(s *sums, in objects.Instance) {
		s.cpu += in.Flavor.VCPUs
		s.mem += in.Flavor.MemoryMB
		s.disk += in.Flavor.RootGB + in.Flavor.EphemeralGB
	}
	var all sums
	byProject := map[string]*sums{}
	for _, in := range instances {
		add(&all, in)
		if byProject[in.ProjectID] == nil {
			byProject[in.ProjectID] = &sums{}
		}
		add(byProject[in.ProjectID], in)
	}
	out := []map[string]any{
		hostResource(h.Host, "(total)", h.VCPUs, h.MemoryMB, h.LocalGB),
		hostResource(h.Host, "(used_now)", h.Used.VCPUs, h.MemoryMBUsed(), h.LocalGBUsed()),
		hostResource(h.Host, "(used_max)", all.cpu, all.mem, all.disk),
	}
	projects := make([]string, 0, len(byProject))
	for p := range byProject {
		projects = append(projects, p)
	}
	sort.Strings(projects)
	for _, p := range projects {
		s := byProject[p]
		out = append(out, hostResource(h.Host, p, s.cpu, s.mem, s.disk))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"host": out})
}

// hostSwitch reads an os-hosts update field: "enable" or "disable" in
// any of nova's accepted spellings.
func hostSwitch(b body, field string) (value string, set bool, err error) {
	v, ok := b[field]
	if !ok {
		return "", false, nil
	}
	s, _ := v.(string)
	switch s {
	case "enable", "Enable", "ENABLE":
		return "enable", true, nil
	case "disable", "Disable", "DISABLE":
		return "disable", true, nil
	}
	return "", false, badField(field, v, "%s is not one of ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']", repr(v))
}

// updateHost is api-ref "Update Host Status": status enables or disables
// the host's compute service; maintenance_mode needs a virt driver
// function libvirt lacks (501, as nova).
func (a *API) updateHost(w http.ResponseWriter, r *http.Request) {
	if hostsRemoved(w, r) {
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hosts:update", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("body", "status", "maintenance_mode"); err != nil {
		writeErr(w, r, err)
		return
	}
	status, hasStatus, err := hostSwitch(b, "status")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	_, hasMaint, err := hostSwitch(b, "maintenance_mode")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !hasStatus && !hasMaint {
		writeErr(w, r, badField("body", map[string]any(b), "%s is not valid under any of the given schemas", repr(map[string]any(b))))
		return
	}
	h, err := a.computeHost(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	svc, err := a.services.GetByHostBinary(r.Context(), h.Host, "nova-compute")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := map[string]any{"host": h.Host}
	if hasMaint {
		writeErr(w, r, fault.New(fault.NotImplemented, "Virt driver does not implement host maintenance mode."))
		return
	}
	if status == "enable" {
		_, err = a.services.Enable(r.Context(), svc.ID)
		out["status"] = "enabled"
	} else {
		_, err = a.services.Disable(r.Context(), svc.ID, "")
		out["status"] = "disabled"
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

// hostPowerAction is api-ref "Reboot/Shut Down/Start Host": the libvirt
// driver has no host power management, so a known host gets nova's 501.
func (a *API) hostPowerAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if hostsRemoved(w, r) {
			return
		}
		c, err := callerOf(r)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if err := a.can(c, "os_compute_api:os-hosts:"+action, nil); err != nil {
			writeErr(w, r, err)
			return
		}
		if _, err := a.computeHost(r); err != nil {
			writeErr(w, r, err)
			return
		}
		writeErr(w, r, fault.New(fault.NotImplemented, "Virt driver does not implement host power management."))
	}
}
