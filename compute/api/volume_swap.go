package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// swapVMStates are the vm_states nova's swap_volume accepts.
var swapVMStates = []string{objects.VMActive, objects.VMPaused, objects.VMResized}

// swapVolume is api-ref "Update a volume attachment" (PUT
// /servers/{server_id}/os-volume_attachments/{volume_id}, admin only):
// nova's checks in its order (the volume in the URL 404, the one in the
// body 400, not attached 404, locked or busy 409, the volumes' status
// and size 400). The swap itself is refused: every volume here is an
// RBD network disk, and nova's libvirt driver swaps host block devices
// only (its compute fails the swap with "Swap only supports host
// devices"); this answers that at once instead of after a 202.
func (a *API) swapVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-volumes-attachments:swap")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "volumeAttachment")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("volumeAttachment", "volumeId"); err != nil {
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
	ctx := r.Context()
	old, err := a.volumes.Get(ctx, c.AuthToken, oldID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.NotFound, "Volume %s could not be found.", oldID)
		}
		writeErr(w, r, err)
		return
	}
	// A volume named in the body that does not exist is a bad request
	// (the API-WG guideline nova follows here), not a 404.
	nv, err := a.volumes.Get(ctx, c.AuthToken, newID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.Invalid, "Volume %s could not be found.", newID)
		}
		writeErr(w, r, err)
		return
	}
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !slices.ContainsFunc(bdms, func(b objects.BlockDeviceMapping) bool { return b.VolumeID == oldID }) {
		writeErr(w, r, fault.New(fault.NotFound, "The volume was either invalid or not attached to the instance."))
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if !slices.Contains(swapVMStates, in.VMState) {
		writeErr(w, r, invalidState("swap_volume", in, false))
		return
	}
	if in.TaskState != "" {
		writeErr(w, r, invalidState("swap_volume", in, true))
		return
	}
	switch {
	case !slices.ContainsFunc(old.Attachments, func(at volumeapi.VolumeAttachment) bool { return at.ServerID == in.UUID }):
		err = invalid("Invalid volume: Old volume is attached to a different instance.")
	case nv.Status != "available":
		err = invalid("Invalid volume: New volume must be detached in order to swap.")
	case nv.Size < old.Size:
		err = invalid("Invalid volume: New volume must be the same size or larger.")
	default:
		err = invalid("Swapping volumes is not supported: volumes here are RBD network disks, and nova's libvirt driver swaps host block devices only. Detach volume %s and attach volume %s instead, or move the data with a volume retype.", oldID, newID)
	}
	writeErr(w, r, err)
}
