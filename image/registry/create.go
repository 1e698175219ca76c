package registry

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Create inserts a new image with its properties and tags. An id already
// used, even by a deleted image, is fault.Conflict, as glance's Duplicate.
func (r *Registry) Create(ctx context.Context, im Image) error {
	err := db.InTx(ctx, r.db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO images (`+imageColumns+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
			im.ID, im.Name, im.Status, im.Visibility, im.Protected, im.OSHidden, im.Owner, im.DiskFormat,
			im.ContainerFormat, im.Size, im.VirtualSize, im.Checksum, im.OSHashAlgo, im.OSHashValue,
			im.MinDisk, im.MinRAM, im.CreatedAt, im.UpdatedAt)
		if err != nil {
			return err
		}
		if err := writeProperties(ctx, tx, im.ID, nil, im.Properties, im.UpdatedAt); err != nil {
			return err
		}
		return writeTags(ctx, tx, im.ID, nil, im.Tags, im.UpdatedAt)
	})
	if db.IsUniqueViolation(err) {
		return fault.Wrap(err, fault.Conflict, "An image with identifier %s already exists", im.ID)
	}
	if err != nil {
		return fmt.Errorf("create image %s: %w", im.ID, err)
	}
	return nil
}
