package ceph

import (
	"context"

	"github.com/gostack/gostack/services/fault"
)

// ResizeOptions tune Resize.
type ResizeOptions struct {
	// AllowShrink permits a smaller size, which discards the data past it.
	AllowShrink bool
}

// Resize sets an image's size. Growing is always allowed (Nova growing a
// root disk to the flavor, Cinder extending a volume); the same size is a
// no-op; shrinking is fault.Invalid unless opts.AllowShrink is set.
func (c *Client) Resize(ctx context.Context, spec Spec, size uint64, opts ResizeOptions) error {
	if err := spec.validPlain(); err != nil {
		return err
	}
	img, err := c.Open(ctx, spec)
	if err != nil {
		return err
	}
	defer img.Close()
	return img.Resize(ctx, size, opts)
}

// Resize sets the open image's size; see Client.Resize.
func (i *Image) Resize(ctx context.Context, size uint64, opts ResizeOptions) error {
	cur, err := i.Size(ctx)
	if err != nil {
		return err
	}
	switch {
	case size == cur:
		return nil
	case size < cur && !opts.AllowShrink:
		return fault.New(fault.Invalid,
			"Shrinking RBD image %s from %d to %d bytes would discard data; refused.", i.spec, cur, size)
	}
	return i.resize(ctx, size, size < cur)
}

func (i *Image) resize(ctx context.Context, size uint64, shrink bool) error {
	if err := errCtx(ctx); err != nil {
		return err
	}
	if i.readOnly {
		return fault.New(fault.Conflict, "RBD %s is open read-only.", describe(i.spec))
	}
	noProgress := func(uint64, uint64, any) int { return 0 }
	if err := i.img.Resize2(size, shrink, noProgress, nil); err != nil {
		return i.c.classify(err, "resize", describe(i.spec))
	}
	return nil
}
