package api

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/servicegroup"
)

// auditPeriod is nova's last_completed_audit_period for the default
// [DEFAULT] instance_usage_audit_period = month: the whole calendar month
// before the one holding before.
func auditPeriod(before time.Time) (begin, end time.Time) {
	end = time.Date(before.Year(), before.Month(), 1, 0, 0, 0, 0, time.UTC)
	return end.AddDate(0, -1, 0), end
}

// auditLog is the summary nova builds from its task_log rows for the
// period. Our compute hosts do not run the instance usage audit (nova's
// [DEFAULT] instance_usage_audit, off by default), so every compute host
// is one that has not run.
func (a *API) auditLog(r *http.Request, before time.Time) (map[string]any, error) {
	begin, end := auditPeriod(before)
	list, err := a.services.List(r.Context(), servicegroup.Filter{Binary: "nova-compute"})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	notRun := []string{}
	for _, s := range list {
		if !seen[s.Host] {
			seen[s.Host] = true
			notRun = append(notRun, s.Host)
		}
	}
	sort.Strings(notRun)
	done := fmt.Sprintf("0 of %d", len(notRun))
	if len(notRun) == 0 {
		done = "ALL"
	}
	const pyFormat = "2006-01-02 15:04:05"
	return map[string]any{
		"period_beginning": begin.Format(pyFormat), "period_ending": end.Format(pyFormat),
		"num_hosts": len(notRun), "num_hosts_done": 0, "num_hosts_running": 0,
		"num_hosts_not_run": len(notRun), "hosts_not_run": notRun,
		"total_instances": 0, "total_errors": 0, "log": map[string]any{},
		"overall_status": done + " hosts done. 0 errors.",
	}, nil
}

// listAuditLogs is api-ref "List Server Usage Audits": the last completed
// period.
func (a *API) listAuditLogs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-instance-usage-audit-log:list", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	v, err := a.auditLog(r, a.now().UTC())
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"instance_usage_audit_logs": v})
}

// showAuditLog is api-ref "List Usage Audits Before Specified Time": the
// URL's "YYYY-MM-DD HH:MM:SS[.ffffff]" picks the period.
func (a *API) showAuditLog(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-instance-usage-audit-log:show", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	raw := chi.URLParam(r, "before_timestamp")
	if s, err := url.PathUnescape(raw); err == nil {
		raw = s
	}
	layout := "2006-01-02 15:04:05"
	if strings.Contains(raw, ".") {
		layout = "2006-01-02 15:04:05.999999"
	}
	before, err := time.Parse(layout, raw)
	if err != nil {
		writeErr(w, r, invalid("Invalid timestamp for date %s", raw))
		return
	}
	v, err := a.auditLog(r, before)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"instance_usage_audit_log": v})
}
