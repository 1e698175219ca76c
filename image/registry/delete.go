package registry

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Delete soft-deletes the image (status deleted, deleted_at now) and
// removes its properties, tags, members and locations. A missing image is
// fault.NotFound.
func (r *Registry) Delete(ctx context.Context, id string) error {
	now := r.Now()
	err := db.InTx(ctx, r.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE images SET deleted=true, deleted_at=$2, updated_at=$2, status='deleted'
			WHERE id=$1 AND NOT deleted`, id, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound(id)
		}
		for _, table := range []string{"image_properties", "image_tags", "image_members", "image_locations"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE image_id=$1`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete image %s: %w", id, err)
	}
	return nil
}
