package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Store is the cinder database.
type Store struct {
	pool db.Querier
	tx   db.TxBeginner
}

// New returns a Store over a pool (which is both a Querier and a
// TxBeginner).
func New(pool interface {
	db.Querier
	db.TxBeginner
}) *Store {
	return &Store{pool: pool, tx: pool}
}

// InTx runs fn in one transaction with a Store bound to it.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return db.InTx(ctx, s.tx, func(t pgx.Tx) error {
		return fn(&Store{pool: t, tx: s.tx})
	})
}

// LockProject serialises quota checks of one project until the end of the
// current transaction (a transaction-scoped advisory lock).
func (s *Store) LockProject(ctx context.Context, project string) error {
	_, err := s.pool.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('cinder-quota:' || $1))`, project)
	if err != nil {
		return fmt.Errorf("lock quota of %s: %w", project, err)
	}
	return nil
}

func jsonMap(m map[string]string) []byte {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return b
}

func parseMap(b []byte) map[string]string {
	m := map[string]string{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &m)
	}
	return m
}
