package registry

import (
	"context"
	"fmt"
)

// StorageUsage is the bytes of image data owner keeps, as glance's
// _image_get_disk_usage_by_owner: the size of each live image (not
// killed, not deleted) times its locations not deleted, leaving out
// exceptID (the image whose data is being replaced).
func (r *Registry) StorageUsage(ctx context.Context, owner, exceptID string) (int64, error) {
	var total int64
	err := r.db.QueryRow(ctx, `SELECT COALESCE(SUM(i.size * (SELECT count(*) FROM image_locations l
			WHERE l.image_id = i.id AND l.status <> 'deleted')), 0)::bigint
		FROM images i
		WHERE i.owner = $1 AND i.id <> $2 AND NOT i.deleted AND i.size > 0
			AND i.status NOT IN ('killed', 'deleted')`, owner, exceptID).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("storage usage of %s: %w", owner, err)
	}
	return total, nil
}
