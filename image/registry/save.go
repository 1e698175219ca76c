package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// SaveOptions qualify Save.
type SaveOptions struct {
	// FromStatus, when set, makes the save conditional on the stored
	// status still being this one (glance's image_repo.save(from_state=)):
	// otherwise it fails with fault.Conflict and changes nothing.
	FromStatus string
	// Locations replaces the image's locations with im.Locations.
	Locations bool
}

// Save writes im's columns, properties and tags (and locations with
// opts.Locations) over the stored image and returns it as stored, with
// updated_at set to now.
func (r *Registry) Save(ctx context.Context, im Image, opts SaveOptions) (Image, error) {
	im.UpdatedAt = r.Now()
	var out Image
	err := db.InTx(ctx, r.db, func(tx pgx.Tx) error {
		old, err := get(ctx, tx, im.ID, true)
		if err != nil {
			return err
		}
		if opts.FromStatus != "" && old.Status != opts.FromStatus {
			return fault.New(fault.Conflict, "Image status transition from %s to %s is not allowed: the image is now %s.",
				opts.FromStatus, im.Status, old.Status)
		}
		_, err = tx.Exec(ctx, `UPDATE images SET name=$2, status=$3, visibility=$4, protected=$5, os_hidden=$6,
			owner=$7, disk_format=$8, container_format=$9, size=$10, virtual_size=$11, checksum=$12,
			os_hash_algo=$13, os_hash_value=$14, min_disk=$15, min_ram=$16, updated_at=$17
			WHERE id=$1`,
			im.ID, im.Name, im.Status, im.Visibility, im.Protected, im.OSHidden, im.Owner, im.DiskFormat,
			im.ContainerFormat, im.Size, im.VirtualSize, im.Checksum, im.OSHashAlgo, im.OSHashValue,
			im.MinDisk, im.MinRAM, im.UpdatedAt)
		if err != nil {
			return err
		}
		if err := writeProperties(ctx, tx, im.ID, old.Properties, im.Properties, im.UpdatedAt); err != nil {
			return err
		}
		if err := writeTags(ctx, tx, im.ID, old.Tags, im.Tags, im.UpdatedAt); err != nil {
			return err
		}
		if opts.Locations {
			if err := writeLocations(ctx, tx, im.ID, im.Locations, im.UpdatedAt); err != nil {
				return err
			}
		}
		out, err = get(ctx, tx, im.ID, false)
		return err
	})
	if err != nil {
		return Image{}, fmt.Errorf("save image %s: %w", im.ID, err)
	}
	return out, nil
}

func writeProperties(ctx context.Context, tx pgx.Tx, id string, old, new map[string]string, now time.Time) error {
	for k := range old {
		if _, ok := new[k]; !ok {
			if _, err := tx.Exec(ctx, `DELETE FROM image_properties WHERE image_id=$1 AND name=$2`, id, k); err != nil {
				return err
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(new)) {
		if ov, ok := old[k]; ok && ov == new[k] {
			continue
		}
		_, err := tx.Exec(ctx, `INSERT INTO image_properties (image_id, name, value, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$4) ON CONFLICT (image_id, name) DO UPDATE SET value=EXCLUDED.value, updated_at=EXCLUDED.updated_at`,
			id, k, new[k], now)
		if err != nil {
			return err
		}
	}
	return nil
}

func writeTags(ctx context.Context, tx pgx.Tx, id string, old, new []string, now time.Time) error {
	for _, t := range old {
		if !slices.Contains(new, t) {
			if _, err := tx.Exec(ctx, `DELETE FROM image_tags WHERE image_id=$1 AND value=$2`, id, t); err != nil {
				return err
			}
		}
	}
	for i, t := range new {
		if slices.Contains(old, t) || slices.Contains(new[:i], t) {
			continue
		}
		// Later tags get later times so that the order of addition is kept.
		at := now.Add(time.Duration(i) * time.Microsecond)
		if _, err := tx.Exec(ctx, `INSERT INTO image_tags (image_id, value, created_at) VALUES ($1,$2,$3)
			ON CONFLICT DO NOTHING`, id, t, at); err != nil {
			return err
		}
	}
	return nil
}

func writeLocations(ctx context.Context, tx pgx.Tx, id string, locs []Location, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM image_locations WHERE image_id=$1`, id); err != nil {
		return err
	}
	for _, l := range locs {
		meta := l.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		status := l.Status
		if status == "" {
			status = "active"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO image_locations (image_id, value, meta_data, status, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$5)`, id, l.URL, meta, status, now); err != nil {
			return err
		}
	}
	return nil
}
