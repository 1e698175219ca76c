package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/pyrepr"
	"github.com/gostack/gostack/volume/store"
)

type snapshotCreate struct {
	VolumeID    optString         `json:"volume_id"`
	Name        *string           `json:"name"`
	DisplayName *string           `json:"display_name"`
	Description *string           `json:"description"`
	Force       any               `json:"force"`
	Metadata    map[string]string `json:"metadata"`
}

// optString is a JSON member that may be absent (Set false), null (Value
// nil) or a string.
type optString struct {
	Set   bool
	Value *string
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	o.Value = &s
	return nil
}

// createSnapshot is POST /snapshots.
func (a *API) createSnapshot(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw map[string]json.RawMessage
	if err := decode(r, "snapshot", &raw); err != nil {
		fail(w, r, err)
		return
	}
	var req snapshotCreate
	if err := json.Unmarshal(mustJSON(raw), &req); err != nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute snapshot. Value: %s. %s", short(pyrepr.Repr(asAny(raw))), typeMsg(err)))
		return
	}
	// cinder's schema: volume_id required, a uuid or null; a null one is
	// then looked up as "None".
	switch {
	case !req.VolumeID.Set:
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute snapshot. Value: %s. 'volume_id' is a required property", short(pyrepr.Repr(asAny(raw)))))
		return
	case req.VolumeID.Value == nil:
		fail(w, r, store.VolumeNotFound("None"))
		return
	case !store.IsUUID(*req.VolumeID.Value):
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_id. Value: %s. '%s' is not valid under any of the given schemas", short(*req.VolumeID.Value), short(*req.VolumeID.Value)))
		return
	}
	name := req.Name
	if name == nil {
		name = req.DisplayName
	}
	for _, e := range []error{checkString("name", name, 255), checkString("description", req.Description, 255), checkMetadata(req.Metadata)} {
		if e != nil {
			fail(w, r, e)
			return
		}
	}
	force := false
	switch f := req.Force.(type) {
	case bool:
		force = f
	case string:
		var ok bool
		if force, ok = boolParam(f); !ok {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute force. Value: %s. '%s' is not of type 'boolean'", f, f))
			return
		}
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, *req.VolumeID.Value)
	if err == nil {
		err = a.authorize(c, "volume:create_snapshot", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	if microversion.Of(r).AtLeast(3, 66) { // in-use volumes without force; force false is refused
		if req.Force != nil && !force {
			fail(w, r, fault.New(fault.Invalid, "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored."))
			return
		}
		force = true
	}
	// cinder's _create_snapshot_in_db_validate, then the status check.
	switch {
	case v.Host == "":
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host."))
		return
	case v.Status == "maintenance":
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode."))
		return
	case v.MigrationStatus != nil && (*v.MigrationStatus == "migrating" || *v.MigrationStatus == "starting"):
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Snapshot cannot be created while volume is migrating."))
		return
	case v.Status == "error":
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created when the volume is in error status."))
		return
	}
	valid := "available"
	if force {
		valid = "available, in-use"
	}
	if v.Status != "available" && !(force && v.Status == "in-use") {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s status must be %s, but current status is: %s.", v.ID, valid, v.Status))
		return
	}
	s := store.Snapshot{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: v.ProjectID, UserID: c.user(),
		Status: "creating", VolumeSize: v.Size, Name: name, Description: req.Description, Metadata: req.Metadata}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 0, 1, v.Size); err != nil {
			return err
		}
		created, err := tx.CreateSnapshot(ctx, s)
		s = created
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.rpc.CreateSnapshot(auth.WithRPC(ctx), v.Host, s.ID); err != nil {
		st := "error"
		_, _ = a.db.UpdateSnapshot(context.WithoutCancel(ctx), s.ID, nil, store.SnapshotUpdate{Status: &st})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service is unavailable."))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"snapshot": a.snapshotViewExt(r, c, s, false)})
}

func (a *API) snapshotFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.Snapshot, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.Snapshot{}, false
	}
	id := chi.URLParam(r, "id")
	s, err := a.db.GetSnapshot(r.Context(), id)
	if err == nil && s.ProjectID != c.project() && !c.isAdmin() {
		err = store.SnapshotNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, rule, s.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return c, s, false
	}
	return c, s, true
}

// showSnapshot is GET /snapshots/{id}.
func (a *API) showSnapshot(w http.ResponseWriter, r *http.Request) {
	c, s, ok := a.snapshotFor(w, r, "volume:get_snapshot")
	if !ok {
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"snapshot": a.snapshotView(r, c, s)})
}

// listSnapshots is GET /snapshots and /snapshots/detail.
func (a *API) listSnapshots(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "volume:get_all_snapshots", ""); err != nil {
			fail(w, r, err)
			return
		}
		q := httpapi.QueryOf(r)
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
		if err != nil {
			fail(w, r, err)
			return
		}
		f := store.SnapshotFilter{ProjectID: c.project(), VolumeID: q.Get("volume_id"), Status: q.Get("status")}
		f.Name = q.Get("name")
		if f.Name == "" {
			f.Name = q.Get("display_name")
		}
		if microversion.Of(r).AtLeast(3, 34) {
			f.NameLike = q.Get("name~")
		}
		if m := q.Get("metadata"); m != "" && microversion.Of(r).AtLeast(3, 22) {
			md, err := parseDictParam(m)
			if err != nil {
				fail(w, r, err)
				return
			}
			f.Metadata = md
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
		snaps := []store.Snapshot{}
		if !empty {
			snaps, err = a.db.ListSnapshotsAt(r.Context(), f, sorts, p.Marker, p.Limit, offset)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		items := make([]map[string]any, 0, len(snaps))
		for _, s := range snaps {
			v := a.snapshotView(r, c, s)
			if !detail {
				delete(v, "os-extended-snapshot-attributes:progress")
				delete(v, "os-extended-snapshot-attributes:project_id")
			}
			items = append(items, v)
		}
		out := map[string]any{"snapshots": items}
		if len(snaps) > 0 {
			if l := pagination.CollectionLinks(r, p, len(snaps), snaps[len(snaps)-1].ID); l != nil {
				out["snapshots_links"] = l
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, out)
	}
}

// updateSnapshot is PUT /snapshots/{id}.
func (a *API) updateSnapshot(w http.ResponseWriter, r *http.Request) {
	var req map[string]json.RawMessage
	if err := decode(r, "snapshot", &req); err != nil {
		fail(w, r, err)
		return
	}
	c, s, ok := a.snapshotFor(w, r, "volume:update_snapshot")
	if !ok {
		return
	}
	if len(req) == 0 {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas"))
		return
	}
	var u store.SnapshotUpdate
	for k, raw := range req {
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'string', 'null'", k, raw, raw))
			return
		}
		if err := checkString(k, v, 255); err != nil {
			fail(w, r, err)
			return
		}
		switch k {
		case "name", "display_name":
			u.Name = &v
		case "description", "display_description":
			u.Description = &v
		default:
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute snapshot. Value: %s. Additional properties are not allowed ('%s' was unexpected)", short(pyrepr.Repr(asAny(req))), k))
			return
		}
	}
	s, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, u)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"snapshot": a.snapshotViewExt(r, c, s, false)})
}

// deleteSnapshot is DELETE /snapshots/{id}.
func (a *API) deleteSnapshot(w http.ResponseWriter, r *http.Request) {
	_, s, ok := a.snapshotFor(w, r, "volume:delete_snapshot")
	if !ok {
		return
	}
	if err := a.startSnapshotDelete(r, s, []string{"available", "error", "error_deleting"}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) startSnapshotDelete(r *http.Request, s store.Snapshot, from []string) error {
	ctx := r.Context()
	if s.GroupSnapshotID != nil { // deleted with its group snapshot (group_snapshots.go)
		return snapshotInGroupError(from)
	}
	v, err := a.db.GetVolume(ctx, s.VolumeID)
	if err != nil {
		return err
	}
	st := "deleting"
	if _, err := a.db.UpdateSnapshot(ctx, s.ID, from, store.SnapshotUpdate{Status: &st}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			return fault.New(fault.Invalid, "Invalid snapshot: Snapshot status must be %s", strings.Join(from, " or "))
		}
		return err
	}
	if v.Host == "" {
		return a.db.DeleteSnapshot(ctx, s.ID)
	}
	if err := a.rpc.DeleteSnapshot(auth.WithRPC(ctx), v.Host, s.ID); err != nil {
		return fault.Wrap(err, fault.Unavailable, "The volume service is unavailable.")
	}
	return nil
}

// snapshotAction is POST /snapshots/{id}/action: os-reset_status,
// os-force_delete (admin).
func (a *API) snapshotAction(w http.ResponseWriter, r *http.Request) {
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
		// cinder's SnapshotStatus values, in its order
		valid := []string{"error", "available", "creating", "deleting", "deleted", "updating", "error_deleting",
			"unmanaging", "backing-up", "restoring"}
		if !contains(valid, req.Status) {
			fail(w, r, fault.New(fault.Invalid, "Snapshot status: %s is invalid, valid statuses are: %s.", req.Status, pyTuple(valid)))
			return
		}
		_, s, ok := a.snapshotFor(w, r, "volume_extension:snapshot_admin_actions:reset_status")
		if !ok {
			return
		}
		if _, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, store.SnapshotUpdate{Status: &req.Status}); err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	case body["os-update_snapshot_status"] != nil:
		// Nova's assisted snapshots report progress this way.
		var req struct {
			Status   string  `json:"status"`
			Progress *string `json:"progress"`
		}
		_ = json.Unmarshal(body["os-update_snapshot_status"], &req)
		_, s, ok := a.snapshotFor(w, r, "volume:update_snapshot_status")
		if !ok {
			return
		}
		allowed := map[string][]string{"creating": {"creating", "available", "error"}, "deleting": {"deleting", "error_deleting"}}[s.Status]
		if !contains(allowed, req.Status) {
			fail(w, r, invalid("Unable to update snapshot from status %s to %s.", s.Status, req.Status))
			return
		}
		if _, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, store.SnapshotUpdate{Status: &req.Status, Progress: req.Progress}); err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	case body["os-force_delete"] != nil:
		_, s, ok := a.snapshotFor(w, r, "volume_extension:snapshot_admin_actions:force_delete")
		if !ok {
			return
		}
		if err := a.startSnapshotDelete(r, s, nil); err != nil {
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

func (a *API) snapshotMetadata(w http.ResponseWriter, r *http.Request) {
	_, s, ok := a.snapshotFor(w, r, "volume:get_snapshot_metadata")
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": s.Metadata})
	}
}

func (a *API) setSnapshotMetadata(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var md map[string]string
		if err := decodeLegacy(r, "metadata", &md); err != nil {
			fail(w, r, err)
			return
		}
		if err := checkMetadata(md); err != nil {
			fail(w, r, err)
			return
		}
		_, s, ok := a.snapshotFor(w, r, "volume:update_snapshot_metadata")
		if !ok {
			return
		}
		out := map[string]string{}
		if !replace {
			for k, v := range s.Metadata {
				out[k] = v
			}
		}
		for k, v := range md {
			out[k] = v
		}
		s, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, store.SnapshotUpdate{Metadata: out})
		if err != nil {
			fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": s.Metadata})
	}
}

func (a *API) snapshotMetadataKey(w http.ResponseWriter, r *http.Request) {
	_, s, ok := a.snapshotFor(w, r, "volume:get_snapshot_metadata")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	v, found := s.Metadata[key]
	if !found {
		fail(w, r, fault.New(fault.NotFound, "Snapshot %s has no metadata with key %s.", s.ID, key))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": map[string]string{key: v}})
}

func (a *API) putSnapshotMetadataKey(w http.ResponseWriter, r *http.Request) {
	var meta map[string]string
	if err := decodeLegacy(r, "meta", &meta); err != nil {
		fail(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	if _, ok := meta[key]; !ok || len(meta) != 1 {
		fail(w, r, fault.New(fault.Invalid, "Request body and URI mismatch"))
		return
	}
	_, s, ok := a.snapshotFor(w, r, "volume:update_snapshot_metadata")
	if !ok {
		return
	}
	s.Metadata[key] = meta[key]
	if _, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, store.SnapshotUpdate{Metadata: s.Metadata}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": meta})
}

func (a *API) deleteSnapshotMetadataKey(w http.ResponseWriter, r *http.Request) {
	_, s, ok := a.snapshotFor(w, r, "volume:delete_snapshot_metadata")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	if _, found := s.Metadata[key]; !found {
		fail(w, r, fault.New(fault.NotFound, "Snapshot %s has no metadata with key %s.", s.ID, key))
		return
	}
	delete(s.Metadata, key)
	if _, err := a.db.UpdateSnapshot(r.Context(), s.ID, nil, store.SnapshotUpdate{Metadata: s.Metadata}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}
