package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/identity/token"
)

// AddRevocation stores a revocation event.
func (s *Store) AddRevocation(ctx context.Context, e token.Event) error {
	var expires any
	if !e.ExpiresAt.IsZero() {
		expires = e.ExpiresAt
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO revocation_event (domain_id, project_id, user_id, role_id, audit_id, audit_chain_id, issued_before, expires_at, revoked_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		nullable(e.DomainID), nullable(e.ProjectID), nullable(e.UserID), nullable(e.RoleID), nullable(e.AuditID), nullable(e.AuditChainID),
		e.IssuedBefore, expires, e.RevokedAt); err != nil {
		return internal(err, "store revocation event")
	}
	return nil
}

// Revocations returns the events that may apply to a token issued at
// issuedAt: those with issued_before at or after it.
func (s *Store) Revocations(ctx context.Context, issuedAt time.Time) ([]token.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT COALESCE(domain_id,''), COALESCE(project_id,''), COALESCE(user_id,''), COALESCE(role_id,''),
		COALESCE(audit_id,''), COALESCE(audit_chain_id,''), issued_before, expires_at, revoked_at
		FROM revocation_event WHERE issued_before >= $1`, issuedAt)
	if err != nil {
		return nil, internal(err, "list revocation events")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (token.Event, error) {
		var e token.Event
		var expires *time.Time
		err := r.Scan(&e.DomainID, &e.ProjectID, &e.UserID, &e.RoleID, &e.AuditID, &e.AuditChainID, &e.IssuedBefore, &expires, &e.RevokedAt)
		if expires != nil {
			e.ExpiresAt = *expires
		}
		return e, err
	})
	if err != nil {
		return nil, internal(err, "list revocation events")
	}
	return out, nil
}

// PruneRevocations deletes events revoked before t.
func (s *Store) PruneRevocations(ctx context.Context, t time.Time) error {
	if _, err := s.pool.Exec(ctx, "DELETE FROM revocation_event WHERE revoked_at < $1", t); err != nil {
		return internal(err, "prune revocation events")
	}
	return nil
}
