package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/store"
)

// backupRoutes adds the backups API.
func (a *API) backupRoutes(r chi.Router) {
	r.Get("/backups", a.listBackups(false))
	r.Get("/backups/detail", a.listBackups(true))
	r.Post("/backups", a.createBackup)
	r.Post("/backups/import_record", a.importBackup)
	r.Get("/backups/{id}/export_record", a.exportBackup)
	r.Get("/backups/{id}", a.showBackup)
	r.With(microversion.Require(microversion.V(3, 9), microversion.Version{})).Put("/backups/{id}", a.updateBackup)
	r.Delete("/backups/{id}", a.deleteBackup)
	r.Post("/backups/{id}/restore", a.restoreBackup)
	r.Post("/backups/{id}/action", a.backupAction)
}

func backupSummary(r *http.Request, b store.Backup) map[string]any {
	return map[string]any{"id": b.ID, "name": b.Name, "links": links(r, b.ProjectID, "backups", b.ID)}
}

// backupDetail is cinder's detail view; project_id from 3.18 for those the
// policy allows, metadata from 3.43.
func (a *API) backupDetail(r *http.Request, c caller, b store.Backup) map[string]any {
	out := map[string]any{
		"id": b.ID, "name": b.Name, "description": b.Description, "links": links(r, b.ProjectID, "backups", b.ID),
		"status": b.Status, "size": b.Size, "object_count": b.ObjectCount, "availability_zone": b.AvailabilityZone,
		"container": b.Container, "created_at": timefmt.Naive(b.CreatedAt),
		"updated_at": timefmt.Nullable(timefmt.Naive, b.UpdatedAt), "fail_reason": b.FailReason,
		"volume_id": b.VolumeID, "is_incremental": b.ParentID != nil, "has_dependent_backups": b.NumDependent > 0,
		"snapshot_id": b.SnapshotID, "data_timestamp": timefmt.Naive(b.DataTimestamp),
	}
	mv := microversion.Of(r)
	if mv.AtLeast(3, 18) && a.allowed(c, "backup:backup_project_attribute", b.ProjectID) {
		out["os-backup-project-attr:project_id"] = b.ProjectID
		if mv.AtLeast(3, 56) {
			out["user_id"] = b.UserID
		}
	}
	if mv.AtLeast(3, 43) {
		out["metadata"] = b.Metadata
	}
	return out
}

type backupCreate struct {
	VolumeID    *string           `json:"volume_id"`
	Container   *string           `json:"container"`
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Incremental any               `json:"incremental"`
	Force       any               `json:"force"`
	SnapshotID  *string           `json:"snapshot_id"`
	Metadata    map[string]string `json:"metadata"`
}

// boolField reads a JSON boolean (or one of oslo's boolean strings).
func boolField(field string, v any) (bool, error) {
	switch f := v.(type) {
	case nil:
		return false, nil
	case bool:
		return f, nil
	case string:
		if b, ok := boolParam(f); ok {
			return b, nil
		}
	}
	return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %v. %v is not of type 'boolean'", field, v, v)
}

// backupHost picks an up, enabled cinder-backup service, preferring
// those in zone (upstream's _get_available_backup_service_host); prefer,
// when up, wins.
func (a *API) backupHost(ctx context.Context, zone, prefer string) (string, error) {
	svcs, err := a.sg.List(ctx, servicegroup.Filter{Binary: "cinder-backup"})
	if err != nil {
		return "", err
	}
	now := time.Now()
	var same, other []string
	for _, s := range svcs {
		if s.Disabled || !servicegroup.IsUp(s, now, time.Duration(a.set.ServiceDownTime)*time.Second) {
			continue
		}
		if s.Host == prefer {
			return s.Host, nil
		}
		if s.Zone == zone || s.Zone == "" {
			same = append(same, s.Host)
		} else {
			other = append(other, s.Host)
		}
	}
	switch {
	case len(same) > 0:
		return same[now.UnixNano()%int64(len(same))], nil
	case len(other) > 0:
		return other[now.UnixNano()%int64(len(other))], nil
	}
	return "", fault.New(fault.Unavailable, "Service cinder-backup could not be found: no cinder-backup service is up.")
}

// checkBackupQuota refuses, with cinder's 413s, one more backup of gb GiB.
// It must run in the inserting transaction, after LockProject.
func (a *API) checkBackupQuota(ctx context.Context, tx *store.Store, project string, gb int) error {
	l, err := a.limitsOf(ctx, tx, project)
	if err != nil {
		return err
	}
	n, used, err := tx.BackupUsage(ctx, project)
	if err != nil {
		return err
	}
	if lim := limitOf(l, "backups"); lim >= 0 && n+1 > lim {
		return fault.New(fault.OverLimit, "BackupLimitExceeded: Maximum number of backups allowed (%d) exceeded", lim)
	}
	if lim := limitOf(l, "backup_gigabytes"); lim >= 0 && used+gb > lim {
		return fault.New(fault.OverLimit, "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested %dG, quota is %dG and %dG has been consumed.", gb, lim, used)
	}
	return nil
}

// createBackup is POST /backups.
func (a *API) createBackup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req backupCreate
	if err := decode(r, "backup", &req); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "backup:create", ""); err != nil {
		fail(w, r, err)
		return
	}
	if req.VolumeID == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute backup. Value: %s. 'volume_id' is a required property", short(string(mustJSON(req)))))
		return
	}
	if !store.IsUUID(*req.VolumeID) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_id. Value: %s. '%s' is not a 'uuid'", *req.VolumeID, *req.VolumeID))
		return
	}
	if req.SnapshotID != nil && !store.IsUUID(*req.SnapshotID) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute snapshot_id. Value: %s. '%s' is not a 'uuid'", *req.SnapshotID, *req.SnapshotID))
		return
	}
	checks := []error{checkString("name", req.Name, 255), checkString("description", req.Description, 255),
		checkString("container", req.Container, 255)}
	if req.Metadata != nil {
		if !microversion.Of(r).AtLeast(3, 43) {
			checks = append(checks, fault.New(fault.Invalid, "Invalid input for field/attribute backup. Value: %s. Additional properties are not allowed ('metadata' was unexpected)", short(string(mustJSON(req)))))
		}
		checks = append(checks, checkMetadata(req.Metadata))
	}
	incremental, err := boolField("incremental", req.Incremental)
	checks = append(checks, err)
	force, err := boolField("force", req.Force)
	checks = append(checks, err)
	for _, e := range checks {
		if e != nil {
			fail(w, r, e)
			return
		}
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, *req.VolumeID)
	if err != nil {
		fail(w, r, err)
		return
	}
	b := store.Backup{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: v.ProjectID, UserID: c.user(), Status: "creating",
		Name: req.Name, Description: req.Description, Size: v.Size, Metadata: req.Metadata,
		AvailabilityZone: &v.AvailabilityZone, Service: strPtr("cinder.backup.drivers.ceph.CephBackupDriver"),
		Container: req.Container, DataTimestamp: time.Now().UTC()}
	if req.SnapshotID != nil {
		sn, err := a.db.GetSnapshot(ctx, *req.SnapshotID)
		if err == nil && sn.ProjectID != c.project() && !c.isAdmin() {
			err = store.SnapshotNotFound(*req.SnapshotID)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		if sn.VolumeID != v.ID {
			fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s does not match with snapshot.volume_id %s.", v.ID, sn.VolumeID))
			return
		}
		if sn.Status != "available" {
			fail(w, r, fault.New(fault.Invalid, "Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"%s\".", sn.Status))
			return
		}
		b.SnapshotID, b.DataTimestamp = &sn.ID, sn.CreatedAt
	} else {
		if v.Status != "available" && v.Status != "in-use" {
			fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"%s\".", v.Status))
			return
		}
		if v.Status == "in-use" && !force {
			fail(w, r, fault.New(fault.Invalid, "Invalid volume: Backing up an in-use volume must use the force flag."))
			return
		}
		b.PreviousStatus = strPtr(v.Status)
	}
	host, err := a.backupHost(ctx, v.AvailabilityZone, "")
	if err != nil {
		fail(w, r, err)
		return
	}
	b.Host = host
	if incremental {
		all, err := a.db.ListBackups(ctx, store.BackupFilter{ProjectID: v.ProjectID, VolumeID: v.ID}, nil, "", 0, 0)
		if err != nil {
			fail(w, r, err)
			return
		}
		if len(all) == 0 {
			fail(w, r, fault.New(fault.Invalid, "Invalid backup: No backups available to do an incremental backup."))
			return
		}
		var parent *store.Backup
		for i := range all {
			if all[i].Status == "available" && (parent == nil || all[i].DataTimestamp.After(parent.DataTimestamp)) {
				parent = &all[i]
			}
		}
		if parent == nil {
			fail(w, r, fault.New(fault.Invalid, "Invalid backup: The parent backup must be available for incremental backup."))
			return
		}
		b.ParentID = &parent.ID
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkBackupQuota(ctx, tx, v.ProjectID, v.Size); err != nil {
			return err
		}
		if b.SnapshotID != nil {
			st := "backing-up"
			if _, err := tx.UpdateSnapshot(ctx, *b.SnapshotID, []string{"available"}, store.SnapshotUpdate{Status: &st}); err != nil {
				return err
			}
		} else {
			st, prev := "backing-up", b.PreviousStatus
			if cur, err := tx.UpdateVolume(ctx, v.ID, []string{v.Status}, store.VolumeUpdate{Status: &st, PreviousStatus: &prev}); err != nil {
				if fault.KindOf(err) == fault.Invalid {
					return fault.New(fault.Invalid, "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"%s\".", cur.Status)
				}
				return err
			}
		}
		created, err := tx.CreateBackup(ctx, b)
		b = created
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.rpc.CreateBackup(auth.WithRPC(ctx), b.Host, b.ID); err != nil {
		bg := context.WithoutCancel(ctx)
		st, why := "error", strPtr("The backup service is unavailable.")
		_, _ = a.db.UpdateBackup(bg, b.ID, nil, store.BackupUpdate{Status: &st, FailReason: &why})
		if b.SnapshotID != nil {
			av := "available"
			_, _ = a.db.UpdateSnapshot(bg, *b.SnapshotID, nil, store.SnapshotUpdate{Status: &av})
		} else {
			_, _ = a.db.UpdateVolume(bg, v.ID, nil, store.VolumeUpdate{Status: b.PreviousStatus})
		}
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The backup service is unavailable; backup %s was not created.", b.ID))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"backup": backupSummary(r, b)})
}

func (a *API) backupFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.Backup, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.Backup{}, false
	}
	id := chi.URLParam(r, "id")
	b, err := a.db.GetBackup(r.Context(), id)
	if err == nil && b.ProjectID != c.project() && !c.isAdmin() {
		err = store.BackupNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, rule, b.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return c, b, false
	}
	return c, b, true
}

// showBackup is GET /backups/{id}.
func (a *API) showBackup(w http.ResponseWriter, r *http.Request) {
	c, b, ok := a.backupFor(w, r, "backup:get")
	if !ok {
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"backup": a.backupDetail(r, c, b)})
}

// listBackups is GET /backups and /backups/detail.
func (a *API) listBackups(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "backup:get_all", ""); err != nil {
			fail(w, r, err)
			return
		}
		q := httpapi.QueryOf(r)
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
		if err != nil {
			fail(w, r, err)
			return
		}
		f := store.BackupFilter{ProjectID: c.project(), VolumeID: q.Get("volume_id"), Status: q.Get("status")}
		f.Name = q.Get("name")
		if f.Name == "" {
			f.Name = q.Get("display_name")
		}
		if microversion.Of(r).AtLeast(3, 34) {
			f.NameLike = q.Get("name~")
		}
		if all, _ := boolParam(q.Get("all_tenants")); all && c.isAdmin() {
			f.ProjectID = q.Get("project_id")
		}
		sorts := make([]store.Sort, 0, len(p.Sort))
		for _, s := range p.Sort {
			sorts = append(sorts, store.Sort{Key: s.Key, Dir: s.Dir})
		}
		offset, empty, err := offsetOf(q)
		if err != nil {
			fail(w, r, err)
			return
		}
		bs := []store.Backup{}
		if !empty {
			bs, err = a.db.ListBackups(r.Context(), f, sorts, p.Marker, p.Limit, offset)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		items := make([]map[string]any, 0, len(bs))
		for _, b := range bs {
			if detail {
				items = append(items, a.backupDetail(r, c, b))
			} else {
				items = append(items, backupSummary(r, b))
			}
		}
		out := map[string]any{"backups": items}
		if len(bs) > 0 {
			if l := pagination.CollectionLinks(r, p, len(bs), bs[len(bs)-1].ID); l != nil {
				out["backups_links"] = l
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, out)
	}
}

// updateBackup is PUT /backups/{id} (3.9; metadata from 3.43).
func (a *API) updateBackup(w http.ResponseWriter, r *http.Request) {
	var req map[string]json.RawMessage
	if err := decode(r, "backup", &req); err != nil {
		fail(w, r, err)
		return
	}
	_, b, ok := a.backupFor(w, r, "backup:update")
	if !ok {
		return
	}
	var u store.BackupUpdate
	for k, raw := range req {
		switch {
		case k == "name" || k == "description":
			var v *string
			if err := json.Unmarshal(raw, &v); err != nil {
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'string', 'null'", k, raw, raw))
				return
			}
			if err := checkString(k, v, 255); err != nil {
				fail(w, r, err)
				return
			}
			if k == "name" {
				u.Name = &v
			} else {
				u.Description = &v
			}
		case k == "metadata" && microversion.Of(r).AtLeast(3, 43):
			var md map[string]string
			if err := json.Unmarshal(raw, &md); err != nil || md == nil {
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute metadata. Value: %s. %s is not of type 'object'", raw, raw))
				return
			}
			if err := checkMetadata(md); err != nil {
				fail(w, r, err)
				return
			}
			u.Metadata = md
		default:
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute backup. Value: %s. Additional properties are not allowed ('%s' was unexpected)", short(string(mustJSON(req))), k))
			return
		}
	}
	b, err := a.db.UpdateBackup(r.Context(), b.ID, nil, u)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"backup": backupSummary(r, b)})
}

// deleteBackup is DELETE /backups/{id}.
func (a *API) deleteBackup(w http.ResponseWriter, r *http.Request) {
	_, b, ok := a.backupFor(w, r, "backup:delete")
	if !ok {
		return
	}
	if err := a.startBackupDelete(r.Context(), b, false); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// startBackupDelete moves a backup to deleting and casts the delete. A
// forced delete takes any status but restoring (the restore is reading the
// data); an incremental backup's parent is never deleted before it.
func (a *API) startBackupDelete(ctx context.Context, b store.Backup, force bool) error {
	from := []string{"available", "error"}
	msg := "Invalid backup: Backup status must be available or error"
	if force {
		from = []string{"available", "error", "creating", "deleting", "error_deleting"}
		msg = "Invalid backup: A backup that is being restored cannot be deleted; wait until the restore ends."
	}
	if b.NumDependent > 0 {
		return fault.New(fault.Invalid, "Invalid backup: Incremental backups exist for this backup.")
	}
	host, err := a.backupHost(ctx, deref(b.AvailabilityZone), b.Host)
	if err != nil {
		return err
	}
	st := "deleting"
	if _, err := a.db.UpdateBackup(ctx, b.ID, from, store.BackupUpdate{Status: &st, Host: &host}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			return fault.New(fault.Invalid, "%s", msg)
		}
		return err
	}
	if err := a.rpc.DeleteBackup(auth.WithRPC(ctx), host, b.ID); err != nil {
		return fault.Wrap(err, fault.Unavailable, "The backup service is unavailable.")
	}
	return nil
}

// restoreBackup is POST /backups/{id}/restore: into volume_id, or into a
// new volume of the backup's size (named name, else
// restore_backup_<id>), which is created first as upstream does.
func (a *API) restoreBackup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		VolumeID *string `json:"volume_id"`
		Name     *string `json:"name"`
	}
	if err := decode(r, "restore", &req); err != nil {
		fail(w, r, err)
		return
	}
	c, b, ok := a.backupFor(w, r, "backup:restore")
	if !ok {
		return
	}
	if err := checkString("name", req.Name, 255); err != nil {
		fail(w, r, err)
		return
	}
	if req.VolumeID != nil && !store.IsUUID(*req.VolumeID) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_id. Value: %s. '%s' is not a 'uuid'", *req.VolumeID, *req.VolumeID))
		return
	}
	if b.Status != "available" {
		fail(w, r, fault.New(fault.Invalid, "Invalid backup: Backup status must be available"))
		return
	}
	ctx := r.Context()
	host, err := a.backupHost(ctx, deref(b.AvailabilityZone), b.Host)
	if err != nil {
		fail(w, r, err)
		return
	}
	var v store.Volume
	isNew := req.VolumeID == nil
	if isNew {
		v, err = a.restoreVolume(r, c, b, req.Name)
	} else {
		v, err = a.getVolume(ctx, c, *req.VolumeID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	if v.Status != "available" {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume to be restored to must be available"))
		return
	}
	if b.Size > v.Size {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: volume size %d is too small to restore backup of size %d.", v.Size, b.Size))
		return
	}
	st, vid := "restoring", &v.ID
	if _, err := a.db.UpdateBackup(ctx, b.ID, []string{"available"}, store.BackupUpdate{Status: &st, Host: &host, RestoreVolumeID: &vid}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			err = fault.New(fault.Invalid, "Invalid backup: Backup status must be available")
		}
		fail(w, r, err)
		return
	}
	vst := "restoring-backup"
	if _, err := a.db.UpdateVolume(ctx, v.ID, []string{"available"}, store.VolumeUpdate{Status: &vst}); err != nil {
		back := "available"
		_, _ = a.db.UpdateBackup(context.WithoutCancel(ctx), b.ID, nil, store.BackupUpdate{Status: &back})
		if fault.KindOf(err) == fault.Invalid {
			err = fault.New(fault.Invalid, "Invalid volume: Volume to be restored to must be available")
		}
		fail(w, r, err)
		return
	}
	if err := a.rpc.RestoreBackup(auth.WithRPC(ctx), host, b.ID, v.ID, isNew); err != nil {
		bg := context.WithoutCancel(ctx)
		back, verr := "available", "error_restoring"
		_, _ = a.db.UpdateBackup(bg, b.ID, nil, store.BackupUpdate{Status: &back})
		_, _ = a.db.UpdateVolume(bg, v.ID, nil, store.VolumeUpdate{Status: &verr})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The backup service is unavailable."))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"restore": map[string]any{
		"backup_id": b.ID, "volume_id": v.ID, "volume_name": v.Name}})
}

// restoreCreateWait bounds how long a restore waits for its new volume.
var restoreCreateWait = 5 * time.Minute

// restoreVolume creates the volume a restore without volume_id writes
// into, within the caller's volume quota, and waits until it is made.
func (a *API) restoreVolume(r *http.Request, c caller, b store.Backup, name *string) (store.Volume, error) {
	if err := a.authorize(c, "volume:create", ""); err != nil {
		return store.Volume{}, err
	}
	if name == nil {
		name = strPtr("restore_backup_" + b.ID)
	}
	req := volumeCreate{Size: json.RawMessage(strconv.Itoa(b.Size)), Name: name,
		Description: strPtr("auto-created_from_restore_from_backup")}
	v, spec, err := a.prepareVolume(r, c, req)
	if err != nil {
		return v, err
	}
	ctx := r.Context()
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 1, 0, v.Size); err != nil {
			return err
		}
		created, err := tx.CreateVolume(ctx, v)
		v = created
		return err
	})
	if err != nil {
		return v, err
	}
	if err := a.rpc.ScheduleCreateVolume(auth.WithRPC(ctx), spec); err != nil {
		st := "error"
		_, _ = a.db.UpdateVolume(context.WithoutCancel(ctx), v.ID, nil, store.VolumeUpdate{Status: &st})
		return v, fault.Wrap(err, fault.Unavailable, "The scheduler is unavailable; volume %s was not created.", v.ID)
	}
	deadline := time.Now().Add(restoreCreateWait)
	for v.Status == "creating" && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		if v, err = a.db.GetVolume(ctx, v.ID); err != nil {
			return v, err
		}
	}
	if v.Status != "available" {
		return v, fault.New(fault.Invalid, "Invalid volume: Error while creating volume %s for restoring backup %s.", v.ID, b.ID)
	}
	return v, nil
}

// backupAction is POST /backups/{id}/action: os-reset_status and
// os-force_delete (admin).
func (a *API) backupAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	switch {
	case body["os-reset_status"] != nil:
		var req struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(body["os-reset_status"], &req)
		valid := []string{"available", "error"}
		if !contains(valid, req.Status) {
			fail(w, r, fault.New(fault.Invalid, "Backup status: %s is invalid, valid statuses are: ['available', 'error'].", req.Status))
			return
		}
		_, b, ok := a.backupFor(w, r, "volume_extension:backup_admin_actions:reset_status")
		if !ok {
			return
		}
		if _, err := a.db.UpdateBackup(r.Context(), b.ID, nil, store.BackupUpdate{Status: &req.Status}); err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	case body["os-force_delete"] != nil:
		_, b, ok := a.backupFor(w, r, "volume_extension:backup_admin_actions:force_delete")
		if !ok {
			return
		}
		if err := a.startBackupDelete(r.Context(), b, true); err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	default:
		if len(body) != 1 {
			fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
			return
		}
		fail(w, r, noSuchAction(actionOf(body)))
	}
}
