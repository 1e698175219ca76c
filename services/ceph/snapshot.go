package ceph

import (
	"context"
	"syscall"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// Snapshot describes one snapshot of an image.
type Snapshot struct {
	Name      string
	ID        uint64
	Size      uint64 // the image's size when the snapshot was taken
	Protected bool
}

// CreateSnapshot takes a snapshot named spec.Snap. An existing snapshot of
// that name is fault.Conflict.
func (c *Client) CreateSnapshot(ctx context.Context, spec Spec) error {
	if err := spec.validSnap(); err != nil {
		return err
	}
	img, err := c.Open(ctx, spec.Base())
	if err != nil {
		return err
	}
	defer img.Close()
	if _, err := img.img.CreateSnapshot(spec.Snap); err != nil {
		return c.classify(err, "create", describe(spec))
	}
	return nil
}

// ProtectSnapshot protects a snapshot so it can be cloned (Glance does this
// after an upload). Protecting a protected snapshot is a no-op.
func (c *Client) ProtectSnapshot(ctx context.Context, spec Spec) error {
	return c.withSnapshot(ctx, spec, func(img *Image, s *rbd.Snapshot) error {
		prot, err := s.IsProtected()
		if err != nil {
			return c.classify(err, "check the protection of", describe(spec))
		}
		if prot {
			return nil
		}
		if err := s.Protect(); err != nil && !isErrno(err, syscall.EBUSY) {
			return c.classify(err, "protect", describe(spec))
		}
		return nil
	})
}

// UnprotectSnapshot lifts a snapshot's protection. An unprotected snapshot
// is a no-op; a snapshot with clones is fault.Conflict naming them.
func (c *Client) UnprotectSnapshot(ctx context.Context, spec Spec) error {
	return c.withSnapshot(ctx, spec, func(img *Image, s *rbd.Snapshot) error {
		return c.unprotect(ctx, spec, s)
	})
}

func (c *Client) unprotect(ctx context.Context, spec Spec, s *rbd.Snapshot) error {
	prot, err := s.IsProtected()
	if err != nil {
		return c.classify(err, "check the protection of", describe(spec))
	}
	if !prot {
		return nil
	}
	if err := s.Unprotect(); err != nil {
		if isErrno(err, syscall.EBUSY) {
			children, cerr := c.Children(ctx, spec)
			if cerr == nil && len(children) > 0 {
				return hasClones(err, spec, children)
			}
			return fault.Wrap(err, fault.Conflict, "RBD snapshot %s has clones; flatten or delete them first.", spec)
		}
		return c.classify(err, "unprotect", describe(spec))
	}
	return nil
}

// RemoveSnapshot deletes a snapshot, lifting its protection first as Cinder
// and Glance do. A snapshot with clones is fault.Conflict naming them; a
// missing one is fault.NotFound.
func (c *Client) RemoveSnapshot(ctx context.Context, spec Spec) error {
	return c.withSnapshot(ctx, spec, func(img *Image, s *rbd.Snapshot) error {
		return c.removeSnapshot(ctx, spec, s)
	})
}

func (c *Client) removeSnapshot(ctx context.Context, spec Spec, s *rbd.Snapshot) error {
	if err := c.unprotect(ctx, spec, s); err != nil {
		return err
	}
	if err := s.Remove(); err != nil {
		return c.classify(err, "remove", describe(spec))
	}
	return nil
}

// ListSnapshots lists an image's snapshots, oldest first.
func (c *Client) ListSnapshots(ctx context.Context, spec Spec) ([]Snapshot, error) {
	img, err := c.OpenReadOnly(ctx, spec.Base())
	if err != nil {
		return nil, err
	}
	defer img.Close()
	return img.snapshots(ctx)
}

func (i *Image) snapshots(ctx context.Context) ([]Snapshot, error) {
	infos, err := i.img.GetSnapshotNames()
	if err != nil {
		return nil, i.c.classify(err, "list the snapshots of", describe(i.spec))
	}
	out := make([]Snapshot, 0, len(infos))
	for _, si := range infos {
		if err := errCtx(ctx); err != nil {
			return nil, err
		}
		prot, err := i.img.GetSnapshot(si.Name).IsProtected()
		if err != nil {
			return nil, i.c.classify(err, "check the protection of", describe(i.spec.WithSnap(si.Name)))
		}
		out = append(out, Snapshot{Name: si.Name, ID: si.Id, Size: si.Size, Protected: prot})
	}
	return out, nil
}

// withSnapshot opens spec's image read-write and runs fn on the snapshot,
// after checking that the snapshot exists.
func (c *Client) withSnapshot(ctx context.Context, spec Spec, fn func(*Image, *rbd.Snapshot) error) error {
	if err := spec.validSnap(); err != nil {
		return err
	}
	img, err := c.Open(ctx, spec.Base())
	if err != nil {
		return err
	}
	defer img.Close()
	if _, err := img.img.GetSnapID(spec.Snap); err != nil {
		return c.classify(err, "find", describe(spec))
	}
	return fn(img, img.img.GetSnapshot(spec.Snap))
}

// Children lists the clones of a snapshot (including clones in the trash).
func (c *Client) Children(ctx context.Context, spec Spec) ([]Spec, error) {
	if err := spec.validSnap(); err != nil {
		return nil, err
	}
	img, err := c.OpenReadOnly(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	kids, err := img.img.ListChildrenAttributes()
	if err != nil {
		return nil, c.classify(err, "list the clones of", describe(spec))
	}
	out := make([]Spec, 0, len(kids))
	for _, k := range kids {
		out = append(out, Spec{Pool: k.PoolName, Image: k.ImageName})
	}
	return out, nil
}
