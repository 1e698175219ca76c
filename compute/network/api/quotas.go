package api

import (
	"net/http"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/policy"
)

// DefaultQuotas are neutron's [quotas] defaults; -1 is unlimited.
func DefaultQuotas() map[string]int {
	return map[string]int{"network": 100, "subnet": 100, "subnetpool": -1, "port": 500, "router": 10,
		"floatingip": 50, "security_group": 10, "security_group_rule": 100, "rbac_policy": 10}
}

func (a *API) limits(r *http.Request, project string) (map[string]int, error) {
	out := map[string]int{}
	for k, v := range a.set.Quotas {
		out[k] = v
	}
	over, err := a.st.Quotas(r.Context(), project)
	if err != nil {
		return nil, err
	}
	for k, v := range over {
		out[k] = v
	}
	return out, nil
}

// checkQuota refuses to exceed a project's limit of a resource with
// neutron's 409 OverQuota.
func (a *API) checkQuota(r *http.Request, project, resource string, more int) error {
	limits, err := a.limits(r, project)
	if err != nil {
		return err
	}
	limit := limits[resource]
	if limit < 0 {
		return nil
	}
	used, err := a.st.Usage(r.Context(), project)
	if err != nil {
		return err
	}
	if used[resource]+more > limit {
		return store.Errorf("OverQuota", fault.Conflict, "Quota exceeded for resources: ['%s'].", resource)
	}
	return nil
}

func quotaTarget(project string) policy.Target {
	return policy.Target{"project_id": project, "tenant_id": project}
}

func quotaBody(m map[string]int) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (a *API) listQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if !c.isAdmin() {
		writeError(w, r, fault.New(fault.Forbidden, "rule:get_quota is disallowed by policy"))
		return
	}
	projects, err := a.st.QuotaProjects(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, p := range projects {
		l, err := a.limits(r, p)
		if err != nil {
			writeError(w, r, err)
			return
		}
		q := quotaBody(l)
		q["project_id"], q["tenant_id"] = p, p
		out = append(out, q)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"quotas": out})
}

func (a *API) quotaCaller(w http.ResponseWriter, r *http.Request, rule string) (caller, string, bool) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return c, "", false
	}
	project := chi.URLParam(r, "project")
	if err := a.enforce(c, rule, quotaTarget(project)); err != nil {
		writeError(w, r, err)
		return c, "", false
	}
	return c, project, true
}

func (a *API) showQuota(w http.ResponseWriter, r *http.Request) {
	_, project, ok := a.quotaCaller(w, r, "get_quota")
	if !ok {
		return
	}
	l, err := a.limits(r, project)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"quota": quotaBody(l)})
}

func (a *API) defaultQuota(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.quotaCaller(w, r, "get_quota"); !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"quota": quotaBody(a.set.Quotas)})
}

func (a *API) quotaDetails(w http.ResponseWriter, r *http.Request) {
	_, project, ok := a.quotaCaller(w, r, "get_quota")
	if !ok {
		return
	}
	l, err := a.limits(r, project)
	if err != nil {
		writeError(w, r, err)
		return
	}
	used, err := a.st.Usage(r.Context(), project)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := map[string]any{}
	for k, v := range l {
		out[k] = map[string]int{"limit": v, "used": used[k], "reserved": 0}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"quota": out})
}

func (a *API) updateQuota(w http.ResponseWriter, r *http.Request) {
	_, project, ok := a.quotaCaller(w, r, "update_quota")
	if !ok {
		return
	}
	known := make([]string, 0, len(a.set.Quotas))
	for k := range a.set.Quotas {
		known = append(known, k)
	}
	sort.Strings(known)
	body, err := decode(r, "quota", append(known, "force")...)
	if err != nil {
		if strings.HasPrefix(fault.MessageOf(err), "Unrecognized attribute") {
			err = store.Errorf("QuotaResourceUnknown", fault.NotFound, "Unknown quota resources %s.",
				strings.TrimPrefix(fault.MessageOf(err), "Unrecognized attribute(s) "))
		}
		writeError(w, r, err)
		return
	}
	set := map[string]int{}
	for _, k := range known {
		n, err := body.integer(k)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if n == nil {
			continue
		}
		if *n < -1 {
			writeError(w, r, invalid("Invalid input for %s. Reason: '%d' is too small - must be at least '-1'.", k, *n))
			return
		}
		set[k] = *n
	}
	if err := a.st.SetQuotas(r.Context(), project, set); err != nil {
		writeError(w, r, err)
		return
	}
	l, err := a.limits(r, project)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"quota": quotaBody(l)})
}

func (a *API) deleteQuota(w http.ResponseWriter, r *http.Request) {
	_, project, ok := a.quotaCaller(w, r, "delete_quota")
	if !ok {
		return
	}
	if err := a.st.DeleteQuotas(r.Context(), project); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
