package ceph

import (
	"context"
	"errors"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// Extent is a byte range of an image that differs from an earlier
// snapshot: Exists false means it reads as zeros now (discarded).
type Extent struct {
	Offset, Length uint64
	Exists         bool
}

// Diff lists the extents of the open image (or snapshot) that changed
// since snapshot fromSnap of the same image; with fromSnap "" every
// allocated extent (a clone's parent data included). Extents come in
// increasing offset order.
func (i *Image) Diff(ctx context.Context, fromSnap string) ([]Extent, error) {
	size, err := i.Size(ctx)
	if err != nil {
		return nil, err
	}
	var out []Extent
	err = i.img.DiffIterate(rbd.DiffIterateConfig{SnapName: fromSnap, Offset: 0, Length: size,
		IncludeParent: rbd.IncludeParent, WholeObject: rbd.DisableWholeObject,
		Callback: func(off, n uint64, exists int, _ interface{}) int {
			out = append(out, Extent{Offset: off, Length: n, Exists: exists != 0})
			return 0
		}})
	if err != nil {
		return nil, i.c.classify(err, "diff", describe(i.spec))
	}
	return out, nil
}

// Discard makes n bytes at off read as zeros (thin again where whole
// objects are covered).
func (i *Image) Discard(ctx context.Context, off, n uint64) error {
	if i.readOnly {
		return fault.New(fault.Conflict, "RBD %s is open read-only.", describe(i.spec))
	}
	if err := errCtx(ctx); err != nil {
		return err
	}
	const step = 1 << 30 // librbd takes an int length
	for n > 0 {
		m := min(n, step)
		got, err := i.img.Discard(off, m)
		if err != nil {
			return i.c.classify(err, "discard", describe(i.spec))
		}
		if uint64(got) != m {
			return i.c.classify(errors.New("short discard"), "discard", describe(i.spec))
		}
		off += m
		n -= m
	}
	return nil
}
