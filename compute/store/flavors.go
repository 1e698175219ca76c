package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

const flavorColumns = `f.id, f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb, f.ephemeral_gb,
	f.swap, f.rxtx_factor, coalesce(f.vcpu_weight, 0), f.is_public, f.disabled,
	coalesce(f.description, ''), f.created_at, f.updated_at`

func scanFlavor(row pgx.Row) (objects.Flavor, error) {
	var f objects.Flavor
	err := row.Scan(&f.ID, &f.FlavorID, &f.Name, &f.MemoryMB, &f.VCPUs, &f.RootGB, &f.EphemeralGB,
		&f.Swap, &f.RXTXFactor, &f.VCPUWeight, &f.IsPublic, &f.Disabled, &f.Description, &f.CreatedAt, &f.UpdatedAt)
	return f, err
}

// FlavorNotFound is nova's FlavorNotFound.
func FlavorNotFound(id string) error {
	return fault.New(fault.NotFound, "Flavor %s could not be found.", id)
}

// CreateFlavor stores a new flavor; a duplicate id or name is a conflict
// with nova's messages.
func (s *Store) CreateFlavor(ctx context.Context, f objects.Flavor) (objects.Flavor, error) {
	var vw *int
	if f.VCPUWeight != 0 {
		vw = &f.VCPUWeight
	}
	row := s.q.QueryRow(ctx, `INSERT INTO flavors AS f (flavorid, name, memory_mb, vcpus, root_gb,
		ephemeral_gb, swap, rxtx_factor, vcpu_weight, is_public, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+flavorColumns,
		f.FlavorID, f.Name, f.MemoryMB, f.VCPUs, f.RootGB, f.EphemeralGB, f.Swap, f.RXTXFactor, vw, f.IsPublic, nullStr(f.Description))
	out, err := scanFlavor(row)
	if db.IsUniqueViolation(err) {
		if strings.Contains(db.ConstraintName(err), "name") {
			return objects.Flavor{}, fault.New(fault.Conflict, "Flavor with name %s already exists.", f.Name)
		}
		return objects.Flavor{}, fault.New(fault.Conflict, "Flavor with ID %s already exists.", f.FlavorID)
	}
	if err != nil {
		return objects.Flavor{}, fmt.Errorf("create flavor: %w", err)
	}
	out.ExtraSpecs = map[string]string{}
	return out, nil
}

// GetFlavor returns the flavor with the API id, with its extra specs.
func (s *Store) GetFlavor(ctx context.Context, flavorID string) (objects.Flavor, error) {
	f, err := scanFlavor(s.q.QueryRow(ctx, `SELECT `+flavorColumns+` FROM flavors f WHERE f.flavorid = $1`, flavorID))
	if errors.Is(err, pgx.ErrNoRows) {
		return objects.Flavor{}, FlavorNotFound(flavorID)
	}
	if err != nil {
		return objects.Flavor{}, fmt.Errorf("get flavor: %w", err)
	}
	specs, err := s.ExtraSpecs(ctx, f.ID)
	if err != nil {
		return objects.Flavor{}, err
	}
	f.ExtraSpecs = specs
	return f, nil
}

// UpdateFlavorDescription sets a flavor's description (2.55).
func (s *Store) UpdateFlavorDescription(ctx context.Context, flavorID string, desc *string) (objects.Flavor, error) {
	tag, err := s.q.Exec(ctx, `UPDATE flavors SET description = $2, updated_at = now() WHERE flavorid = $1`, flavorID, desc)
	if err != nil {
		return objects.Flavor{}, fmt.Errorf("update flavor: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return objects.Flavor{}, FlavorNotFound(flavorID)
	}
	return s.GetFlavor(ctx, flavorID)
}

// DeleteFlavor removes a flavor; instances keep their copies.
func (s *Store) DeleteFlavor(ctx context.Context, flavorID string) error {
	tag, err := s.q.Exec(ctx, `DELETE FROM flavors WHERE flavorid = $1`, flavorID)
	if err != nil {
		return fmt.Errorf("delete flavor: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return FlavorNotFound(flavorID)
	}
	return nil
}

// FlavorFilter selects flavors for a list, as nova's flavor_get_all.
type FlavorFilter struct {
	// IsPublic: nil lists every flavor; true the public ones and the
	// private ones ProjectID has access to; false only private ones.
	IsPublic    *bool
	ProjectID   string
	OnlyEnabled bool
	MinRAM      int
	MinDisk     int
	SortKey     string // a key of FlavorSortKeys
	SortDir     string
	Limit       int
	Marker      string // flavorid
}

// FlavorSortKeys are the columns nova lets clients sort flavors by.
var FlavorSortKeys = map[string]string{
	"created_at": "f.created_at", "description": "f.description", "disabled": "f.disabled",
	"ephemeral_gb": "f.ephemeral_gb", "flavorid": "f.flavorid", "id": "f.id",
	"is_public": "f.is_public", "memory_mb": "f.memory_mb", "name": "f.name",
	"root_gb": "f.root_gb", "rxtx_factor": "f.rxtx_factor", "swap": "f.swap",
	"updated_at": "f.updated_at", "vcpu_weight": "f.vcpu_weight", "vcpus": "f.vcpus",
}

// ListFlavors lists flavors in the filter's order, after the marker.
func (s *Store) ListFlavors(ctx context.Context, flt FlavorFilter) ([]objects.Flavor, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch {
	case flt.IsPublic == nil:
	case *flt.IsPublic:
		where = append(where, "(f.is_public OR EXISTS (SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = "+arg(flt.ProjectID)+"))")
	default:
		where = append(where, "NOT f.is_public")
	}
	if flt.OnlyEnabled {
		where = append(where, "NOT f.disabled")
	}
	where = append(where, "true")
	if flt.MinRAM > 0 {
		where = append(where, "f.memory_mb >= "+arg(flt.MinRAM))
	}
	if flt.MinDisk > 0 {
		where = append(where, "f.root_gb >= "+arg(flt.MinDisk))
	}
	key := FlavorSortKeys[flt.SortKey]
	if key == "" {
		key = "f.flavorid"
	}
	dir := "ASC"
	if strings.EqualFold(flt.SortDir, "desc") {
		dir = "DESC"
	}
	order := fmt.Sprintf("%s %s, f.id %s", key, dir, dir)
	if flt.Marker != "" {
		var mid int64
		if err := s.q.QueryRow(ctx, `SELECT id FROM flavors WHERE flavorid = $1`, flt.Marker).Scan(&mid); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, fault.New(fault.Invalid, "marker [%s] not found", flt.Marker)
			}
			return nil, err
		}
		op := ">"
		if dir == "DESC" {
			op = "<"
		}
		m := arg(mid)
		where = append(where, fmt.Sprintf("(%s, f.id) %s ((SELECT %s FROM flavors f WHERE f.id = %s), %s)", key, op, key, m, m))
	}
	q := `SELECT ` + flavorColumns + ` FROM flavors f WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order
	if flt.Limit > 0 {
		q += " LIMIT " + arg(flt.Limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list flavors: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Flavor, error) { return scanFlavor(r) })
	if err != nil {
		return nil, fmt.Errorf("list flavors: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, f := range out {
		ids[i] = f.ID
	}
	specs, err := s.extraSpecsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ExtraSpecs = specs[out[i].ID]
		if out[i].ExtraSpecs == nil {
			out[i].ExtraSpecs = map[string]string{}
		}
	}
	return out, nil
}

// ExtraSpecs returns a flavor's extra specs by database id.
func (s *Store) ExtraSpecs(ctx context.Context, id int64) (map[string]string, error) {
	m, err := s.extraSpecsOf(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if m[id] == nil {
		return map[string]string{}, nil
	}
	return m[id], nil
}

func (s *Store) extraSpecsOf(ctx context.Context, ids []int64) (map[int64]map[string]string, error) {
	rows, err := s.q.Query(ctx, `SELECT flavor_id, key, value FROM flavor_extra_specs WHERE flavor_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("extra specs: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][k] = v
	}
	return out, rows.Err()
}

// SetExtraSpecs creates or updates extra specs of a flavor.
func (s *Store) SetExtraSpecs(ctx context.Context, flavorID string, specs map[string]string) (map[string]string, error) {
	f, err := s.GetFlavor(ctx, flavorID)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		for k, v := range specs {
			if _, err := tx.Exec(ctx, `INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES ($1, $2, $3)
				ON CONFLICT (flavor_id, key) DO UPDATE SET value = excluded.value`, f.ID, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set extra specs: %w", err)
	}
	return s.ExtraSpecs(ctx, f.ID)
}

// DeleteExtraSpec removes one extra spec.
func (s *Store) DeleteExtraSpec(ctx context.Context, flavorID, key string) error {
	f, err := s.GetFlavor(ctx, flavorID)
	if err != nil {
		return err
	}
	tag, err := s.q.Exec(ctx, `DELETE FROM flavor_extra_specs WHERE flavor_id = $1 AND key = $2`, f.ID, key)
	if err != nil {
		return fmt.Errorf("delete extra spec: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.NotFound, "Flavor %s has no extra specs with key %s.", flavorID, key)
	}
	return nil
}

// FlavorAccess lists the projects with access to a private flavor.
func (s *Store) FlavorAccess(ctx context.Context, flavorID string) ([]string, error) {
	rows, err := s.q.Query(ctx, `SELECT p.project_id FROM flavor_projects p JOIN flavors f ON f.id = p.flavor_id
		WHERE f.flavorid = $1 ORDER BY p.project_id`, flavorID)
	if err != nil {
		return nil, fmt.Errorf("flavor access: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// AddFlavorAccess gives a project access to a flavor.
func (s *Store) AddFlavorAccess(ctx context.Context, f objects.Flavor, projectID string) error {
	_, err := s.q.Exec(ctx, `INSERT INTO flavor_projects (flavor_id, project_id) VALUES ($1, $2)`, f.ID, projectID)
	if db.IsUniqueViolation(err) {
		return fault.New(fault.Conflict, "Flavor access already exists for flavor %s and project %s combination.", f.FlavorID, projectID)
	}
	return err
}

// RemoveFlavorAccess takes a project's access away.
func (s *Store) RemoveFlavorAccess(ctx context.Context, f objects.Flavor, projectID string) error {
	tag, err := s.q.Exec(ctx, `DELETE FROM flavor_projects WHERE flavor_id = $1 AND project_id = $2`, f.ID, projectID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.NotFound, "Flavor access not found for %s / %s combination.", f.FlavorID, projectID)
	}
	return nil
}

// HasFlavorAccess reports whether a project may use a private flavor.
func (s *Store) HasFlavorAccess(ctx context.Context, f objects.Flavor, projectID string) (bool, error) {
	var ok bool
	err := s.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM flavor_projects WHERE flavor_id = $1 AND project_id = $2)`, f.ID, projectID).Scan(&ok)
	return ok, err
}
