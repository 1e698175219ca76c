package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Quotas returns the project's quota overrides by resource.
func (s *Store) Quotas(ctx context.Context, project string) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT resource, hard_limit FROM quotas WHERE project_id = $1`, project)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	var res string
	var limit int
	_, err = pgx.ForEachRow(rows, []any{&res, &limit}, func() error { out[res] = limit; return nil })
	return out, err
}

// QuotaProjects returns the projects with overrides.
func (s *Store) QuotaProjects(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT project_id FROM quotas ORDER BY project_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SetQuotas stores overrides for a project.
func (s *Store) SetQuotas(ctx context.Context, project string, limits map[string]int) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		for res, limit := range limits {
			if _, err := tx.Exec(ctx, `INSERT INTO quotas (project_id, resource, hard_limit) VALUES ($1, $2, $3)
				ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = EXCLUDED.hard_limit`, project, res, limit); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteQuotas drops a project's overrides (back to the defaults).
func (s *Store) DeleteQuotas(ctx context.Context, project string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM quotas WHERE project_id = $1`, project)
	return err
}

// Usage counts a project's resources: network, subnet, port,
// security_group and security_group_rule.
func (s *Store) Usage(ctx context.Context, project string) (map[string]int, error) {
	out := map[string]int{}
	for res, table := range map[string]string{"network": "networks", "subnet": "subnets", "port": "ports",
		"security_group": "security_groups", "security_group_rule": "security_group_rules"} {
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE project_id = $1`, project).Scan(&n); err != nil {
			return nil, err
		}
		out[res] = n
	}
	return out, nil
}
