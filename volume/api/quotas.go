package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/volume/store"
)

// quotaSet renders limits (and usage) for every resource: the global ones
// and the per-type volumes_/gigabytes_/snapshots_<type>.
func (a *API) quotaSet(r *http.Request, project string, limits map[string]int, usage *store.Usage) (map[string]any, error) {
	types, err := a.db.ListTypes(r.Context(), nil, "", true)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"id": project}
	put := func(k string, used int) {
		lim := limitOf(limits, k)
		if usage == nil {
			out[k] = lim
			return
		}
		out[k] = map[string]int{"limit": lim, "in_use": used, "reserved": 0}
	}
	u := store.Usage{ByType: map[string]store.TypeUsage{}}
	if usage != nil {
		u = *usage
	}
	put("volumes", u.Volumes)
	put("snapshots", u.Snapshots)
	put("gigabytes", u.Gigabytes)
	var backups, backupGB int
	if usage != nil {
		if backups, backupGB, err = a.db.BackupUsage(r.Context(), project); err != nil {
			return nil, err
		}
	}
	put("backups", backups)
	put("backup_gigabytes", backupGB)
	put("groups", a.groupsInUse(r, project, usage != nil)) // groups.go
	put("per_volume_gigabytes", 0)
	names := make([]string, 0, len(types))
	for _, t := range types {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	for _, n := range names {
		tu := u.ByType[n]
		put("volumes_"+n, tu.Volumes)
		put("gigabytes_"+n, tu.Gigabytes)
		put("snapshots_"+n, tu.Snapshots)
	}
	return out, nil
}

// quotaDefaults is GET /os-quota-sets/{pid}/defaults.
func (a *API) quotaDefaults(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	pid := chi.URLParam(r, "pid")
	if pid == "" {
		pid = c.project()
	}
	if err := a.authorize(c, "volume_extension:quotas:show", pid); err != nil {
		fail(w, r, err)
		return
	}
	defaults, err := a.classDefaults(r.Context(), a.db)
	if err != nil {
		fail(w, r, err)
		return
	}
	out, err := a.quotaSet(r, pid, defaults, nil)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_set": out})
}

// showQuotas is GET /os-quota-sets/{pid}[?usage=True].
func (a *API) showQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	pid := chi.URLParam(r, "pid")
	if err := a.authorize(c, "volume_extension:quotas:show", pid); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	limits, err := a.limitsOf(ctx, a.db, pid)
	if err != nil {
		fail(w, r, err)
		return
	}
	var usage *store.Usage
	if u, _ := boolParam(httpapi.QueryOf(r).Get("usage")); u {
		us, err := a.db.Usage(ctx, pid)
		if err != nil {
			fail(w, r, err)
			return
		}
		usage = &us
	}
	out, err := a.quotaSet(r, pid, limits, usage)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_set": out})
}

// updateQuotas is PUT /os-quota-sets/{pid} (admin).
func (a *API) updateQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req map[string]json.RawMessage
	if err := decode(r, "quota_set", &req); err != nil {
		fail(w, r, err)
		return
	}
	pid := chi.URLParam(r, "pid")
	if err := a.authorize(c, "volume_extension:quotas:update", pid); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	types, err := a.db.ListTypes(ctx, nil, "", true)
	if err != nil {
		fail(w, r, err)
		return
	}
	known := map[string]bool{}
	for _, k := range quotaResources {
		known[k] = true
	}
	for _, t := range types {
		known["volumes_"+t.Name], known["gigabytes_"+t.Name], known["snapshots_"+t.Name] = true, true, true
	}
	set := map[string]int{}
	for k, raw := range req {
		if k == "tenant_id" || k == "id" {
			continue
		}
		if !known[k] {
			fail(w, r, fault.New(fault.Invalid, "Invalid input received: Bad key(s) in quota set: %s", k))
			return
		}
		n, err := quotaLimit(k, raw)
		if err != nil {
			fail(w, r, err)
			return
		}
		set[k] = n
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		for k, n := range set {
			if err := tx.SetQuota(ctx, pid, k, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	limits, err := a.limitsOf(ctx, a.db, pid)
	if err != nil {
		fail(w, r, err)
		return
	}
	out, err := a.quotaSet(r, pid, limits, nil)
	if err != nil {
		fail(w, r, err)
		return
	}
	delete(out, "id")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_set": out})
}

// deleteQuotas is DELETE /os-quota-sets/{pid}: back to the defaults.
func (a *API) deleteQuotas(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	pid := chi.URLParam(r, "pid")
	if err := a.authorize(c, "volume_extension:quotas:delete", pid); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.db.DeleteQuotas(r.Context(), pid); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// limits is GET /limits: absolute limits and usage of the project.
func (a *API) limits(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	pid := c.project()
	if t := httpapi.QueryOf(r).Get("tenant_id"); t != "" && c.isAdmin() {
		pid = t
	}
	if t := httpapi.QueryOf(r).Get("project_id"); t != "" && c.isAdmin() && microversion.Of(r).AtLeast(3, 39) {
		pid = t
	}
	if err := a.authorize(c, "limits_extension:used_limits", pid); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	l, err := a.limitsOf(ctx, a.db, pid)
	if err != nil {
		fail(w, r, err)
		return
	}
	u, err := a.db.Usage(ctx, pid)
	if err != nil {
		fail(w, r, err)
		return
	}
	abs := map[string]int{
		"maxTotalVolumes": limitOf(l, "volumes"), "maxTotalSnapshots": limitOf(l, "snapshots"),
		"maxTotalVolumeGigabytes": limitOf(l, "gigabytes"), "maxTotalBackups": limitOf(l, "backups"),
		"maxTotalBackupGigabytes": limitOf(l, "backup_gigabytes"),
		"totalVolumesUsed":        u.Volumes, "totalSnapshotsUsed": u.Snapshots, "totalGigabytesUsed": u.Gigabytes,
		"totalBackupsUsed": 0, "totalBackupGigabytesUsed": 0,
	}
	if n, gb, err := a.db.BackupUsage(ctx, pid); err == nil {
		abs["totalBackupsUsed"], abs["totalBackupGigabytesUsed"] = n, gb
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"limits": map[string]any{"rate": []any{}, "absolute": abs}})
}

// showQuotaClass is GET /os-quota-class-sets/{class} (admin).
func (a *API) showQuotaClass(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:quota_classes", ""); err != nil {
		fail(w, r, err)
		return
	}
	defaults, err := a.classDefaults(r.Context(), a.db)
	if err != nil {
		fail(w, r, err)
		return
	}
	out, err := a.quotaSet(r, chi.URLParam(r, "class"), defaults, nil)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_class_set": out})
}

// updateQuotaClass is PUT /os-quota-class-sets/{class}: only the default
// class exists, and it sets every project's defaults.
func (a *API) updateQuotaClass(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req map[string]json.RawMessage
	if err := decode(r, "quota_class_set", &req); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:quota_classes", ""); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	set := map[string]int{}
	for k, raw := range req {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil || n < -1 {
			fail(w, r, invalid("Quota class limit %s for %s must be an integer greater than or equal to -1.", raw, k))
			return
		}
		set[k] = n
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		for k, n := range set {
			if err := tx.SetQuota(ctx, classKey, k, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	defaults, err := a.classDefaults(ctx, a.db)
	if err != nil {
		fail(w, r, err)
		return
	}
	out, err := a.quotaSet(r, "", defaults, nil)
	if err != nil {
		fail(w, r, err)
		return
	}
	delete(out, "id")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"quota_class_set": out})
}

// quotaLimit reads a quota limit as cinder's validate_integer(value, key,
// -1, DB_MAX_INT): an integer, or a string holding one.
func quotaLimit(key string, raw json.RawMessage) (int, error) {
	txt := strings.TrimSpace(string(raw))
	var str string
	if json.Unmarshal(raw, &str) == nil {
		txt = strings.TrimSpace(str)
	}
	n, err := strconv.ParseInt(txt, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			if strings.HasPrefix(txt, "-") {
				return 0, fault.New(fault.Invalid, "%s must be >= -1", key)
			}
			return 0, fault.New(fault.Invalid, "%s must be <= %d", key, dbMaxInt)
		}
		return 0, fault.New(fault.Invalid, "%s must be an integer", key)
	}
	switch {
	case n < -1:
		return 0, fault.New(fault.Invalid, "%s must be >= -1", key)
	case n > dbMaxInt:
		return 0, fault.New(fault.Invalid, "%s must be <= %d", key, dbMaxInt)
	}
	return int(n), nil
}
