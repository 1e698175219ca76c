package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// DefaultTypeName is the type cinder creates at install time.
const DefaultTypeName = "__DEFAULT__"

// VolumeType is one row of volume_types.
type VolumeType struct {
	ID          string
	Name        string
	Description *string
	IsPublic    bool
	ExtraSpecs  map[string]string
	QosSpecsID  *string // the associated QoS spec (qos.go)
	CreatedAt   time.Time
	UpdatedAt   *time.Time
}

const typeColumns = `id, name, description, is_public, extra_specs, qos_specs_id, created_at, updated_at`

func scanType(row pgx.Row) (VolumeType, error) {
	var t VolumeType
	var es []byte
	err := row.Scan(&t.ID, &t.Name, &t.Description, &t.IsPublic, &es, &t.QosSpecsID, &t.CreatedAt, &t.UpdatedAt)
	t.ExtraSpecs = parseMap(es)
	return t, err
}

// TypeNotFound is cinder's VolumeTypeNotFound.
func TypeNotFound(id string) error {
	return fault.New(fault.NotFound, "Volume type %s could not be found.", id)
}

// GetType returns a live type by id.
func (s *Store) GetType(ctx context.Context, id string) (VolumeType, error) {
	if !isUUID(id) {
		return VolumeType{}, TypeNotFound(id)
	}
	t, err := scanType(s.pool.QueryRow(ctx, `SELECT `+typeColumns+` FROM volume_types WHERE id = $1 AND deleted_at IS NULL`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return VolumeType{}, TypeNotFound(id)
	}
	if err != nil {
		return VolumeType{}, fmt.Errorf("get volume type: %w", err)
	}
	return t, nil
}

// GetTypeByName returns a live type by name.
func (s *Store) GetTypeByName(ctx context.Context, name string) (VolumeType, error) {
	t, err := scanType(s.pool.QueryRow(ctx, `SELECT `+typeColumns+` FROM volume_types WHERE name = $1 AND deleted_at IS NULL`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return VolumeType{}, fault.New(fault.NotFound, "Volume type with name %s could not be found.", name)
	}
	if err != nil {
		return VolumeType{}, fmt.Errorf("get volume type: %w", err)
	}
	return t, nil
}

// CreateType inserts a type; a live type of the same name is cinder's
// VolumeTypeExists (409).
func (s *Store) CreateType(ctx context.Context, t VolumeType) (VolumeType, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO volume_types (id, name, description, is_public, extra_specs)
		VALUES ($1,$2,$3,$4,$5)`, t.ID, t.Name, t.Description, t.IsPublic, jsonMap(t.ExtraSpecs))
	if db.IsUniqueViolation(err) {
		return VolumeType{}, fault.New(fault.Conflict, "Volume Type %s already exists.", t.Name)
	}
	if err != nil {
		return VolumeType{}, fmt.Errorf("create volume type: %w", err)
	}
	return s.GetType(ctx, t.ID)
}

// TypeUpdate lists what to change.
type TypeUpdate struct {
	Name        *string
	Description **string
	IsPublic    *bool
	ExtraSpecs  map[string]string
}

// UpdateType applies u.
func (s *Store) UpdateType(ctx context.Context, id string, u TypeUpdate) (VolumeType, error) {
	t, err := s.GetType(ctx, id)
	if err != nil {
		return t, err
	}
	if u.Name != nil {
		t.Name = *u.Name
	}
	if u.Description != nil {
		t.Description = *u.Description
	}
	if u.IsPublic != nil {
		t.IsPublic = *u.IsPublic
	}
	if u.ExtraSpecs != nil {
		t.ExtraSpecs = u.ExtraSpecs
	}
	_, err = s.pool.Exec(ctx, `UPDATE volume_types SET name=$2, description=$3, is_public=$4, extra_specs=$5,
		updated_at=now() WHERE id=$1`, id, t.Name, t.Description, t.IsPublic, jsonMap(t.ExtraSpecs))
	if db.IsUniqueViolation(err) {
		return VolumeType{}, fault.New(fault.Conflict, "Volume Type %s already exists.", t.Name)
	}
	if err != nil {
		return VolumeType{}, fmt.Errorf("update volume type: %w", err)
	}
	return s.GetType(ctx, id)
}

// DeleteType soft-deletes a type; one still used by volumes is
// VolumeTypeInUse (400).
func (s *Store) DeleteType(ctx context.Context, id string) error {
	var used bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS(SELECT 1 FROM volumes WHERE volume_type_id = $1)
		OR EXISTS(SELECT 1 FROM group_volume_type_mapping WHERE volume_type_id = $1)`, id).Scan(&used); err != nil {
		return fmt.Errorf("delete volume type: %w", err)
	}
	if used {
		return fault.New(fault.Invalid, "Unable to delete the volume type %s: Volume Type %s deletion is not allowed with volumes present with the type.", id, id)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE volume_types SET deleted_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete volume type: %w", err)
	}
	return nil
}

// ListTypes returns the live types, public ones and, for project, the
// private ones it has access to; isPublic nil with all means every type.
func (s *Store) ListTypes(ctx context.Context, isPublic *bool, project string, all bool) ([]VolumeType, error) {
	sql := `SELECT ` + typeColumns + ` FROM volume_types t WHERE deleted_at IS NULL`
	var args []any
	switch {
	case all && isPublic != nil:
		args = append(args, *isPublic)
		sql += ` AND is_public = $1`
	case all:
	default:
		args = append(args, project)
		vis := `(is_public OR EXISTS(SELECT 1 FROM volume_type_projects p WHERE p.volume_type_id = t.id AND p.project_id = $1))`
		if isPublic != nil && !*isPublic {
			vis = `(NOT is_public AND EXISTS(SELECT 1 FROM volume_type_projects p WHERE p.volume_type_id = t.id AND p.project_id = $1))`
		}
		sql += ` AND ` + vis
	}
	sql += ` ORDER BY name`
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list volume types: %w", err)
	}
	defer rows.Close()
	out := []VolumeType{}
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TypeAccess lists the projects with access to a private type.
func (s *Store) TypeAccess(ctx context.Context, id string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT project_id FROM volume_type_projects WHERE volume_type_id = $1 ORDER BY project_id`, id)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if out == nil {
		out = []string{}
	}
	return out, err
}

// HasTypeAccess reports whether project may use the private type.
func (s *Store) HasTypeAccess(ctx context.Context, id, project string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS(SELECT 1 FROM volume_type_projects WHERE volume_type_id = $1 AND project_id = $2)`, id, project).Scan(&ok)
	return ok, err
}

// AddTypeAccess grants project access; a repeat is VolumeTypeAccessExists (409).
func (s *Store) AddTypeAccess(ctx context.Context, id, project string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO volume_type_projects (volume_type_id, project_id) VALUES ($1,$2)`, id, project)
	if db.IsUniqueViolation(err) {
		return fault.New(fault.Conflict, "Volume type access for %s / %s combination already exists.", id, project)
	}
	return err
}

// RemoveTypeAccess revokes it; a missing grant is VolumeTypeAccessNotFound (404).
func (s *Store) RemoveTypeAccess(ctx context.Context, id, project string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM volume_type_projects WHERE volume_type_id = $1 AND project_id = $2`, id, project)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.NotFound, "Volume type access not found for %s / %s combination.", id, project)
	}
	return nil
}
