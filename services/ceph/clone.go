package ceph

import (
	"context"
	"syscall"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// Clone makes child a copy-on-write clone of the snapshot parent
// (images/ID@snap -> vms/UUID_disk), possibly in another pool. It copies no
// data: the clone reads through to the parent until written. The parent
// needs the layering feature and, with clone format 1 (the default unless
// the cluster requires mimic clients), a protected snapshot.
//
// Clone is idempotent for a redelivered request: if child already exists
// as a clone of the same snapshot, it returns nil; if it exists otherwise,
// fault.Conflict.
func (c *Client) Clone(ctx context.Context, parent, child Spec, opts CreateOptions) error {
	if err := parent.validSnap(); err != nil {
		return err
	}
	if err := child.validPlain(); err != nil {
		return err
	}
	ro, err := opts.imageOptions()
	if err != nil {
		return err
	}
	defer ro.Destroy()
	pio, err := c.ioctx(ctx, parent.Pool)
	if err != nil {
		return err
	}
	defer pio.Destroy()
	cio, err := c.ioctx(ctx, child.Pool)
	if err != nil {
		return err
	}
	defer cio.Destroy()

	err = rbd.CloneImage(pio, parent.Image, parent.Snap, cio, child.Image, ro)
	if err == nil {
		return nil
	}
	switch {
	case isErrno(err, syscall.EEXIST):
		got, ok, perr := c.Parent(ctx, child)
		if perr != nil {
			return fault.Wrap(err, fault.Conflict, "RBD image %s already exists.", child)
		}
		if ok && got == parent {
			return nil
		}
		return fault.Wrap(err, fault.Conflict,
			"RBD image %s already exists and is not a clone of %s.", child, parent)
	case isErrno(err, syscall.ENOENT):
		if ok, xerr := c.Exists(ctx, parent); xerr == nil && !ok {
			return fault.Wrap(err, fault.NotFound, "RBD snapshot %s does not exist.", parent)
		}
		return c.classify(err, "clone "+parent.String()+" into", describe(child))
	case isErrno(err, syscall.EINVAL):
		snaps, lerr := c.ListSnapshots(ctx, parent.Base())
		if lerr == nil {
			for _, s := range snaps {
				if s.Name == parent.Snap && !s.Protected {
					return fault.Wrap(err, fault.Conflict,
						"RBD snapshot %s is not protected; protect it before cloning it.", parent)
				}
			}
		}
		return fault.Wrap(err, fault.Invalid,
			"Ceph refused to clone %s into %s: the parent needs the layering feature and a protected snapshot.", parent, child)
	default:
		return c.classify(err, "clone "+parent.String()+" into", describe(child))
	}
}
