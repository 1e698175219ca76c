package ceph

import (
	"context"

	"github.com/ceph/go-ceph/rbd"
)

// RollbackSnapshot returns an image to the state (data and size) of its
// snapshot spec, as Nova's revert of a resize does with its nova-resize
// snapshot. The image must not be in use; it takes as long as the data that
// changed since.
func (c *Client) RollbackSnapshot(ctx context.Context, spec Spec) error {
	return c.withSnapshot(ctx, spec, func(_ *Image, s *rbd.Snapshot) error {
		if err := errCtx(ctx); err != nil {
			return err
		}
		if err := s.Rollback(); err != nil {
			return c.classify(err, "roll back to", describe(spec))
		}
		return nil
	})
}
