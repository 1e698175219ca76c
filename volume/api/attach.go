package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

// attachmentsOf loads the attachments of volumes, by volume id.
func (a *API) attachmentsOf(ctx context.Context, vols []store.Volume) (map[string][]store.Attachment, error) {
	ids := make([]string, 0, len(vols))
	for _, v := range vols {
		if v.AttachStatus != "detached" || v.Status == "reserved" || v.Status == "attaching" || v.Status == "detaching" {
			ids = append(ids, v.ID)
		}
	}
	out := map[string][]store.Attachment{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := a.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: ids})
	if err != nil {
		return nil, err
	}
	for _, at := range list {
		out[at.VolumeID] = append(out[at.VolumeID], at)
	}
	return out, nil
}

// volumeAttachments is the volume view's "attachments": the attached
// ones, each with id equal to the volume id (COMPAT §1 item 3).
func volumeAttachments(c caller, list []store.Attachment) []any {
	out := []any{}
	for _, at := range list {
		if at.AttachStatus != "attached" {
			continue
		}
		m := map[string]any{"id": at.VolumeID, "attachment_id": at.ID, "volume_id": at.VolumeID,
			"server_id": at.InstanceUUID, "host_name": nil, "device": at.Mountpoint,
			"attached_at": timefmt.Nullable(timefmt.Naive, at.AttachTime)}
		if c.isAdmin() || hasRole(c, "service") {
			m["host_name"] = at.AttachedHost
		}
		out = append(out, m)
	}
	return out
}

func hasRole(c caller, role string) bool {
	for _, r := range c.ctx.Roles {
		if r == role {
			return true
		}
	}
	return false
}

type attachArgs struct {
	InstanceUUID *string `json:"instance_uuid"`
	Mountpoint   *string `json:"mountpoint"`
	HostName     *string `json:"host_name"`
	Mode         *string `json:"mode"`
	AttachmentID *string `json:"attachment_id"`
}

func (a *API) legacyAttachAction(name string) func(http.ResponseWriter, *http.Request, json.RawMessage) {
	return func(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
		var req attachArgs
		if len(arg) > 0 && string(arg) != "null" {
			if err := json.Unmarshal(arg, &req); err != nil {
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s.", name, short(string(arg))))
				return
			}
		}
		rule := map[string]string{
			"os-reserve": "reserve", "os-unreserve": "unreserve", "os-attach": "attach", "os-detach": "detach",
			"os-begin_detaching": "begin_detaching", "os-roll_detaching": "roll_detaching",
		}[name]
		c, v, ok := a.volumeFor(w, r, "volume_extension:volume_actions:"+rule)
		if !ok {
			return
		}
		ctx := r.Context()
		var err error
		switch name {
		case "os-reserve":
			from := []string{"available"}
			if v.Multiattach {
				from = append(from, "in-use")
			}
			st := "attaching"
			_, err = a.db.UpdateVolume(ctx, v.ID, from, store.VolumeUpdate{Status: &st, PreviousStatus: ptrPtr(v.Status)})
			if fault.KindOf(err) == fault.Invalid {
				err = fault.New(fault.Invalid, "Invalid volume: Volume status must be %s to reserve, but the status is %s.",
					strings.Join(from, " or "), v.Status)
			}
		case "os-unreserve":
			if v.Status == "attaching" {
				_, err = a.db.FinishDetach(ctx, v.ID, "")
			}
		case "os-begin_detaching":
			st := "detaching"
			if v.AttachStatus != "attached" {
				err = fault.Of(fault.Invalid)
			} else {
				_, err = a.db.UpdateVolume(ctx, v.ID, []string{"in-use"}, store.VolumeUpdate{Status: &st})
			}
			if fault.KindOf(err) == fault.Invalid {
				err = fault.New(fault.Invalid, "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
			}
		case "os-roll_detaching":
			// a conditional update that is a no-op when the volume is not
			// detaching, as cinder's
			st := "in-use"
			if _, err = a.db.UpdateVolume(ctx, v.ID, []string{"detaching"}, store.VolumeUpdate{Status: &st}); fault.KindOf(err) == fault.Invalid {
				err = nil
			}
		case "os-attach":
			err = a.legacyAttach(ctx, c, v, req)
		case "os-detach":
			err = a.legacyDetach(ctx, v, req)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

func ptrPtr(s string) **string { p := &s; return &p }

func (a *API) legacyAttach(ctx context.Context, c caller, v store.Volume, req attachArgs) error {
	if req.InstanceUUID == nil && req.HostName == nil {
		return fault.New(fault.Invalid, "Invalid request to attach volume to an invalid target")
	}
	mode := "rw"
	if req.Mode != nil {
		mode = *req.Mode
	}
	if mode != "rw" && mode != "ro" {
		return fault.New(fault.Invalid, "Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'")
	}
	if v.ReadOnly() && mode != "ro" {
		return fault.New(fault.Invalid, "Invalid attaching mode '%s' for volume %s.", mode, v.ID)
	}
	allowed := []string{"attaching", "available", "reserved"}
	if v.Multiattach {
		allowed = append(allowed, "in-use")
	}
	if !contains(allowed, v.Status) {
		return store.InvalidVolumeStatus(v, allowed)
	}
	return a.db.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.CreateAttachment(ctx, store.Attachment{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: v.ProjectID,
			InstanceUUID: req.InstanceUUID, AttachedHost: req.HostName, Mountpoint: req.Mountpoint, AttachMode: &mode,
			AttachStatus: "attached", AttachTime: nowPtr()})
		if err != nil {
			return err
		}
		st, att := "in-use", "attached"
		amd := v.AdminMetadata
		amd["attached_mode"] = mode
		if _, ok := amd["readonly"]; !ok {
			amd["readonly"] = "False" // cinder's attach adds the default flag
		}
		_, err = tx.UpdateVolume(ctx, v.ID, allowed, store.VolumeUpdate{Status: &st, AttachStatus: &att, AdminMetadata: amd})
		return err
	})
}

func (a *API) legacyDetach(ctx context.Context, v store.Volume, req attachArgs) error {
	list, err := a.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}})
	if err != nil {
		return err
	}
	id := ""
	if req.AttachmentID != nil {
		id = *req.AttachmentID
		found := false
		for _, at := range list {
			found = found || at.ID == id
		}
		if !found {
			return store.AttachmentNotFound(id)
		}
	} else if len(list) == 1 {
		id = list[0].ID
	} else if len(list) > 1 {
		return fault.New(fault.Invalid, "Invalid volume: Volume %s is attached more than once; give attachment_id.", v.ID)
	}
	if len(list) == 0 && (v.Status == "available" || v.Status == "error") {
		return nil // nothing attached: cinder's detach is then a no-op
	}
	if v.Status != "detaching" && v.Status != "in-use" && v.Status != "attaching" {
		return store.InvalidVolumeStatus(v, []string{"in-use", "detaching"})
	}
	return a.db.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.FinishDetach(ctx, v.ID, id)
		return err
	})
}

// terminate tells the backend a host no longer uses the volume.
func (a *API) terminate(ctx context.Context, v store.Volume, connector map[string]any) error {
	if v.Host == "" {
		return nil
	}
	return a.rpc.TerminateConnection(auth.WithRPC(ctx), v.Host, v.ID, connector)
}

func nowPtr() *time.Time { t := time.Now().UTC(); return &t }

// forceDetach is the admin os-force_detach: end a connection and remove
// the attachment (or all of them) whatever the state.
func (a *API) forceDetach(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		Connector    map[string]any `json:"connector"`
		AttachmentID *string        `json:"attachment_id"`
	}
	if len(arg) > 0 && string(arg) != "null" {
		if err := json.Unmarshal(arg, &req); err != nil {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-force_detach. Value: %s.", short(string(arg))))
			return
		}
	}
	_, v, ok := a.volumeFor(w, r, "volume_extension:volume_admin_actions:force_detach")
	if !ok {
		return
	}
	ctx := r.Context()
	if err := a.terminate(ctx, v, req.Connector); err != nil {
		fail(w, r, err)
		return
	}
	list, err := a.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}})
	if err != nil {
		fail(w, r, err)
		return
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		for _, at := range list {
			if req.AttachmentID != nil && *req.AttachmentID != at.ID {
				continue
			}
			if _, err := tx.FinishDetach(ctx, v.ID, at.ID); err != nil {
				return err
			}
		}
		if len(list) == 0 {
			_, err := tx.FinishDetach(ctx, v.ID, "")
			return err
		}
		return nil
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
