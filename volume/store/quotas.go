package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// QuotaLimits returns the limits set for a project (resource -> limit).
func (s *Store) QuotaLimits(ctx context.Context, project string) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT resource, hard_limit FROM quotas WHERE project_id = $1`, project)
	if err != nil {
		return nil, fmt.Errorf("quota limits: %w", err)
	}
	out := map[string]int{}
	var r string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&r, &n}, func() error { out[r] = n; return nil })
	return out, err
}

// SetQuota sets one limit of a project.
func (s *Store) SetQuota(ctx context.Context, project, resource string, limit int) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO quotas (project_id, resource, hard_limit) VALUES ($1,$2,$3)
		ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = $3, updated_at = now()`, project, resource, limit)
	if err != nil {
		return fmt.Errorf("set quota: %w", err)
	}
	return nil
}

// DeleteQuotas resets a project to the defaults.
func (s *Store) DeleteQuotas(ctx context.Context, project string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM quotas WHERE project_id = $1`, project)
	return err
}
