package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/volume/store"
)

// revert is api-ref "Revert volume to snapshot" (revert, 3.40), as
// cinder's v3 volumes controller and volume API revert_to_snapshot: the
// snapshot must be the volume's latest (by created_at) and of the volume's
// size (400 otherwise, also for another volume's snapshot), the volume
// available and the snapshot available (409). 202; the volume is reverting
// and the snapshot restoring until the backend is done. Below 3.40 the
// action does not exist (404).
func (a *API) revert(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	if !microversion.Of(r).AtLeast(3, 40) {
		fail(w, r, fault.New(fault.NotFound, "The resource could not be found."))
		return
	}
	var m map[string]any
	if err := json.Unmarshal(arg, &m); err != nil || m == nil {
		fail(w, r, fault.New(fault.Invalid, "Missing required element 'revert' in request body."))
		return
	}
	snapID, _ := m["snapshot_id"].(string) // anything but a string is no snapshot id
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, chi.URLParam(r, "id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	latest, err := a.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID},
		[]store.Sort{{Key: "created_at", Dir: "desc"}, {Key: "id", Dir: "desc"}}, "", 1)
	if err != nil {
		fail(w, r, err)
		return
	}
	if len(latest) == 0 {
		fail(w, r, fault.New(fault.Invalid, "Volume %s doesn't have any snapshots.", v.ID))
		return
	}
	snap := latest[0]
	if snapID == "" || snapID != snap.ID {
		shown := "None"
		if raw := m["snapshot_id"]; raw != nil {
			shown = fmt.Sprint(raw)
		}
		fail(w, r, fault.New(fault.Invalid, "Specified snapshot %s is None or not the latest one of volume %s.", shown, v.ID))
		return
	}
	if v.Size != snap.VolumeSize {
		fail(w, r, fault.New(fault.Invalid, "Can't revert volume %s to its latest snapshot %s. The volume size must be equal to the snapshot size.", v.ID, snap.ID))
		return
	}
	if err := a.authorize(c, "volume:revert_to_snapshot", v.ProjectID); err != nil {
		fail(w, r, err)
		return
	}
	reverting := "reverting"
	if _, err := a.db.UpdateVolume(ctx, v.ID, []string{"available"}, store.VolumeUpdate{Status: &reverting}); err != nil {
		if fault.KindOf(err) == fault.Invalid || fault.KindOf(err) == fault.Conflict {
			err = fault.New(fault.Conflict, "Invalid volume: Can't revert volume %s to its latest snapshot %s. Volume's status must be 'available'.", v.ID, snap.ID)
		}
		fail(w, r, err)
		return
	}
	back := func() {
		avail := "available"
		if _, err := a.db.UpdateVolume(ctx, v.ID, []string{"reverting"}, store.VolumeUpdate{Status: &avail}); err != nil {
			a.log.ErrorContext(ctx, "cannot return a volume to available", "volume", v.ID, "err", err)
		}
	}
	restoring := "restoring"
	if _, err := a.db.UpdateSnapshot(ctx, snap.ID, []string{"available"}, store.SnapshotUpdate{Status: &restoring}); err != nil {
		// Upstream leaves the volume reverting here; it goes back to
		// available, as nothing was done to it.
		back()
		if fault.KindOf(err) == fault.Invalid || fault.KindOf(err) == fault.Conflict {
			err = fault.New(fault.Conflict, "Invalid snapshot: Can't revert volume %s to its latest snapshot %s. Snapshot's status must be 'available'.", v.ID, snap.ID)
		}
		fail(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "reverting volume to snapshot", "volume", v.ID, "snapshot", snap.ID)
	if err := a.rpc.RevertToSnapshot(auth.WithRPC(ctx), v.Host, v.ID, snap.ID); err != nil {
		back()
		avail := "available"
		_, _ = a.db.UpdateSnapshot(ctx, snap.ID, []string{"restoring"}, store.SnapshotUpdate{Status: &avail})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service is unavailable."))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
