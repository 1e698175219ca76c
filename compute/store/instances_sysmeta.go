package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
)

// UpdateSystemMetadata changes a live instance's system metadata under
// its row lock: fn edits a copy of the current map (keys it deletes are
// removed), so concurrent changes to other keys are kept.
func (s *Store) UpdateSystemMetadata(ctx context.Context, uuid string, fn func(sys map[string]string) error) (objects.Instance, error) {
	var out objects.Instance
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		sys := make(map[string]string, len(cur.SystemMetadata))
		for k, v := range cur.SystemMetadata {
			sys[k] = v
		}
		if err := fn(sys); err != nil {
			return err
		}
		out, err = applyUpdate(ctx, tx, uuid, InstanceUpdate{SystemMetadata: sys})
		return err
	})
	return out, err
}
