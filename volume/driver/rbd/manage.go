package rbd

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/driver"
)

var _ driver.Manager = (*Driver)(nil)

// ManageableVolumes lists the images of the backend's pool, as upstream's
// get_manageable_volumes: each with its size in GiB rounded up, the volume
// id its name carries, and whether it has watchers (in use) or is a
// deleted volume's remains. Images that vanish while listed are skipped.
func (d *Driver) ManageableVolumes(ctx context.Context) ([]driver.BackendVolume, error) {
	names, err := d.c.ListImages(ctx, d.cfg.Pool)
	if err != nil {
		return nil, err
	}
	out := make([]driver.BackendVolume, 0, len(names))
	for _, name := range names {
		size, watchers, err := d.sizeAndWatchers(ctx, ceph.ImageSpec(d.cfg.Pool, name))
		if fault.KindOf(err) == fault.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, driver.BackendVolume{
			Ref:      name,
			SizeGB:   int((size + gib - 1) / gib),
			VolumeID: volumeIDOf(name),
			InUse:    watchers > 0,
			Deleted:  strings.HasSuffix(name, ".deleted"),
		})
	}
	return out, nil
}

// sizeAndWatchers opens the image once for its size and its number of
// watchers.
func (d *Driver) sizeAndWatchers(ctx context.Context, spec ceph.Spec) (uint64, int, error) {
	img, err := d.c.OpenReadOnly(ctx, spec)
	if err != nil {
		return 0, 0, err
	}
	defer img.Close()
	size, err := img.Size(ctx)
	if err != nil {
		return 0, 0, err
	}
	ws, err := img.Watchers(ctx)
	return size, len(ws), err
}

// volumeIDOf returns the id in an image name volume-<uuid>, else "".
func volumeIDOf(name string) string {
	id, ok := strings.CutPrefix(name, "volume-")
	if !ok || len(id) != 36 || uuid.Validate(id) != nil {
		return ""
	}
	return id
}

// ManageSize is upstream's manage_existing_get_size: the image's size in
// GiB, rounded up; a missing image is an invalid reference.
func (d *Driver) ManageSize(ctx context.Context, ref string) (int, error) {
	if ref == "" || strings.ContainsAny(ref, "/@") {
		return 0, invalidRef(ref, "Specified rbd image does not exist.")
	}
	size, err := d.c.Size(ctx, ceph.ImageSpec(d.cfg.Pool, ref))
	if fault.KindOf(err) == fault.NotFound {
		return 0, invalidRef(ref, "Specified rbd image does not exist.")
	}
	if err != nil {
		return 0, err
	}
	return int((size + gib - 1) / gib), nil
}

func invalidRef(ref, reason string) error {
	return fault.New(fault.Invalid, "Manage existing volume failed due to invalid backend reference %s: %s", ref, reason)
}

// Manage is upstream's manage_existing: the image is renamed
// volume-<id>. When the image is gone but volume-<id> exists the rename
// already happened (a redelivered message).
func (d *Driver) Manage(ctx context.Context, id, ref string) error {
	if ref == VolumeName(id) {
		return nil
	}
	err := d.c.Rename(ctx, ceph.ImageSpec(d.cfg.Pool, ref), VolumeName(id))
	if fault.KindOf(err) == fault.NotFound {
		if ok, xerr := d.c.Exists(ctx, d.vol(id)); xerr == nil && ok {
			return nil
		}
		return invalidRef(ref, "Specified rbd image does not exist.")
	}
	return err
}
