package api

import (
	"net/http"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// volumeBackedRebuild is nova's rebuild check for a server booted from a
// volume (compute/api.py rebuild): the server's image is the one in its
// root volume (Cinder's volume_image_metadata image_id), and the volume
// must be attached (in-use). Below 2.93 a different image is nova's
// ImageUnacceptable (400) and the same image rebuilds the guest on the
// volume as it is; from 2.93 (reimage_boot_volume) the root volume is
// reimaged with the image, whichever it is. It answers whether to
// reimage.
func (a *API) volumeBackedRebuild(r *http.Request, c caller, in objects.Instance, img objects.ImageMeta) (bool, error) {
	if a.volumes == nil {
		return false, fault.New(fault.Unavailable, "The block storage service is not configured.")
	}
	bdmMap, err := a.store.BlockDeviceMappings(r.Context(), []string{in.UUID})
	if err != nil {
		return false, err
	}
	var root *objects.BlockDeviceMapping
	for i, b := range bdmMap[in.UUID] {
		if b.IsRoot() && b.DestinationType == objects.DestinationVolume && b.VolumeID != "" {
			root = &bdmMap[in.UUID][i]
			break
		}
	}
	if root == nil {
		// nova's NovaException: not the user's fault
		return false, fault.New(fault.Internal, "Unable to find root block device mapping for volume-backed instance.")
	}
	v, err := a.volumes.Get(r.Context(), c.AuthToken, root.VolumeID)
	if err != nil {
		return false, err
	}
	reimage := atLeast(r, 93)
	if orig := v.VolumeImageMetadata["image_id"]; orig != img.ID && !reimage {
		return false, invalid("Image %s is unacceptable: Unable to rebuild with a different image for a volume-backed server.", img.ID)
	}
	// nova's _validate_flavor_image_nostatus for a volume root: min_disk
	// against the volume (the image's size is Cinder's to check).
	if reimage && img.MinDisk > v.Size {
		return false, invalid("Volume is smaller than the minimum size specified in image metadata. Volume size is %d bytes, minimum size is %d bytes.",
			int64(v.Size)*gib, int64(img.MinDisk)*gib)
	}
	if v.Status != "in-use" { // nova's _check_volume_status
		return false, invalid("Invalid volume: volume '%s' status must be 'in-use'. Currently in '%s' status", v.ID, v.Status)
	}
	return reimage, nil
}

// checkRebuildImage is the image check of a volume-backed rebuild (nova's
// _checks_for_create_and_rebuild with a volume root): the image is
// active and the flavor's memory fits it; the flavor's disk is not the
// root's.
func checkRebuildImage(img objects.ImageMeta, f objects.Flavor) error {
	if img.Status != "active" {
		return invalid("Image %s is not active.", img.ID)
	}
	if f.MemoryMB < img.MinRAM {
		return invalid("Flavor's memory is too small for requested image.")
	}
	return nil
}
