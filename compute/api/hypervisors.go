package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
)

// Hypervisors reads the compute nodes nova-scheduler keeps (its
// placement store) and releases claims of instances deleted by the API.
type Hypervisors interface {
	List(ctx context.Context, o placement.ListOptions) ([]placement.Hypervisor, error)
	Get(ctx context.Context, id int64) (placement.Hypervisor, error)
	GetByUUID(ctx context.Context, id string) (placement.Hypervisor, error)
	Statistics(ctx context.Context) (placement.Statistics, error)
	Release(ctx context.Context, consumer string) error
}

func (a *API) hypervisorID(r *http.Request, h placement.Hypervisor) any {
	if atLeast(r, 53) {
		return h.UUID
	}
	return h.ID
}

func (a *API) hypervisorView(r *http.Request, h placement.Hypervisor, detail bool) map[string]any {
	v := map[string]any{
		"id":                  a.hypervisorID(r, h),
		"hypervisor_hostname": h.Hostname,
		"state":               h.State(a.now(), a.set.ServiceDownTime),
		"status":              h.Status(),
	}
	if !detail {
		return v
	}
	v["vcpus"] = h.VCPUs
	v["memory_mb"] = h.MemoryMB
	v["local_gb"] = h.LocalGB
	v["vcpus_used"] = h.Used.VCPUs
	v["memory_mb_used"] = h.MemoryMBUsed()
	v["local_gb_used"] = h.LocalGBUsed()
	v["hypervisor_type"] = h.HypervisorType
	v["hypervisor_version"] = h.HypervisorVersion
	v["free_ram_mb"] = h.FreeRAMMB()
	v["free_disk_gb"] = h.FreeDiskGB()
	v["current_workload"] = 0
	v["running_vms"] = h.RunningVMs()
	v["disk_available_least"] = h.DiskAvailableLeast
	v["host_ip"] = h.HostIP
	if atLeast(r, 28) {
		var ci any = map[string]any{}
		if h.CPUInfo != "" {
			_ = json.Unmarshal([]byte(h.CPUInfo), &ci)
		}
		v["cpu_info"] = ci
	} else {
		v["cpu_info"] = h.CPUInfo
	}
	svc := map[string]any{"host": h.Host, "disabled_reason": nil}
	if h.Service != nil {
		if atLeast(r, 53) {
			svc["id"] = h.Service.UUID
		} else {
			svc["id"] = h.Service.ID
		}
		svc["disabled_reason"] = nullable(h.Service.DisabledReason)
	}
	v["service"] = svc
	hypervisorFields88(r, v) // microversions_servers.go
	return v
}

// listHypervisors is api-ref "List Hypervisors".
func (a *API) listHypervisors(w http.ResponseWriter, r *http.Request) {
	a.hypervisorList(w, r, false, "os_compute_api:os-hypervisors:list")
}

// listHypervisorsDetail is api-ref "List Hypervisors Details".
func (a *API) listHypervisorsDetail(w http.ResponseWriter, r *http.Request) {
	a.hypervisorList(w, r, true, "os_compute_api:os-hypervisors:list-detail")
}

func (a *API) hypervisorList(w http.ResponseWriter, r *http.Request, detail bool, rule string) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, rule, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if a.nodes == nil {
		writeErr(w, r, fault.New(fault.Unavailable, "The compute node records are not available."))
		return
	}
	var o placement.ListOptions
	var p pagination.Params
	if atLeast(r, 33) {
		if p, err = pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit}); err != nil {
			writeErr(w, r, err)
			return
		}
		o.Limit = p.Limit
		if p.Marker != "" {
			var h placement.Hypervisor
			if atLeast(r, 53) {
				h, err = a.nodes.GetByUUID(r.Context(), p.Marker)
			} else if id, perr := strconv.ParseInt(p.Marker, 10, 64); perr == nil {
				h, err = a.nodes.Get(r.Context(), id)
			} else {
				err = perr
			}
			if err != nil {
				writeErr(w, r, invalid("marker [%s] not found", p.Marker))
				return
			}
			o.AfterID = h.ID
		}
	}
	if atLeast(r, 53) {
		o.HostnamePattern = httpapi.QueryOf(r).Get("hypervisor_hostname_pattern")
	}
	list, err := a.nodes.List(r.Context(), o)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	withServers := atLeast(r, 53) && truthy(httpapi.QueryOf(r).Get("with_servers"))
	out := make([]map[string]any, len(list))
	for i, h := range list {
		out[i] = a.hypervisorView(r, h, detail)
		if withServers {
			if err := a.addServers(r, out[i], h); err != nil {
				writeErr(w, r, err)
				return
			}
		}
	}
	resp := map[string]any{"hypervisors": out}
	if atLeast(r, 33) && len(list) > 0 {
		last := list[len(list)-1]
		marker := strconv.FormatInt(last.ID, 10)
		if atLeast(r, 53) {
			marker = last.UUID
		}
		if l := nextLinks(r, p, len(list), marker); l != nil {
			resp["hypervisors_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

// showHypervisor is api-ref "Show Hypervisor Details".
func (a *API) showHypervisor(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hypervisors:show", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if a.nodes == nil {
		writeErr(w, r, fault.New(fault.Unavailable, "The compute node records are not available."))
		return
	}
	id := chi.URLParam(r, "hypervisor_id")
	var h placement.Hypervisor
	if atLeast(r, 53) {
		if _, perr := uuid.Parse(id); perr != nil {
			writeErr(w, r, invalid("Invalid uuid %s", id))
			return
		}
		h, err = a.nodes.GetByUUID(r.Context(), id)
	} else {
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil {
			writeErr(w, r, fault.New(fault.NotFound, "Hypervisor with ID '%s' could not be found.", id))
			return
		}
		h, err = a.nodes.Get(r.Context(), n)
	}
	if fault.KindOf(err) == fault.NotFound {
		writeErr(w, r, fault.New(fault.NotFound, "Hypervisor with ID '%s' could not be found.", id))
		return
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := a.hypervisorView(r, h, true)
	if atLeast(r, 88) {
		v["uptime"] = a.uptimeOf(r, h) // 2.88: the uptime call's answer moved here
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hypervisor": v})
}

// uptimeOf is a host's uptime(1) line, or null when its service is down
// or does not answer (nova's show from 2.88).
func (a *API) uptimeOf(r *http.Request, h placement.Hypervisor) any {
	hu, ok := a.compute.(hostUptimes)
	if !ok || h.State(a.now(), a.set.ServiceDownTime) != "up" {
		return nil
	}
	uptime, err := hu.GetHostUptime(rpcCtx(r), h.Host)
	if err != nil {
		a.log.WarnContext(r.Context(), "nova-api: no uptime from a compute host", "host", h.Host, "error", err)
		return nil
	}
	return uptime
}

// hypervisorStatistics is api-ref "Show Hypervisor Statistics".
func (a *API) hypervisorStatistics(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hypervisors:statistics", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := gone88(r); err != nil { // microversions_servers.go
		writeErr(w, r, err)
		return
	}
	if a.nodes == nil {
		writeErr(w, r, fault.New(fault.Unavailable, "The compute node records are not available."))
		return
	}
	st, err := a.nodes.Statistics(r.Context())
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hypervisor_statistics": map[string]int{
		"count": st.Count, "vcpus": st.VCPUs, "vcpus_used": st.VCPUsUsed, "memory_mb": st.MemoryMB,
		"memory_mb_used": st.MemoryMBUsed, "local_gb": st.LocalGB, "local_gb_used": st.LocalGBUsed,
		"free_ram_mb": st.FreeRAMMB, "free_disk_gb": st.FreeDiskGB, "current_workload": st.CurrentWorkload,
		"running_vms": st.RunningVMs, "disk_available_least": st.DiskAvailableLeast,
	}})
}

// hostUptimes is what the uptime call needs of the compute RPC client
// (computeapi.Client has it).
type hostUptimes interface {
	GetHostUptime(ctx context.Context, host string) (string, error)
}

// hypervisorUptime is api-ref "Show Hypervisor Uptime": the host's
// uptime(1) line, asked of its nova-compute. A host whose service is down
// gets nova's 400 "Compute service ... is unavailable" rather than a wait
// for an RPC timeout.
func (a *API) hypervisorUptime(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-hypervisors:uptime", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := gone88(r); err != nil { // microversions_servers.go
		writeErr(w, r, err)
		return
	}
	if a.nodes == nil {
		writeErr(w, r, fault.New(fault.Unavailable, "The compute node records are not available."))
		return
	}
	id := chi.URLParam(r, "hypervisor_id")
	var (
		h    placement.Hypervisor
		herr error
	)
	if atLeast(r, 53) {
		h, herr = a.nodes.GetByUUID(r.Context(), id)
	} else if n, perr := strconv.ParseInt(id, 10, 64); perr == nil {
		h, herr = a.nodes.Get(r.Context(), n)
	} else {
		herr = fault.New(fault.NotFound, "not found")
	}
	if herr != nil {
		writeErr(w, r, fault.New(fault.NotFound, "Hypervisor with ID '%s' could not be found.", id))
		return
	}
	hu, ok := a.compute.(hostUptimes)
	if !ok {
		writeErr(w, r, fault.New(fault.NotImplemented, "Virt driver does not implement uptime function."))
		return
	}
	if h.State(a.now(), a.set.ServiceDownTime) != "up" {
		writeErr(w, r, fault.New(fault.Invalid, "Compute service %s is unavailable at this time.", h.Host))
		return
	}
	uptime, err := hu.GetHostUptime(rpcCtx(r), h.Host)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := a.hypervisorView(r, h, false)
	v["uptime"] = uptime
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hypervisor": v})
}

// addServers adds the "servers" of a hypervisor ({name, uuid}), omitted
// when it has none, as nova does.
func (a *API) addServers(r *http.Request, v map[string]any, h placement.Hypervisor) error {
	on, err := a.store.InstancesOnHost(r.Context(), h.Host, h.Hostname)
	if err != nil {
		return err
	}
	if len(on) == 0 {
		return nil
	}
	servers := make([]map[string]string, len(on))
	for i, in := range on {
		servers[i] = map[string]string{"name": instanceName(in), "uuid": in.UUID}
	}
	v["servers"] = servers
	return nil
}

// searchHypervisors is api-ref "Search Hypervisor" and "List Hypervisor
// Servers" (below 2.53): the hypervisors whose hostname contains the
// pattern, with their servers for the latter.
func (a *API) searchHypervisors(w http.ResponseWriter, r *http.Request, withServers bool) {
	rule := "os_compute_api:os-hypervisors:search"
	if withServers {
		rule = "os_compute_api:os-hypervisors:servers"
	}
	if atLeast(r, 53) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, rule, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if a.nodes == nil {
		writeErr(w, r, fault.New(fault.Unavailable, "The compute node records are not available."))
		return
	}
	pattern := chi.URLParam(r, "pattern")
	list, err := a.nodes.List(r.Context(), placement.ListOptions{HostnamePattern: pattern})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(list) == 0 {
		writeErr(w, r, fault.New(fault.NotFound, "No hypervisor matching '%s' could be found.", pattern))
		return
	}
	out := make([]map[string]any, len(list))
	for i, h := range list {
		out[i] = a.hypervisorView(r, h, false)
		if withServers {
			if err := a.addServers(r, out[i], h); err != nil {
				writeErr(w, r, err)
				return
			}
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hypervisors": out})
}
