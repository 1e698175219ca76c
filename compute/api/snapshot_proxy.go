package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The snapshot half of the deprecated volume proxy (nova's
// SnapshotController): /os-snapshots, up to 2.35 (routes and shared
// checks in volume_proxy.go).

// snapshotProxyView is nova's _translate_snapshot_summary_view (the
// detail view is the same); size is the snapshot's (nova's volume_size).
func snapshotProxyView(s volumeapi.SnapshotDetail) map[string]any {
	return map[string]any{
		"id":                 s.ID,
		"volumeId":           s.VolumeID,
		"status":             s.Status,
		"size":               s.Size,
		"createdAt":          s.CreatedAt,
		"displayName":        nullString(s.Name),
		"displayDescription": nullString(s.Description),
	}
}

// listProxySnapshots is api-ref "List Snapshots" (GET /os-snapshots).
func (a *API) listProxySnapshots(w http.ResponseWriter, r *http.Request) {
	a.listSnapshotsVia(w, r, "os_compute_api:os-volumes:snapshots:list")
}

// listProxySnapshotsDetail is api-ref "List Snapshots With Details".
func (a *API) listProxySnapshotsDetail(w http.ResponseWriter, r *http.Request) {
	a.listSnapshotsVia(w, r, "os_compute_api:os-volumes:snapshots:detail")
}

func (a *API) listSnapshotsVia(w http.ResponseWriter, r *http.Request, rule string) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	if collectionWithSlash(r) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	if _, _, err := a.limitedRange(r, 0); err != nil {
		writeErr(w, r, err)
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, rule)
	if !ok {
		return
	}
	list, err := vols.ListSnapshots(r.Context(), c.AuthToken)
	if err != nil {
		writeErr(w, r, cinderError(err))
		return
	}
	start, end, _ := a.limitedRange(r, len(list))
	out := make([]map[string]any, 0, end-start)
	for _, s := range list[start:end] {
		out = append(out, snapshotProxyView(s))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"snapshots": out})
}

// showProxySnapshot is api-ref "Show Snapshot Details".
func (a *API) showProxySnapshot(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:snapshots:show")
	if !ok {
		return
	}
	id := chi.URLParam(r, "snapshot_id")
	s, err := vols.ShowSnapshot(r.Context(), c.AuthToken, id)
	if err != nil {
		writeErr(w, r, snapshotNotFound(err, id))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"snapshot": snapshotProxyView(s)})
}

// deleteProxySnapshot is api-ref "Delete Snapshot": 202.
func (a *API) deleteProxySnapshot(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:snapshots:delete")
	if !ok {
		return
	}
	id := chi.URLParam(r, "snapshot_id")
	if err := vols.RemoveSnapshot(r.Context(), c.AuthToken, id); err != nil {
		writeErr(w, r, snapshotNotFound(err, id))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// parseProxySnapshot checks the body of POST /os-snapshots against nova's
// snapshot_create schema (properties, then required, then
// additionalProperties).
func parseProxySnapshot(b body) (volumeapi.SnapshotRequest, error) {
	var req volumeapi.SnapshotRequest
	optional := func(k string) (*string, error) {
		v, ok := b[k]
		if !ok {
			return nil, nil
		}
		s, isStr := v.(string)
		if !isStr {
			return nil, badValue(k, v, "%s is not of type 'string'", repr(v))
		}
		return &s, nil
	}
	id, err := optional("volume_id")
	if err != nil {
		return req, err
	}
	if req.Force, _, err = b.boolField("force"); err != nil {
		return req, err
	}
	if req.Name, err = optional("display_name"); err != nil {
		return req, err
	}
	if req.Description, err = optional("display_description"); err != nil {
		return req, err
	}
	if id == nil {
		return req, badField("snapshot", map[string]any(b), "'volume_id' is a required property")
	}
	req.VolumeID = *id
	if err := b.only("snapshot", "volume_id", "force", "display_name", "display_description"); err != nil {
		return req, err
	}
	return req, nil
}

// createProxySnapshot is api-ref "Create Snapshot": 200 with the
// snapshot, "creating". force snapshots an in-use volume. An unknown
// volume is a 404 (Cinder's answer, as nova's VolumeNotFound).
func (a *API) createProxySnapshot(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	b, err := decodeBody(r, "snapshot")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	req, err := parseProxySnapshot(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:snapshots:create")
	if !ok {
		return
	}
	s, err := vols.NewSnapshot(r.Context(), c.AuthToken, req)
	if err != nil {
		if fault.KindOf(err) == fault.OverLimit {
			// nova's OverQuota(overs='snapshots').
			writeErr(w, r, fault.Wrap(err, fault.Forbidden, "Quota exceeded for resources: snapshots"))
			return
		}
		writeErr(w, r, volumeNotFound(err, req.VolumeID))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"snapshot": snapshotProxyView(s)})
}
