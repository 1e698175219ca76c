package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

// Group snapshots (3.14, cinder's api/v3/group_snapshots.py) with the
// generic implementation: an ordinary snapshot of each volume of the
// group, taken by its backend as any snapshot, carrying the group
// snapshot's id, name and description. The group snapshot is creating
// until none of them is, then available (error when one failed); deleting
// it deletes them, and it is gone once they are (settled by cinder-volume
// as each snapshot's work ends; see groups.go).

func (a *API) groupSnapshotRoutes(r chi.Router) {
	g := r.With(microversion.Require(microversion.V(3, 14), microversion.Version{}))
	g.Get("/group_snapshots", a.listGroupSnapshots(false))
	g.Get("/group_snapshots/detail", a.listGroupSnapshots(true))
	g.Post("/group_snapshots", a.createGroupSnapshot)
	g.Get("/group_snapshots/{id}", a.showGroupSnapshot)
	g.Delete("/group_snapshots/{id}", a.deleteGroupSnapshot)
	g.Post("/group_snapshots/{id}/action", a.groupSnapshotAction)
}

// groupSnapshotView is cinder's detail view of a group snapshot.
func (a *API) groupSnapshotView(r *http.Request, c caller, gs store.GroupSnapshot) map[string]any {
	out := map[string]any{
		"id": gs.ID, "group_id": gs.GroupID, "group_type_id": gs.GroupTypeID, "status": gs.Status,
		"created_at": timefmt.Naive(gs.CreatedAt), "name": gs.Name, "description": gs.Description,
	}
	if microversion.Of(r).AtLeast(3, 58) && a.allowed(c, "group:group_snapshot_project_attribute", gs.ProjectID) {
		out["project_id"] = gs.ProjectID
	}
	return out
}

// snapshotInGroupError is cinder's refusal to delete alone a snapshot
// taken for a group snapshot (force: from is nil).
func snapshotInGroupError(from []string) error {
	if from == nil {
		return fault.New(fault.Invalid, "Invalid snapshot: Snapshot  must not be part of a group.")
	}
	return fault.New(fault.Invalid, "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.")
}

// groupSnapshotOf loads a group snapshot the caller may see and checks
// rule on it.
func (a *API) groupSnapshotOf(ctx context.Context, c caller, id, rule string) (store.GroupSnapshot, error) {
	gs, err := a.db.GetGroupSnapshot(ctx, id)
	if err == nil && gs.ProjectID != c.project() && !c.isAdmin() {
		err = store.GroupSnapshotNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, rule, gs.ProjectID)
	}
	return gs, err
}

// showGroupSnapshot is GET /group_snapshots/{id}.
func (a *API) showGroupSnapshot(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	gs, err := a.groupSnapshotOf(ctx, c, chi.URLParam(r, "id"), "group:get_group_snapshot")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, gs.GroupTypeID, "group snapshots")
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group_snapshot": a.groupSnapshotView(r, c, gs)})
}

// listGroupSnapshots is GET /group_snapshots and /group_snapshots/detail;
// filters (name, status, group_id, all_tenants and project_id for admins)
// and pagination from 3.29, as cinder.
func (a *API) listGroupSnapshots(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "group:get_all_group_snapshots", ""); err != nil {
			fail(w, r, err)
			return
		}
		ctx := r.Context()
		f := store.GroupSnapshotFilter{ProjectID: c.project()}
		var sorts []store.Sort
		var p pagination.Params
		marker, limit, offset, empty := "", 0, 0, false
		if microversion.Of(r).AtLeast(3, 29) {
			q := httpapi.QueryOf(r)
			if p, err = pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit}); err == nil {
				offset, empty, err = offsetOf(q)
			}
			if err != nil {
				fail(w, r, err)
				return
			}
			sorts, marker, limit = sortsOf(p), p.Marker, p.Limit
			f.Name, f.Status, f.GroupID = q.Get("name"), q.Get("status"), q.Get("group_id")
			if c.isAdmin() && q.Has("all_tenants") {
				f.ProjectID = q.Get("project_id")
			}
		}
		snaps := []store.GroupSnapshot{}
		if !empty {
			snaps, err = a.db.ListGroupSnapshots(ctx, f, sorts, marker, limit, offset)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		cg := a.cgsnapshotType(ctx)
		items := make([]map[string]any, 0, len(snaps))
		for _, gs := range snaps {
			if cg != "" && gs.GroupTypeID == cg {
				continue
			}
			if detail {
				items = append(items, a.groupSnapshotView(r, c, gs))
			} else {
				items = append(items, map[string]any{"id": gs.ID, "name": gs.Name})
			}
		}
		out := map[string]any{"group_snapshots": items}
		if limit > 0 && len(snaps) > 0 {
			if l := pagination.CollectionLinks(r, p, len(snaps), snaps[len(snaps)-1].ID); l != nil {
				out["group_snapshot_links"] = l
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, out)
	}
}

// createGroupSnapshot is POST /group_snapshots (202, {id, name,
// group_type_id}): a snapshot of every volume of the group.
func (a *API) createGroupSnapshot(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := decode(r, "group_snapshot", &raw); err != nil {
		fail(w, r, err)
		return
	}
	m, err := objectOf("group_snapshot", raw, "group_id", "name", "description")
	if err != nil {
		fail(w, r, err)
		return
	}
	if _, ok := m["group_id"]; !ok {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute group_snapshot. Value: %s. 'group_id' is a required property", pyDict(m)))
		return
	}
	vals := map[string]*string{}
	for k, v := range m {
		max, nullable := 255, true
		if k == "group_id" {
			max, nullable = 1<<20, false
		}
		if vals[k], err = schemaString(k, v, nullable, 0, max); err != nil {
			fail(w, r, err)
			return
		}
	}
	if !store.IsUUID(*vals["group_id"]) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute group_id. Value: %s. '%s' is not a 'uuid'", *vals["group_id"], *vals["group_id"]))
		return
	}
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, *vals["group_id"], "group:get")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, g.GroupTypeID, "group snapshots")
	}
	if err == nil {
		err = a.authorize(c, "group:create_group_snapshot", g.ProjectID)
	}
	var vols []store.Volume
	if err == nil {
		vols, err = a.db.ListVolumes(ctx, store.VolumeFilter{GroupID: g.ID}, []store.Sort{{Key: "created_at", Dir: "asc"}}, "", 0)
	}
	for _, v := range vols {
		if err != nil {
			break
		}
		err = snapshotableInGroup(v)
		if err == nil {
			err = a.authorize(c, "volume:create_snapshot", v.ProjectID)
		}
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	gs := store.GroupSnapshot{ID: uuid.NewString(), GroupID: g.ID, ProjectID: c.project(), UserID: c.user(),
		GroupTypeID: g.GroupTypeID, Status: "creating", Name: vals["name"], Description: vals["description"], Settling: true}
	snaps := make([]store.Snapshot, 0, len(vols))
	for _, v := range vols {
		snaps = append(snaps, store.Snapshot{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: c.project(), UserID: c.user(),
			Status: "creating", VolumeSize: v.Size, Name: gs.Name, Description: gs.Description, Metadata: map[string]string{}})
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, c.project()); err != nil {
			return err
		}
		created, err := tx.CreateGroupSnapshot(ctx, gs, nil)
		if err != nil {
			return err
		}
		gs = created
		// Quota per volume type, each check seeing the snapshots inserted
		// before it in this transaction.
		for i, v := range vols {
			if err := a.checkQuota(ctx, tx, c.project(), v.TypeName, 0, 1, v.Size); err != nil {
				return err
			}
			sn := snaps[i]
			sn.GroupSnapshotID = &gs.ID
			if _, err := tx.CreateSnapshot(ctx, sn); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	ended := len(snaps) == 0 // an empty group is snapshotted at once
	for i, s := range snaps {
		if err := a.rpc.CreateSnapshot(auth.WithRPC(ctx), vols[i].Host, s.ID); err != nil {
			st := "error"
			_, _ = a.db.UpdateSnapshot(context.WithoutCancel(ctx), s.ID, nil, store.SnapshotUpdate{Status: &st})
			ended = true
		}
	}
	if ended {
		a.settleGroupSnapshot(ctx, gs.ID)
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"group_snapshot": map[string]any{
		"id": gs.ID, "name": gs.Name, "group_type_id": gs.GroupTypeID}})
}

// snapshotableInGroup is cinder's _create_snapshot_in_db_validate.
func snapshotableInGroup(v store.Volume) error {
	switch {
	case v.Host == "":
		return fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host.")
	case v.Status == "maintenance":
		return fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode.")
	case v.MigrationStatus != nil && *v.MigrationStatus != "" && *v.MigrationStatus != "success" && *v.MigrationStatus != "error":
		return fault.New(fault.Invalid, "Invalid volume: Snapshot cannot be created while volume is migrating.")
	case v.Status == "error":
		return fault.New(fault.Invalid, "Invalid volume: The snapshot cannot be created when the volume is in error status.")
	}
	return nil
}

// deleteGroupSnapshot is DELETE /group_snapshots/{id}: available or
// error, and no group being made from it; its snapshots go deleting and
// are deleted by their backends.
func (a *API) deleteGroupSnapshot(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	gs, err := a.groupSnapshotOf(ctx, c, chi.URLParam(r, "id"), "group:get_group_snapshot")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, gs.GroupTypeID, "group snapshots")
	}
	if err == nil {
		err = a.authorize(c, "group:delete_group_snapshot", gs.ProjectID)
	}
	if err == nil {
		err = a.startGroupSnapshotDelete(ctx, gs)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) startGroupSnapshotDelete(ctx context.Context, gs store.GroupSnapshot) error {
	refused := fault.New(fault.Invalid, "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.")
	busy, err := a.db.ListGroups(ctx, store.GroupFilter{GroupSnapshotID: gs.ID, Status: "creating"}, nil, "", 1, 0)
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		return refused
	}
	if _, err := a.db.UpdateGroupSnapshot(ctx, gs.ID, []string{"available", "error"}, false, "deleting", true); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			return refused
		}
		return err
	}
	snaps, err := a.db.ListSnapshots(ctx, store.SnapshotFilter{GroupSnapshotID: gs.ID}, nil, "", 0)
	if err != nil {
		return err
	}
	deleting := "deleting"
	for _, s := range snaps {
		if _, err := a.db.UpdateSnapshot(ctx, s.ID, nil, store.SnapshotUpdate{Status: &deleting}); err != nil {
			return err
		}
	}
	cast := 0
	for i, s := range snaps {
		v, err := a.db.GetVolume(ctx, s.VolumeID)
		if err != nil {
			return err
		}
		if v.Host == "" {
			if err := a.db.DeleteSnapshot(ctx, s.ID); err != nil {
				return err
			}
			continue
		}
		if err := a.rpc.DeleteSnapshot(auth.WithRPC(ctx), v.Host, s.ID); err != nil {
			// The deletes not cast never start (as in startGroupDelete).
			failed := "error_deleting"
			for _, u := range snaps[i:] {
				_, _ = a.db.UpdateSnapshot(context.WithoutCancel(ctx), u.ID, []string{"deleting"}, store.SnapshotUpdate{Status: &failed})
			}
			a.settleGroupSnapshot(ctx, gs.ID)
			return fault.Wrap(err, fault.Unavailable, "The volume service is unavailable.")
		}
		cast++
	}
	if cast == 0 {
		a.settleGroupSnapshot(ctx, gs.ID) // no snapshot for a backend to delete: gone now
	}
	return nil
}

// groupSnapshotAction is POST /group_snapshots/{id}/action: reset_status
// (3.19, admin).
func (a *API) groupSnapshotAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	arg, ok := body["reset_status"]
	if !ok || !microversion.Of(r).AtLeast(3, 19) {
		for name := range body {
			fail(w, r, fault.New(fault.Invalid, "There is no such action: %s", name))
			return
		}
		fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
		return
	}
	st, err := resetStatusOf(arg, groupSnapshotStatuses, groupSnapshotStatuses, "Invalid GroupSnapshot Status", "Group snapshot status", "valid statuses are")
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	gs, err := a.groupSnapshotOf(ctx, c, chi.URLParam(r, "id"), "group:get_group_snapshot")
	if err == nil {
		err = a.authorize(c, "group:reset_group_snapshot_status", gs.ProjectID)
	}
	if err == nil {
		_, err = a.db.UpdateGroupSnapshot(ctx, gs.ID, nil, false, st, false)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// settleGroupSnapshot settles a group snapshot after cinder-api itself
// ended work on its snapshots (store.SettleGroupSnapshot).
func (a *API) settleGroupSnapshot(ctx context.Context, id string) {
	if err := a.db.SettleGroupSnapshot(context.WithoutCancel(ctx), id); err != nil {
		a.log.Warn("cannot settle group snapshot", "group_snapshot", id, "err", err)
	}
}
