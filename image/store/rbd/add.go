package rbd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// HashAlgo is the multihash algorithm of Glance's default
// [DEFAULT] hashing_algorithm.
const HashAlgo = "sha512"

// Stored is what Add reports about the data it stored: glance_store's
// (location, size, checksum, multihash) tuple.
type Stored struct {
	Location  Location
	Size      int64
	Checksum  string // hex md5
	HashAlgo  string // always HashAlgo
	HashValue string // hex sha512
}

// Add stores the data of image id read from r: an RBD image named id in
// the pool, then its protected snapshot. size is the declared length (an
// HTTP Content-Length) or <= 0 when unknown; data of another length than
// declared fails. Memory stays bounded whatever the size. If anything
// fails, including ctx ending, nothing is left in the pool; an existing
// image of that name is fault.Conflict and left alone.
func (s *Store) Add(ctx context.Context, id string, r io.Reader, size int64) (Stored, error) {
	fsid, err := s.cluster.FSID(ctx)
	if err != nil {
		return Stored{}, fmt.Errorf("store image %s: %w", id, err)
	}
	spec := ceph.ImageSpec(s.pool, id)
	sums := newHashReader(r)
	defer sums.close()
	n, err := s.cluster.Import(ctx, spec, sums, ceph.ImportOptions{
		Size:   size,
		Create: ceph.CreateOptions{Order: s.order()},
		Stream: s.streamOptions(),
	})
	if err != nil {
		if fault.KindOf(err) == fault.Conflict {
			return Stored{}, fault.Wrap(err, fault.Conflict, "RBD image %s already exists", id)
		}
		return Stored{}, fmt.Errorf("store image %s: %w", id, err)
	}
	snap := spec.WithSnap(Snap)
	err = s.cluster.CreateSnapshot(ctx, snap)
	if err == nil {
		err = s.cluster.ProtectSnapshot(ctx, snap)
	}
	if err != nil {
		return Stored{}, s.undo(ctx, spec, fmt.Errorf("snapshot image %s: %w", id, err))
	}
	checksum, multihash := sums.sums()
	return Stored{
		Location:  Location{FSID: fsid, Pool: s.pool, Image: id, Snap: Snap},
		Size:      n,
		Checksum:  checksum,
		HashAlgo:  HashAlgo,
		HashValue: multihash,
	}, nil
}

// undo removes a half-made image on a context that outlives the caller's,
// and returns cause, joined with the removal's failure if any.
func (s *Store) undo(ctx context.Context, spec ceph.Spec, cause error) error {
	err := s.cluster.Remove(context.WithoutCancel(ctx), spec, ceph.RemoveOptions{PurgeSnapshots: true})
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return errors.Join(cause, fmt.Errorf("also could not remove %s: %w", spec, err))
	}
	return cause
}
