package rbd

import (
	"context"
	"fmt"
	"strings"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// Delete removes the data at uri: the snapshot (unprotected first) and the
// RBD image. While the snapshot has clones (Nova disks, Cinder volumes)
// it deletes nothing and fails with fault.Conflict naming them, as
// glance_store's InUseByStore; an image still open elsewhere is
// fault.Conflict too. Data already gone is fault.NotFound.
func (s *Store) Delete(ctx context.Context, uri string) error {
	loc, err := parse(uri)
	if err != nil {
		return err
	}
	spec := s.spec(loc)
	base := spec.Base()
	if spec.Snap != "" {
		if err := s.checkNoClones(ctx, spec); err != nil {
			return err
		}
		err := s.cluster.RemoveSnapshot(ctx, spec)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return fmt.Errorf("delete image data %s: %w", uri, inUse(base.Image, err))
		}
	}
	if err := s.cluster.Remove(ctx, base, ceph.RemoveOptions{PurgeSnapshots: true}); err != nil {
		return fmt.Errorf("delete image data %s: %w", uri, inUse(base.Image, err))
	}
	return nil
}

// checkNoClones refuses while the snapshot has clones. A missing snapshot
// has none.
func (s *Store) checkNoClones(ctx context.Context, snap ceph.Spec) error {
	ok, err := s.cluster.Exists(ctx, snap)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return nil
		}
		return fmt.Errorf("look up snapshot %s: %w", snap, err)
	}
	if !ok {
		return nil
	}
	children, err := s.cluster.Children(ctx, snap)
	if err != nil {
		return fmt.Errorf("list clones of %s: %w", snap, err)
	}
	if len(children) == 0 {
		return nil
	}
	names := make([]string, len(children))
	for i, c := range children {
		names[i] = c.String()
	}
	return fault.New(fault.Conflict,
		"Image %s could not be deleted because it is in use: RBD snapshot %s has clones (%s); delete or flatten them first.",
		snap.Image, snap, strings.Join(names, ", "))
}

// inUse rewords a conflict from Ceph as Glance's "in use" message.
func inUse(id string, err error) error {
	if fault.KindOf(err) != fault.Conflict {
		return err
	}
	return fault.Wrap(err, fault.Conflict, "Image %s could not be deleted because it is in use: %s", id, fault.MessageOf(err))
}
