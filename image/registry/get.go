package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Get returns the image with its properties, tags and locations; a
// missing or deleted image is fault.NotFound with glance's message.
func (r *Registry) Get(ctx context.Context, id string) (Image, error) {
	return get(ctx, r.db, id, false)
}

func get(ctx context.Context, q db.Querier, id string, forUpdate bool) (Image, error) {
	sql := `SELECT ` + imageColumns + ` FROM images WHERE id = $1 AND NOT deleted`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	im, err := scanImage(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Image{}, notFound(id)
	}
	if err != nil {
		return Image{}, fmt.Errorf("get image %s: %w", id, err)
	}
	list := []Image{im}
	if err := loadChildren(ctx, q, list); err != nil {
		return Image{}, err
	}
	return list[0], nil
}

func notFound(id string) error {
	return fault.New(fault.NotFound, "No image found with ID %s", id)
}

// loadChildren fills the properties, tags and locations of images.
func loadChildren(ctx context.Context, q db.Querier, images []Image) error {
	if len(images) == 0 {
		return nil
	}
	ids := make([]string, len(images))
	index := make(map[string]*Image, len(images))
	for i := range images {
		ids[i] = images[i].ID
		images[i].Properties = map[string]string{}
		images[i].Tags = []string{}
		index[images[i].ID] = &images[i]
	}
	rows, err := q.Query(ctx, `SELECT image_id, name, value FROM image_properties WHERE image_id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("load image properties: %w", err)
	}
	var id, k, v string
	_, err = pgx.ForEachRow(rows, []any{&id, &k, &v}, func() error {
		index[id].Properties[k] = v
		return nil
	})
	if err != nil {
		return fmt.Errorf("load image properties: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT image_id, value FROM image_tags WHERE image_id = ANY($1) ORDER BY created_at, value`, ids)
	if err != nil {
		return fmt.Errorf("load image tags: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error {
		index[id].Tags = append(index[id].Tags, v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load image tags: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT image_id, value, meta_data, status FROM image_locations
		WHERE image_id = ANY($1) AND status = 'active' ORDER BY id`, ids)
	if err != nil {
		return fmt.Errorf("load image locations: %w", err)
	}
	var loc Location
	_, err = pgx.ForEachRow(rows, []any{&id, &loc.URL, &loc.Metadata, &loc.Status}, func() error {
		index[id].Locations = append(index[id].Locations, loc)
		loc = Location{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load image locations: %w", err)
	}
	return nil
}

// IsMember reports whether project is a member of the image (any member
// status), which makes a shared image visible to it.
func (r *Registry) IsMember(ctx context.Context, imageID, project string) (bool, error) {
	var ok bool
	err := r.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM image_members WHERE image_id = $1 AND member = $2)`,
		imageID, project).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("image member lookup: %w", err)
	}
	return ok, nil
}
