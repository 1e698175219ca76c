package api

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

func attachmentSummary(at store.Attachment) map[string]any {
	return map[string]any{"id": at.ID, "status": at.AttachStatus, "instance": at.InstanceUUID, "volume_id": at.VolumeID}
}

func attachmentDetail(at store.Attachment) map[string]any {
	m := attachmentSummary(at)
	norm := func(t *string) any {
		if t == nil {
			return ""
		}
		return *t
	}
	m["attached_at"] = norm(timefmt.Nullable(timefmt.Naive, at.AttachTime))
	m["detached_at"] = norm(timefmt.Nullable(timefmt.Naive, at.DetachTime))
	m["attach_mode"] = at.AttachMode
	info := at.ConnectionInfo
	if info == nil {
		info = map[string]any{}
	}
	m["connection_info"] = info
	return m
}

func (a *API) attachmentFor(w http.ResponseWriter, r *http.Request) (caller, store.Attachment, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.Attachment{}, false
	}
	id := chi.URLParam(r, "id")
	at, err := a.db.GetAttachment(r.Context(), id)
	if err == nil && at.ProjectID != c.project() && !c.isAdmin() {
		err = store.AttachmentNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, "volume:attachment_update", at.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return c, at, false
	}
	return c, at, true
}

// listAttachments is GET /attachments[/detail] (3.27).
func (a *API) listAttachments(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		q := httpapi.QueryOf(r)
		f := store.AttachmentFilter{ProjectID: c.project(), InstanceUUID: q.Get("instance_id"), Status: q.Get("attach_status")}
		if f.Status == "" {
			f.Status = q.Get("status")
		}
		if v := q.Get("volume_id"); v != "" {
			f.VolumeIDs = []string{v}
		}
		if all, _ := boolParam(q.Get("all_tenants")); all && c.isAdmin() {
			f.ProjectID = ""
		}
		list, err := a.db.ListAttachments(r.Context(), f)
		if err != nil {
			fail(w, r, err)
			return
		}
		items := []map[string]any{}
		for _, at := range list {
			if detail {
				items = append(items, attachmentDetail(at))
			} else {
				items = append(items, attachmentSummary(at))
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"attachments": items})
	}
}

// showAttachment is GET /attachments/{id}.
func (a *API) showAttachment(w http.ResponseWriter, r *http.Request) {
	_, at, ok := a.attachmentFor(w, r)
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"attachment": attachmentDetail(at)})
	}
}

// createAttachment is POST /attachments: reserve the volume for a server
// and, with a connector, connect it (3.27; mode from 3.54).
func (a *API) createAttachment(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req struct {
		VolumeUUID   *string        `json:"volume_uuid"`
		InstanceUUID *string        `json:"instance_uuid"`
		Connector    map[string]any `json:"connector"`
		Mode         *string        `json:"mode"`
	}
	if err := decode(r, "attachment", &req); err != nil {
		fail(w, r, err)
		return
	}
	if req.VolumeUUID == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute attachment. Value: %s. 'volume_uuid' is a required property", short(string(mustJSON(req)))))
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, *req.VolumeUUID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.NotFound, "Volume %s could not be found.", *req.VolumeUUID)
		}
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume:attachment_create", v.ProjectID); err != nil {
		fail(w, r, err)
		return
	}
	if len(v.Status) >= 5 && contains([]string{"error", "error_deleting", "error_extending", "error_restoring", "error_managing"}, v.Status) {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume attachments can not be created if the volume is in an error state. The Volume %s currently has a status of: %s ", v.ID, v.Status))
		return
	}
	mode := "null"
	if req.Mode != nil && microversion.Of(r).AtLeast(3, 54) {
		mode = *req.Mode
	}
	if v.ReadOnly() {
		mode = "ro"
	}
	from := []string{"available", "downloading"}
	if v.Multiattach {
		from = append(from, "in-use")
	}
	id := uuid.NewString()
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		st := "reserved"
		if _, err := tx.UpdateVolume(ctx, v.ID, from, store.VolumeUpdate{Status: &st}); err != nil {
			// the same server reattaching (a move) may reserve again
			if req.InstanceUUID == nil || (v.Status != "in-use" && v.Status != "reserved") {
				return fault.New(fault.Invalid, "Invalid volume: Volume %s status must be %s to reserve, but the current status is %s.", v.ID, orStr(from), v.Status)
			}
			list, _ := tx.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}, InstanceUUID: *req.InstanceUUID})
			if len(list) == 0 {
				return fault.New(fault.Invalid, "Invalid volume: Volume %s status must be %s to reserve, but the current status is %s.", v.ID, orStr(from), v.Status)
			}
		}
		_, err := tx.CreateAttachment(ctx, store.Attachment{ID: id, VolumeID: v.ID, ProjectID: v.ProjectID,
			InstanceUUID: req.InstanceUUID, AttachMode: &mode, AttachStatus: "reserved"})
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	at, err := a.db.GetAttachment(ctx, id)
	if err == nil && req.Connector != nil {
		at, err = a.connect(r, v, at, req.Connector)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"attachment": attachmentDetail(at)})
}

func orStr(list []string) string {
	s := ""
	for i, x := range list {
		if i > 0 {
			s += " or "
		}
		s += x
	}
	return s
}

// connect initializes the connection for an attachment (the manager's
// attachment_update): status attaching, connection_info with the
// attachment id.
func (a *API) connect(r *http.Request, v store.Volume, at store.Attachment, connector map[string]any) (store.Attachment, error) {
	ctx := r.Context()
	info, err := a.rpc.InitializeConnection(auth.WithRPC(ctx), v.Host, v.ID, connector)
	if err != nil {
		st := "error_attaching"
		_, _ = a.db.UpdateAttachment(ctx, at.ID, store.AttachmentUpdate{AttachStatus: &st})
		return at, err
	}
	mode := "rw"
	if at.AttachMode != nil && *at.AttachMode != "null" {
		mode = *at.AttachMode
	}
	info.Data["access_mode"] = mode
	if err := a.qosConnection(ctx, v, info.Data); err != nil { // qos.go
		return at, err
	}
	ci := map[string]any{"driver_volume_type": info.DriverVolumeType, "attachment_id": at.ID}
	for k, val := range info.Data {
		ci[k] = val
	}
	st := "attaching"
	host, _ := connector["host"].(string)
	mp, _ := connector["mountpoint"].(string)
	u := store.AttachmentUpdate{AttachStatus: &st, Connector: connector, ConnectionInfo: ci, AttachMode: &mode}
	if host != "" {
		u.AttachedHost = &host
	}
	if mp != "" {
		u.Mountpoint = &mp
	}
	return a.db.UpdateAttachment(ctx, at.ID, u)
}

// updateAttachment is PUT /attachments/{id} with a connector.
func (a *API) updateAttachment(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Connector map[string]any `json:"connector"`
	}
	if err := decode(r, "attachment", &req); err != nil {
		fail(w, r, err)
		return
	}
	if req.Connector == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute attachment. Value: {}. 'connector' is a required property"))
		return
	}
	_, at, ok := a.attachmentFor(w, r)
	if !ok {
		return
	}
	v, err := a.db.GetVolume(r.Context(), at.VolumeID)
	if err != nil {
		fail(w, r, err)
		return
	}
	if contains([]string{"error", "error_deleting", "error_extending", "error_restoring"}, v.Status) {
		fail(w, r, fault.New(fault.Conflict, "Volume attachments can not be updated if the volume is in an error state. The Volume %s currently has a status of: %s ", v.ID, v.Status))
		return
	}
	at, err = a.connect(r, v, at, req.Connector)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"attachment": attachmentDetail(at)})
}

// deleteAttachment is DELETE /attachments/{id}: detach, and answer the
// remaining attachments of the volume.
func (a *API) deleteAttachment(w http.ResponseWriter, r *http.Request) {
	_, at, ok := a.attachmentFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := a.db.GetVolume(ctx, at.VolumeID)
	if err != nil {
		fail(w, r, err)
		return
	}
	if at.AttachStatus != "reserved" {
		if err := a.terminate(ctx, v, at.Connector); err != nil {
			fail(w, r, err)
			return
		}
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.FinishDetach(ctx, v.ID, at.ID)
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	rest, err := a.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}})
	if err != nil {
		fail(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, x := range rest {
		items = append(items, attachmentSummary(x))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"attachments": items})
}

// attachmentAction is POST /attachments/{id}/action: os-complete (3.44).
func (a *API) attachmentAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	if _, ok := body["os-complete"]; !ok {
		if len(body) != 1 {
			fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
		} else {
			fail(w, r, noSuchAction(actionOf(body)))
		}
		return
	}
	if !microversion.Of(r).AtLeast(3, 44) { // a versioned method below its version
		fail(w, r, fault.New(fault.NotFound, "There is no such action"))
		return
	}
	_, at, ok := a.attachmentFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	err := a.db.InTx(ctx, func(tx *store.Store) error {
		st := "attached"
		if _, err := tx.UpdateAttachment(ctx, at.ID, store.AttachmentUpdate{AttachStatus: &st, Attached: true}); err != nil {
			return err
		}
		vs, att := "in-use", "attached"
		_, err := tx.UpdateVolume(ctx, at.VolumeID, nil, store.VolumeUpdate{Status: &vs, AttachStatus: &att})
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
