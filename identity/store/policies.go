package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Policy is an opaque policy blob (keystone's policy table, the
// deprecated /v3/policies API).
type Policy struct {
	ID    string
	Type  string
	Blob  string
	Extra map[string]any
}

const policyCols = "id, type, blob, extra"

func scanPolicy(row pgx.Row) (Policy, error) {
	var p Policy
	err := row.Scan(&p.ID, &p.Type, &p.Blob, &p.Extra)
	return p, err
}

// CreatePolicy stores p; an empty ID gets a new one.
func (s *Store) CreatePolicy(ctx context.Context, p Policy) (Policy, error) {
	if p.ID == "" {
		p.ID = NewID()
	}
	out, err := scanPolicy(s.pool.QueryRow(ctx, "INSERT INTO policy (id, type, blob, extra) VALUES ($1,$2,$3,$4) RETURNING "+policyCols,
		p.ID, p.Type, p.Blob, jsonMap(p.Extra)))
	if db.IsUniqueViolation(err) {
		return Policy{}, conflict(err, "policy", "ID", p.ID, "")
	}
	if err != nil {
		return Policy{}, internal(err, "create policy")
	}
	return out, nil
}

// GetPolicy returns the policy with id.
func (s *Store) GetPolicy(ctx context.Context, id string) (Policy, error) {
	p, err := scanPolicy(s.pool.QueryRow(ctx, "SELECT "+policyCols+" FROM policy WHERE id = $1", id))
	if isNoRows(err) {
		return Policy{}, notFound("policy", id)
	}
	if err != nil {
		return Policy{}, internal(err, "get policy")
	}
	return p, nil
}

// ListPolicies returns every policy, or those of a type.
func (s *Store) ListPolicies(ctx context.Context, typ string) ([]Policy, error) {
	var w where
	if typ != "" {
		w.add("type = ?", typ)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+policyCols+" FROM policy"+w.sql()+" ORDER BY created_at, id", w.args...)
	if err != nil {
		return nil, internal(err, "list policies")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Policy, error) { return scanPolicy(r) })
	if err != nil {
		return nil, internal(err, "list policies")
	}
	return out, nil
}

// UpdatePolicy changes a policy; nil fields are left alone, extra is
// merged.
func (s *Store) UpdatePolicy(ctx context.Context, id string, typ, blob *string, extra map[string]any) (Policy, error) {
	p, err := s.GetPolicy(ctx, id)
	if err != nil {
		return Policy{}, err
	}
	if typ != nil {
		p.Type = *typ
	}
	if blob != nil {
		p.Blob = *blob
	}
	p.Extra = mergeExtra(p.Extra, extra)
	out, err := scanPolicy(s.pool.QueryRow(ctx, "UPDATE policy SET type=$2, blob=$3, extra=$4 WHERE id=$1 RETURNING "+policyCols,
		id, p.Type, p.Blob, jsonMap(p.Extra)))
	if isNoRows(err) {
		return Policy{}, notFound("policy", id)
	}
	if err != nil {
		return Policy{}, internal(err, "update policy")
	}
	return out, nil
}

// DeletePolicy removes a policy.
func (s *Store) DeletePolicy(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM policy WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete policy")
	}
	if tag.RowsAffected() == 0 {
		return notFound("policy", id)
	}
	return nil
}
