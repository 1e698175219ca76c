package ceph

import (
	"context"
	"fmt"
	"slices"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// DefaultFeatures are the image features Glance, Cinder and Nova get from
// Ceph's default `rbd default features`: layering makes copy-on-write clones
// possible, exclusive-lock with object-map and fast-diff makes clone reads,
// diff and du cheap, and deep-flatten lets a clone with snapshots be
// flattened.
var DefaultFeatures = []string{"layering", "exclusive-lock", "object-map", "fast-diff", "deep-flatten"}

// CreateOptions tune Create and Clone.
type CreateOptions struct {
	// Features are rbd(8) feature names; DefaultFeatures when nil. A clone
	// needs "layering" on its parent.
	Features []string
	// Order is log2 of the object size (22 = 4 MiB, librbd's default when
	// zero).
	Order int
}

// imageOptions builds librbd image options; the caller destroys them.
func (o CreateOptions) imageOptions() (*rbd.ImageOptions, error) {
	names := o.Features
	if names == nil {
		names = DefaultFeatures
	}
	fs := rbd.FeatureSetFromNames(names)
	if got := fs.Names(); len(got) != len(names) {
		for _, n := range names {
			if !slices.Contains(got, n) {
				return nil, fault.New(fault.Invalid, "Unknown RBD image feature %q.", n)
			}
		}
	}
	opts := rbd.NewRbdImageOptions()
	if err := opts.SetUint64(rbd.ImageOptionFeatures, uint64(fs)); err != nil {
		opts.Destroy()
		return nil, fmt.Errorf("set features option: %w", err)
	}
	if o.Order != 0 {
		if o.Order < 12 || o.Order > 26 {
			opts.Destroy()
			return nil, fault.New(fault.Invalid, "RBD object order %d is outside 12..26.", o.Order)
		}
		if err := opts.SetUint64(rbd.ImageOptionOrder, uint64(o.Order)); err != nil {
			opts.Destroy()
			return nil, fmt.Errorf("set order option: %w", err)
		}
	}
	return opts, nil
}

// Create makes a new image of size bytes (thin: no data is written). An
// existing image is fault.Conflict.
func (c *Client) Create(ctx context.Context, spec Spec, size uint64, opts CreateOptions) error {
	if err := spec.validPlain(); err != nil {
		return err
	}
	ro, err := opts.imageOptions()
	if err != nil {
		return err
	}
	defer ro.Destroy()
	io, err := c.ioctx(ctx, spec.Pool)
	if err != nil {
		return err
	}
	defer io.Destroy()
	if err := rbd.CreateImage(io, spec.Image, size, ro); err != nil {
		return c.classify(err, "create", describe(spec))
	}
	return nil
}
