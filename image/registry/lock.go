package registry

import (
	"context"
	"fmt"

	"github.com/gostack/gostack/services/fault"
)

// SetPropertyAtomic sets property name of image id only if the image
// does not have it yet (glance's set_property_atomic, the import lock):
// fault.Conflict when it has.
func (r *Registry) SetPropertyAtomic(ctx context.Context, id, name, value string) error {
	now := r.Now()
	tag, err := r.db.Exec(ctx, `INSERT INTO image_properties (image_id, name, value, created_at, updated_at)
		SELECT id, $2, $3, $4, $4 FROM images WHERE id = $1 AND NOT deleted
		ON CONFLICT (image_id, name) DO NOTHING`, id, name, value, now)
	if err != nil {
		return fmt.Errorf("set %s of image %s: %w", name, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.Conflict, "Image %s already has %s", id, name)
	}
	return nil
}

// DeletePropertyIf removes property name of image id if it still has
// value (glance's delete_property_atomic): dropping an import lock.
func (r *Registry) DeletePropertyIf(ctx context.Context, id, name, value string) error {
	_, err := r.db.Exec(ctx, `DELETE FROM image_properties WHERE image_id = $1 AND name = $2 AND value = $3`, id, name, value)
	if err != nil {
		return fmt.Errorf("delete %s of image %s: %w", name, id, err)
	}
	return nil
}
