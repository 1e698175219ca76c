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

// QoSSpec is one row of qos_specs: cinder's QualityOfServiceSpecs. A
// spec value may be null, as upstream allows.
type QoSSpec struct {
	ID        string
	Name      string
	Consumer  string // front-end, back-end or both
	Specs     map[string]*string
	CreatedAt time.Time
	UpdatedAt *time.Time
}

const qosColumns = `q.id, q.name, q.consumer, q.specs, q.created_at, q.updated_at`

func scanQoS(row pgx.Row) (QoSSpec, error) {
	var q QoSSpec
	var specs []byte
	err := row.Scan(&q.ID, &q.Name, &q.Consumer, &specs, &q.CreatedAt, &q.UpdatedAt)
	q.Specs = parseSpecs(specs)
	return q, err
}

// QoSNotFound is cinder's QoSSpecsNotFound.
func QoSNotFound(id string) error {
	return fault.New(fault.NotFound, "No such QoS spec %s.", id)
}

// CreateQoS inserts a spec; a spec of the same name is cinder's
// QoSSpecsExists (409).
func (s *Store) CreateQoS(ctx context.Context, q QoSSpec) (QoSSpec, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO qos_specs (id, name, consumer, specs) VALUES ($1,$2,$3,$4)`,
		q.ID, q.Name, q.Consumer, jsonSpecs(q.Specs))
	if db.IsUniqueViolation(err) {
		return QoSSpec{}, fault.New(fault.Conflict, "QoS Specs %s already exists.", q.Name)
	}
	if err != nil {
		return QoSSpec{}, fmt.Errorf("create qos specs: %w", err)
	}
	return s.GetQoS(ctx, q.ID)
}

// GetQoS returns a spec by id.
func (s *Store) GetQoS(ctx context.Context, id string) (QoSSpec, error) {
	return s.getQoS(ctx, id, "")
}

// LockQoS returns a spec by id, locked until the end of the transaction
// (for read-modify-write of its keys).
func (s *Store) LockQoS(ctx context.Context, id string) (QoSSpec, error) {
	return s.getQoS(ctx, id, " FOR UPDATE")
}

func (s *Store) getQoS(ctx context.Context, id, lock string) (QoSSpec, error) {
	if !isUUID(id) {
		return QoSSpec{}, QoSNotFound(id)
	}
	q, err := scanQoS(s.pool.QueryRow(ctx, `SELECT `+qosColumns+` FROM qos_specs q WHERE q.id = $1`+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return QoSSpec{}, QoSNotFound(id)
	}
	if err != nil {
		return QoSSpec{}, fmt.Errorf("get qos specs: %w", err)
	}
	return q, nil
}

// ListQoS returns every spec, ordered by sortKey (created_at, updated_at,
// id, name or consumer) in dir, then by id.
func (s *Store) ListQoS(ctx context.Context, sortKey, dir string) ([]QoSSpec, error) {
	switch sortKey {
	case "created_at", "updated_at", "id", "name", "consumer":
	default:
		return nil, fmt.Errorf("list qos specs: sort key %q", sortKey)
	}
	if dir != "asc" {
		dir = "desc"
	}
	rows, err := s.pool.Query(ctx, `SELECT `+qosColumns+` FROM qos_specs q ORDER BY q.`+sortKey+` `+dir+`, q.id `+dir)
	if err != nil {
		return nil, fmt.Errorf("list qos specs: %w", err)
	}
	defer rows.Close()
	out := []QoSSpec{}
	for rows.Next() {
		q, err := scanQoS(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// UpdateQoS writes a spec's consumer and keys.
func (s *Store) UpdateQoS(ctx context.Context, q QoSSpec) (QoSSpec, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE qos_specs SET consumer = $2, specs = $3, updated_at = now() WHERE id = $1`,
		q.ID, q.Consumer, jsonSpecs(q.Specs))
	if err != nil {
		return QoSSpec{}, fmt.Errorf("update qos specs: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return QoSSpec{}, QoSNotFound(q.ID)
	}
	return s.GetQoS(ctx, q.ID)
}

// DeleteQoS removes a spec; the types still associated with it lose the
// association.
func (s *Store) DeleteQoS(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM qos_specs WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete qos specs: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return QoSNotFound(id)
	}
	return nil
}

// QoSAssociations lists the live types associated with a spec, by name.
func (s *Store) QoSAssociations(ctx context.Context, id string) ([]VolumeType, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+typeColumns+` FROM volume_types
		WHERE qos_specs_id = $1 AND deleted_at IS NULL ORDER BY name`, id)
	if err != nil {
		return nil, fmt.Errorf("qos specs associations: %w", err)
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

// AssociateQoS sets the spec of a live type that has none (or already
// this one); false when the type has another spec by now.
func (s *Store) AssociateQoS(ctx context.Context, typeID, qosID string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE volume_types SET qos_specs_id = $2, updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL AND (qos_specs_id IS NULL OR qos_specs_id = $2)`, typeID, qosID)
	if err != nil {
		return false, fmt.Errorf("associate qos specs: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// DisassociateQoS clears a type's association with the spec, if it has it.
func (s *Store) DisassociateQoS(ctx context.Context, typeID, qosID string) error {
	_, err := s.pool.Exec(ctx, `UPDATE volume_types SET qos_specs_id = NULL, updated_at = now()
		WHERE id = $1 AND qos_specs_id = $2`, typeID, qosID)
	if err != nil {
		return fmt.Errorf("disassociate qos specs: %w", err)
	}
	return nil
}

// DisassociateAllQoS clears every type's association with the spec.
func (s *Store) DisassociateAllQoS(ctx context.Context, qosID string) error {
	_, err := s.pool.Exec(ctx, `UPDATE volume_types SET qos_specs_id = NULL, updated_at = now() WHERE qos_specs_id = $1`, qosID)
	if err != nil {
		return fmt.Errorf("disassociate qos specs: %w", err)
	}
	return nil
}

// TypeQoS returns the spec associated with a type, or nil.
func (s *Store) TypeQoS(ctx context.Context, typeID string) (*QoSSpec, error) {
	q, err := scanQoS(s.pool.QueryRow(ctx, `SELECT `+qosColumns+` FROM qos_specs q
		JOIN volume_types t ON t.qos_specs_id = q.id WHERE t.id = $1`, typeID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("qos specs of volume type %s: %w", typeID, err)
	}
	return &q, nil
}
