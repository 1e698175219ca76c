package ceph

import (
	"context"
	"fmt"

	"github.com/gostack/gostack/services/fault"
)

// Copy writes the current data of the image src into a new image dst,
// possibly in another pool, through the client into (another connection to
// the same cluster, e.g. as another cephx user; nil means c). It is
// librbd's rbd_copy, which Cinder's RBD driver uses to move a volume to
// another pool: dst gets src's size, object size and features, and reads
// through to src's parent are copied, so dst is a flat image; src's
// snapshots are not copied. Like the other librbd calls it cannot be
// cancelled once started; ctx is checked before.
//
// An existing dst is fault.Conflict and is left alone. Any other failure
// removes what the copy created, so a failed copy leaves no orphan.
func (c *Client) Copy(ctx context.Context, src Spec, into *Client, dst Spec) error {
	if into == nil {
		into = c
	}
	if err := src.validImage(); err != nil {
		return err
	}
	if err := dst.validPlain(); err != nil {
		return err
	}
	img, err := c.OpenReadOnly(ctx, src)
	if err != nil {
		return err
	}
	defer img.Close()
	if ok, err := into.Exists(ctx, dst); err != nil {
		return err
	} else if ok {
		return fault.New(fault.Conflict, "RBD image %s already exists.", dst)
	}
	io, err := into.ioctx(ctx, dst.Pool)
	if err != nil {
		return err
	}
	defer io.Destroy()
	if err := errCtx(ctx); err != nil {
		return err
	}
	if err := img.img.Copy(io, dst.Image); err != nil {
		cerr := c.classify(err, "copy "+src.String()+" into", describe(dst))
		if fault.KindOf(cerr) == fault.Conflict {
			// Created meanwhile by someone else: not ours to remove.
			return cerr
		}
		if rerr := into.Remove(context.WithoutCancel(ctx), dst, RemoveOptions{PurgeSnapshots: true}); rerr != nil && fault.KindOf(rerr) != fault.NotFound {
			return fmt.Errorf("%w (and the partial copy %s could not be removed: %v)", cerr, dst, rerr)
		}
		return cerr
	}
	return nil
}
