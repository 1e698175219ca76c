package store

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
)

// Store reads and writes the compute tables.
type Store struct {
	pool *pgxpool.Pool
	q    db.Querier
}

// New returns a Store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool, q: pool} }

// Pool returns the pool the store works on.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

func nullStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
