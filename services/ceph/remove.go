package ceph

import (
	"context"
	"fmt"
	"syscall"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// RemoveOptions tune Remove.
type RemoveOptions struct {
	// PurgeSnapshots removes the image's snapshots first, lifting their
	// protection, as Glance and Cinder do when deleting. Without it an image
	// with snapshots is fault.Conflict.
	PurgeSnapshots bool
	// Retry replaces the client's Config.RemoveRetry for this call.
	Retry *Backoff
}

// Remove deletes an image. It fails with fault.Conflict, saying why, when a
// snapshot of the image has clones, when the image has snapshots and
// opts.PurgeSnapshots is not set, and when the image is still in use
// (watched by a guest or another client) after the retries; with
// fault.NotFound when the image does not exist.
//
// A watcher can outlive a guest that was just destroyed by up to the OSD's
// watch timeout, so a busy image is retried with backoff (Nova's
// rbd_destroy_volume_retries).
func (c *Client) Remove(ctx context.Context, spec Spec, opts RemoveOptions) error {
	if err := spec.validPlain(); err != nil {
		return err
	}
	snaps, err := c.ListSnapshots(ctx, spec)
	if err != nil {
		return err
	}
	for _, s := range snaps {
		snap := spec.WithSnap(s.Name)
		if s.Protected {
			kids, err := c.Children(ctx, snap)
			if err != nil {
				return err
			}
			if len(kids) > 0 {
				return hasClones(fmt.Errorf("remove %s: snapshot %s has %d clone(s)", spec, s.Name, len(kids)), snap, kids)
			}
		}
	}
	if len(snaps) > 0 {
		if !opts.PurgeSnapshots {
			names := make([]string, len(snaps))
			for i, s := range snaps {
				names[i] = s.Name
			}
			return fault.New(fault.Conflict, "RBD image %s has snapshots (%s); remove them first.", spec, joinShort(names, 3))
		}
		for _, s := range snaps {
			if err := c.RemoveSnapshot(ctx, spec.WithSnap(s.Name)); err != nil && fault.KindOf(err) != fault.NotFound {
				return err
			}
		}
	}

	io, err := c.ioctx(ctx, spec.Pool)
	if err != nil {
		return err
	}
	defer io.Destroy()
	retry := c.removeRetry
	if opts.Retry != nil {
		retry = *opts.Retry
	}
	err = retry.Do(ctx, func() error {
		if err := errCtx(ctx); err != nil {
			return err
		}
		return rbd.RemoveImage(io, spec.Image)
	}, func(err error) bool { return isErrno(err, syscall.EBUSY) })
	switch {
	case err == nil:
		return nil
	case isErrno(err, syscall.EBUSY):
		return inUse(err, spec, c.watchers(ctx, spec))
	default:
		return c.classify(err, "remove", describe(spec))
	}
}

// watchers lists the addresses of an image's watchers, best effort, for
// messages.
func (c *Client) watchers(ctx context.Context, spec Spec) []string {
	img, err := c.OpenReadOnly(ctx, spec)
	if err != nil {
		return nil
	}
	defer img.Close()
	ws, err := img.img.ListWatchers()
	if err != nil {
		return nil
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fmt.Sprintf("client.%d at %s", w.Id, w.Addr)
	}
	return out
}
