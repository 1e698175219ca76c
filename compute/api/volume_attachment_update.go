package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// swapVMStates are the vm_states nova's swap_volume accepts.
var swapVMStates = []string{objects.VMActive, objects.VMPaused, objects.VMResized}

// updateVolumeAttachment is api-ref "Update a volume attachment" (PUT
// /servers/{server_id}/os-volume_attachments/{volume_id}), as nova's
// update: before 2.85 every PUT is a swap (admin only); from 2.85 the
// same volumeId updates the attachment (delete_on_termination; id,
// serverId, device and tag must stay as they are) and another volumeId
// does that and then swaps.
func (a *API) updateVolumeAttachment(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "volumeAttachment")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	regular := atLeast(r, 85)
	allowed := []string{"volumeId"}
	if regular {
		allowed = append(allowed, "device", "tag", "delete_on_termination", "serverId", "id")
	}
	if err := b.only("volumeAttachment", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	newID, _, err := b.str("volumeId", true, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, perr := uuid.Parse(newID); perr != nil || len(newID) != 36 {
		writeErr(w, r, badField("volumeId", newID, "%s is not a 'uuid'", repr(newID)))
		return
	}
	oldID := chi.URLParam(r, "volume_id")
	rule := "os_compute_api:os-volumes-attachments:update"
	if !regular || newID != oldID {
		rule = "os_compute_api:os-volumes-attachments:swap"
	}
	in, err := a.instanceFor(r, c, rule)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if regular {
		if err := a.updateAttachmentFields(r, in, oldID, b); err != nil {
			writeErr(w, r, err)
			return
		}
		if newID == oldID {
			w.WriteHeader(http.StatusAccepted)
			return
		}
	}
	writeErr(w, r, a.swapVolume(r, c, in, oldID, newID))
}

// updateAttachmentFields is nova's _update_volume_regular (2.85).
func (a *API) updateAttachmentFields(r *http.Request, in objects.Instance, volumeID string, b body) error {
	bdms, err := a.volumeBDMs(r.Context(), in.UUID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(bdms, func(x objects.BlockDeviceMapping) bool { return x.VolumeID == volumeID })
	if i < 0 {
		return fault.New(fault.NotFound, "No volume Block Device Mapping with id %s.", volumeID)
	}
	bdm := bdms[i]
	for _, f := range []struct{ key, now string }{{"id", volumeID}, {"serverId", in.UUID}, {"device", bdm.DeviceName}, {"tag", bdm.Tag}} {
		if v, ok := b[f.key]; ok {
			if s, _ := v.(string); s != f.now {
				return invalid("The %s property is not mutable", f.key)
			}
		}
	}
	dot, set, err := b.boolField("delete_on_termination")
	if err != nil || !set {
		return err
	}
	_, err = a.store.UpdateBlockDeviceMapping(r.Context(), in.UUID, bdm.UUID, store.BDMUpdate{DeleteOnTermination: &dot})
	return err
}

// swapVolume is nova's swap_volume with its checks in its order (the
// volume in the URL 404, the one in the body 400, locked or busy 409,
// the volumes' attachment and size 400, no mapping 404). The swap itself
// is refused: every volume here is an RBD network disk, and nova's
// libvirt driver swaps host block devices only (its compute fails the
// swap with "Swap only supports host devices"); this answers that at
// once instead of after a 202.
func (a *API) swapVolume(r *http.Request, c caller, in objects.Instance, oldID, newID string) error {
	ctx := r.Context()
	old, err := a.volumes.Get(ctx, c.AuthToken, oldID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.NotFound, "Volume %s could not be found.", oldID)
		}
		return err
	}
	// A volume named in the body that does not exist is a bad request
	// (the API-WG guideline nova follows here), not a 404.
	nv, err := a.volumes.Get(ctx, c.AuthToken, newID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.Invalid, "Volume %s could not be found.", newID)
		}
		return err
	}
	if err := a.checkLocked(c, in); err != nil {
		return err
	}
	if !slices.Contains(swapVMStates, in.VMState) {
		return invalidState("swap_volume", in, false)
	}
	if in.TaskState != "" {
		return invalidState("swap_volume", in, true)
	}
	switch {
	case !slices.ContainsFunc(old.Attachments, func(at volumeapi.VolumeAttachment) bool { return at.ServerID == in.UUID }):
		return invalid("Invalid volume: Old volume is attached to a different instance.")
	case nv.Status != "available":
		return invalid("Invalid volume: New volume must be detached in order to swap.")
	case nv.Size < old.Size:
		return invalid("Invalid volume: New volume must be the same size or larger.")
	case old.Multiattach && len(old.Attachments) > 1:
		return invalid("Swapping multi-attach volumes with more than one read/write attachment is not supported.")
	}
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(bdms, func(b objects.BlockDeviceMapping) bool { return b.VolumeID == oldID }) {
		return fault.New(fault.NotFound, "No volume Block Device Mapping with id %s.", oldID)
	}
	return invalid("Swapping volumes is not supported: volumes here are RBD network disks, and nova's libvirt driver swaps host block devices only. Detach volume %s and attach volume %s instead, or move the data with a volume retype.", oldID, newID)
}
