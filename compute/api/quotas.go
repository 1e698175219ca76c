package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/httpapi"
)

// DefaultQuotas are nova's [quota] defaults; the network-era resources
// show -1 (unlimited) as nova does with Neutron.
func DefaultQuotas() map[string]int {
	return map[string]int{
		"instances": 10, "cores": 20, "ram": 51200, "metadata_items": 128,
		"injected_files": 5, "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255,
		"key_pairs": 100, "server_groups": 10, "server_group_members": 10,
		"fixed_ips": -1, "floating_ips": -1, "security_groups": -1, "security_group_rules": -1,
	}
}

// quotaResources lists the resources shown at the request's version.
func quotaResources(r *http.Request) []string {
	res := []string{"cores", "instances", "key_pairs", "metadata_items", "ram", "server_groups", "server_group_members"}
	if !atLeast(r, 57) {
		res = append(res, "injected_file_content_bytes", "injected_file_path_bytes", "injected_files")
	}
	if !atLeast(r, 36) {
		res = append(res, "fixed_ips", "floating_ips", "security_group_rules", "security_groups")
	}
	slices.Sort(res)
	return res
}

// quotaLimits merges the defaults, the "default" quota class and the
// project's overrides.
func (a *API) quotaLimits(r *http.Request, project string, withProject bool) (map[string]int, error) {
	out := map[string]int{}
	for k, v := range a.set.Quota {
		out[k] = v
	}
	cls, err := a.store.ClassQuotas(r.Context(), "default")
	if err != nil {
		return nil, err
	}
	for k, v := range cls {
		out[k] = v
	}
	if withProject {
		p, err := a.store.ProjectQuotas(r.Context(), project)
		if err != nil {
			return nil, err
		}
		for k, v := range p {
			out[k] = v
		}
	}
	return out, nil
}

// limitFor is one resource's limit for a project (-1 unlimited); on a
// database error the default.
func (a *API) limitFor(r *http.Request, project, resource string) int {
	l, err := a.quotaLimits(r, project, true)
	if err != nil {
		return a.set.Quota[resource]
	}
	return l[resource]
}

func (a *API) quotaUsage(r *http.Request, project string) (map[string]int, error) {
	u, err := a.store.ProjectUsage(r.Context(), project)
	if err != nil {
		return nil, err
	}
	out := map[string]int{"instances": u.Instances, "cores": u.Cores, "ram": u.RAM}
	if err := a.groupUsage(r, project, out); err != nil { // server_groups.go
		return nil, err
	}
	return out, nil
}

// showQuotas is api-ref "Show A Quota".
func (a *API) showQuotas(w http.ResponseWriter, r *http.Request) { a.quotaSet(w, r, false, true) }

// detailQuotas is api-ref "Show The Detail of Quota".
func (a *API) detailQuotas(w http.ResponseWriter, r *http.Request) { a.quotaSet(w, r, true, true) }

// defaultQuotas is api-ref "List Default Quotas For Tenant".
func (a *API) defaultQuotas(w http.ResponseWriter, r *http.Request) { a.quotaSet(w, r, false, false) }

func (a *API) quotaSet(w http.ResponseWriter, r *http.Request, detail, withProject bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	project := chi.URLParam(r, "project_id")
	rule := "os_compute_api:os-quota-sets:show"
	switch {
	case detail:
		rule = "os_compute_api:os-quota-sets:detail"
	case !withProject:
		rule = "os_compute_api:os-quota-sets:defaults"
	}
	if err := a.can(c, rule, projectTarget(project)); err != nil {
		writeErr(w, r, err)
		return
	}
	limits, err := a.quotaLimits(r, project, withProject)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	set := map[string]any{"id": project}
	var used map[string]int
	if detail {
		if used, err = a.quotaUsage(r, project); err != nil {
			writeErr(w, r, err)
			return
		}
		if n, err := a.store.CountKeyPairs(r.Context(), c.UserID); err == nil {
			used["key_pairs"] = n
		}
	}
	for _, res := range quotaResources(r) {
		if detail {
			set[res] = map[string]int{"in_use": used[res], "limit": limits[res], "reserved": 0}
		} else {
			set[res] = limits[res]
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_set": set})
}

// updateQuotas is api-ref "Update Quotas".
func (a *API) updateQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	project := chi.URLParam(r, "project_id")
	if err := a.can(c, "os_compute_api:os-quota-sets:update", projectTarget(project)); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "quota_set")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	allowed := append(quotaResources(r), "force")
	if err := b.only("quota_set", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	force := false
	if v, ok, err := b.boolField("force"); err != nil {
		writeErr(w, r, err)
		return
	} else if ok {
		force = v
	}
	updates := map[string]int{}
	for k := range b {
		if k == "force" {
			continue
		}
		n, _, err := b.intField(k, true, -1, 2147483647, true)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		updates[k] = int(n)
	}
	if !force {
		used, err := a.quotaUsage(r, project)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		for k, v := range updates {
			if v >= 0 && v < used[k] {
				writeErr(w, r, invalid("Quota limit %d for %s must be greater than or equal to already used and reserved %d.", v, k, used[k]))
				return
			}
		}
	}
	if err := a.store.SetProjectQuotas(r.Context(), project, updates); err != nil {
		writeErr(w, r, err)
		return
	}
	limits, err := a.quotaLimits(r, project, true)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	set := map[string]any{}
	for _, res := range quotaResources(r) {
		set[res] = limits[res]
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_set": set})
}

// deleteQuotas is api-ref "Revert Quotas To Defaults".
func (a *API) deleteQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	project := chi.URLParam(r, "project_id")
	if err := a.can(c, "os_compute_api:os-quota-sets:delete", projectTarget(project)); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.store.DeleteProjectQuotas(r.Context(), project); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// limits is api-ref "Show Rate And Absolute Limits".
func (a *API) limits(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:limits", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	project := c.ProjectID
	if t := httpapi.QueryOf(r).Get("tenant_id"); t != "" && t != project {
		if a.allowed(c, "os_compute_api:limits:other_project", projectTarget(t)) {
			project = t
		}
	}
	l, err := a.quotaLimits(r, project, true)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	u, err := a.store.ProjectUsage(r.Context(), project)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	abs := map[string]any{
		"maxServerMeta": l["metadata_items"], "maxTotalCores": l["cores"], "maxTotalInstances": l["instances"],
		"maxTotalKeypairs": l["key_pairs"], "maxTotalRAMSize": l["ram"], "maxServerGroups": l["server_groups"],
		"maxServerGroupMembers": l["server_group_members"],
		"totalCoresUsed":        u.Cores, "totalInstancesUsed": u.Instances, "totalRAMUsed": u.RAM, "totalServerGroupsUsed": a.serverGroupsUsed(r, project), // server_groups.go
	}
	if !atLeast(r, 39) {
		abs["maxImageMeta"] = l["metadata_items"]
	}
	if !atLeast(r, 57) {
		abs["maxPersonality"] = l["injected_files"]
		abs["maxPersonalitySize"] = l["injected_file_content_bytes"]
	}
	if !atLeast(r, 36) {
		abs["maxSecurityGroupRules"] = l["security_group_rules"]
		abs["maxSecurityGroups"] = l["security_groups"]
		abs["maxTotalFloatingIps"] = l["floating_ips"]
		abs["totalFloatingIpsUsed"] = 0
		abs["totalSecurityGroupsUsed"] = 0
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"limits": map[string]any{"absolute": abs, "rate": []any{}}})
}

// quotaClassResources lists the resources of os-quota-class-sets at the
// request's version: network-era ones until 2.50, server groups from it.
func quotaClassResources(r *http.Request) []string {
	res := []string{"cores", "instances", "key_pairs", "metadata_items", "ram"}
	if !atLeast(r, 57) {
		res = append(res, "injected_file_content_bytes", "injected_file_path_bytes", "injected_files")
	}
	if atLeast(r, 50) {
		res = append(res, "server_groups", "server_group_members")
	} else {
		res = append(res, "fixed_ips", "floating_ips", "security_group_rules", "security_groups")
	}
	slices.Sort(res)
	return res
}

// showQuotaClass is api-ref "Show the quota for Quota Class".
func (a *API) showQuotaClass(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	class := chi.URLParam(r, "class")
	if err := a.can(c, "os_compute_api:os-quota-class-sets:show", map[string]any{"quota_class": class}); err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeQuotaClass(w, r, class, true)
}

func (a *API) writeQuotaClass(w http.ResponseWriter, r *http.Request, class string, withID bool) {
	limits := map[string]int{}
	for k, v := range a.set.Quota {
		limits[k] = v
	}
	cls, err := a.store.ClassQuotas(r.Context(), class)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	for k, v := range cls {
		limits[k] = v
	}
	set := map[string]any{}
	if withID {
		set["id"] = class
	}
	for _, res := range quotaClassResources(r) {
		set[res] = limits[res]
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_class_set": set})
}

// updateQuotaClass is api-ref "Create or Update Quotas for Quota Class".
func (a *API) updateQuotaClass(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	class := chi.URLParam(r, "class")
	if err := a.can(c, "os_compute_api:os-quota-class-sets:update", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "quota_class_set")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	allowed := append(quotaClassResources(r), "networks")
	if err := b.only("quota_class_set", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	updates := map[string]int{}
	for k := range b {
		n, _, err := b.intField(k, true, -1, 2147483647, true)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		updates[k] = int(n)
	}
	if err := a.store.SetClassQuotas(r.Context(), class, updates); err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeQuotaClass(w, r, class, false)
}
