package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Usage is what a project's live instances use, the counted quotas.
type Usage struct {
	Instances int
	Cores     int
	RAM       int
}

// ProjectQuotas returns a project's quota overrides by resource.
func (s *Store) ProjectQuotas(ctx context.Context, projectID string) (map[string]int, error) {
	return s.limits(ctx, `SELECT resource, hard_limit FROM quotas WHERE project_id = $1`, projectID)
}

// ClassQuotas returns a quota class's limits by resource ("default" is
// the defaults class).
func (s *Store) ClassQuotas(ctx context.Context, class string) (map[string]int, error) {
	return s.limits(ctx, `SELECT resource, hard_limit FROM quota_classes WHERE class_name = $1`, class)
}

func (s *Store) limits(ctx context.Context, q, key string) (map[string]int, error) {
	rows, err := s.q.Query(ctx, q, key)
	if err != nil {
		return nil, fmt.Errorf("quotas: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var v int
		if err := rows.Scan(&r, &v); err != nil {
			return nil, err
		}
		out[r] = v
	}
	return out, rows.Err()
}

// SetProjectQuotas stores a project's overrides.
func (s *Store) SetProjectQuotas(ctx context.Context, projectID string, limits map[string]int) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		for r, v := range limits {
			if _, err := tx.Exec(ctx, `INSERT INTO quotas (project_id, resource, hard_limit) VALUES ($1, $2, $3)
				ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit, updated_at = now()`,
				projectID, r, v); err != nil {
				return fmt.Errorf("set quota %s: %w", r, err)
			}
		}
		return nil
	})
}

// SetClassQuotas stores a quota class's limits.
func (s *Store) SetClassQuotas(ctx context.Context, class string, limits map[string]int) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		for r, v := range limits {
			if _, err := tx.Exec(ctx, `INSERT INTO quota_classes (class_name, resource, hard_limit) VALUES ($1, $2, $3)
				ON CONFLICT (class_name, resource) DO UPDATE SET hard_limit = excluded.hard_limit, updated_at = now()`,
				class, r, v); err != nil {
				return fmt.Errorf("set quota class %s: %w", r, err)
			}
		}
		return nil
	})
}

// DeleteProjectQuotas drops a project's overrides (back to the defaults).
func (s *Store) DeleteProjectQuotas(ctx context.Context, projectID string) error {
	_, err := s.q.Exec(ctx, `DELETE FROM quotas WHERE project_id = $1`, projectID)
	return err
}

// ProjectUsage counts a project's live instances, cores and RAM.
func (s *Store) ProjectUsage(ctx context.Context, projectID string) (Usage, error) {
	return projectUsage(ctx, s.q, projectID)
}

func projectUsage(ctx context.Context, q db.Querier, projectID string) (Usage, error) {
	var u Usage
	err := q.QueryRow(ctx, `SELECT count(*), coalesce(sum(vcpus), 0), coalesce(sum(memory_mb), 0)
		FROM instances WHERE project_id = $1 AND deleted_at IS NULL`, projectID).Scan(&u.Instances, &u.Cores, &u.RAM)
	if err != nil {
		return Usage{}, fmt.Errorf("project usage: %w", err)
	}
	return u, nil
}
