package ceph

import (
	"context"

	"github.com/ceph/go-ceph/rbd"
)

// Usage returns the bytes an image (or a snapshot) holds itself, excluding
// what a clone reads from its parent, as `rbd du` reports them: with
// fast-diff, in whole objects. A fresh clone uses 0 bytes however large its
// parent is.
func (c *Client) Usage(ctx context.Context, spec Spec) (uint64, error) {
	img, err := c.OpenReadOnly(ctx, spec)
	if err != nil {
		return 0, err
	}
	defer img.Close()
	size, err := img.Size(ctx)
	if err != nil {
		return 0, err
	}
	var used uint64
	err = img.img.DiffIterate(rbd.DiffIterateConfig{
		Offset:        0,
		Length:        size,
		IncludeParent: rbd.ExcludeParent,
		WholeObject:   rbd.EnableWholeObject,
		Callback: func(_, length uint64, exists int, _ interface{}) int {
			if exists != 0 {
				used += length
			}
			return 0
		},
	})
	if err != nil {
		return 0, c.classify(err, "compute the usage of", describe(spec))
	}
	return used, nil
}
