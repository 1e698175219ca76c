package libvirt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.Snapshotter = (*Driver)(nil)

// DirectSnapshot is nova's direct snapshot of an RBD root disk: a
// protected snapshot of <uuid>_disk, cloned into pool as imageID and
// flattened, the source snapshot removed, then the new image's own
// protected snapshot "snap". The guest keeps running: the copy is
// crash-consistent, as upstream's without a guest agent.
func (d *Driver) DirectSnapshot(ctx context.Context, uuid, imageID, pool string) (string, error) {
	if imageID == "" || pool == "" {
		return "", fault.New(fault.Invalid, "A snapshot needs an image id and a pool.")
	}
	root := ceph.ImageSpec(d.s.Pool, rootDiskName(uuid))
	if ok, err := d.ceph.Exists(ctx, root); err != nil {
		return "", err
	} else if !ok {
		return "", fault.New(fault.NotFound, "Instance %s has no root disk %s to snapshot.", uuid, root)
	}
	fsid, err := d.ceph.FSID(ctx)
	if err != nil {
		return "", err
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	src := root.WithSnap(hex.EncodeToString(b[:]))
	dst := ceph.ImageSpec(pool, imageID)
	start := time.Now()

	if err := d.ceph.CreateSnapshot(ctx, src); err != nil {
		return "", err
	}
	created, err := d.copySnapshot(ctx, src, dst)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	removeCopy := func() {
		if rmErr := d.removeDisk(cctx, dst); rmErr != nil && fault.KindOf(rmErr) != fault.NotFound {
			d.log.ErrorContext(ctx, "snapshot failed and its copy could not be removed", "instance", uuid, "image", dst.String(), "error", rmErr)
		}
	}
	if err != nil && created {
		removeCopy() // before the source snapshot, which it may still depend on
	}
	// The source snapshot goes whatever happened (nova's
	// cleanup_direct_snapshot).
	if rmErr := d.ceph.RemoveSnapshot(cctx, src); rmErr != nil && fault.KindOf(rmErr) != fault.NotFound {
		err = errors.Join(err, rmErr)
	}
	if err != nil {
		return "", err
	}
	if err := d.protectSnap(ctx, dst.WithSnap("snap")); err != nil {
		removeCopy()
		return "", err
	}
	loc := fmt.Sprintf("rbd://%s/%s/%s/snap", fsid, pool, imageID)
	d.log.InfoContext(ctx, "instance disk snapshotted", "instance", uuid, "location", loc, "ms", time.Since(start).Milliseconds())
	return loc, nil
}

// copySnapshot clones src into dst and flattens dst; created says whether
// dst was made (an existing image is never touched).
func (d *Driver) copySnapshot(ctx context.Context, src, dst ceph.Spec) (created bool, err error) {
	if err := d.ceph.ProtectSnapshot(ctx, src); err != nil {
		return false, err
	}
	if err := d.ceph.Clone(ctx, src, dst, ceph.CreateOptions{}); err != nil {
		return false, err
	}
	return true, d.ceph.Flatten(ctx, dst)
}

func (d *Driver) protectSnap(ctx context.Context, s ceph.Spec) error {
	if err := d.ceph.CreateSnapshot(ctx, s); err != nil {
		return err
	}
	return d.ceph.ProtectSnapshot(ctx, s)
}

// RemoveImage removes an image DirectSnapshot made in pool (with its
// snapshots): for a snapshot whose registration in Glance failed.
func (d *Driver) RemoveImage(ctx context.Context, pool, imageID string) error {
	err := d.removeDisk(ctx, ceph.ImageSpec(pool, imageID))
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	return nil
}

// FlattenRoot copies into the instance's root disk the data it shares
// with its parent image, so that image can be deleted (an unshelved
// instance's shelved image, as nova's flatten on unshelve).
func (d *Driver) FlattenRoot(ctx context.Context, uuid string) error {
	root := ceph.ImageSpec(d.s.Pool, rootDiskName(uuid))
	if _, ok, err := d.ceph.Parent(ctx, root); err != nil || !ok {
		return err
	}
	return d.ceph.Flatten(ctx, root)
}
