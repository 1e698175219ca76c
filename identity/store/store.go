package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Store is the keystone database.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store over pool, whose schema must be migrated.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool returns the underlying pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// NewID returns a fresh keystone id: a UUID4 as 32 hex digits.
func NewID() string { return strings.ReplaceAll(uuid.NewString(), "-", "") }

// notFound is keystone's NotFound family: "Could not find <what>: <id>."
func notFound(what, id string) error {
	return fault.New(fault.NotFound, "Could not find %s: %s.", what, id)
}

// conflict is keystone's exception.Conflict with handle_conflicts' details.
func conflict(cause error, typ, field, name, domainID string) error {
	details := "Duplicate entry"
	switch {
	case name != "" && domainID != "":
		details = fmt.Sprintf("Duplicate entry found with %s %s at domain ID %s", field, name, domainID)
	case name != "":
		details = fmt.Sprintf("Duplicate entry found with %s %s", field, name)
	}
	return fault.Wrap(cause, fault.Conflict, "Conflict occurred attempting to store %s - %s.", typ, details)
}

// internal wraps an unexpected database error.
func internal(err error, format string, args ...any) error {
	return fault.Wrap(fmt.Errorf(format+": %w", append(args, err)...), fault.Internal, "")
}

// where builds a WHERE clause with numbered arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(w.args))))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// inTx runs fn in a transaction.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.InTx(ctx, s.pool, fn)
}

// isNoRows reports whether err is pgx's no-rows error.
func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// jsonMap returns m, or an empty map for nil, for jsonb columns.
func jsonMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func notFoundMembership(userID, groupID string) error {
	return fault.New(fault.NotFound, "User %s is not a member of group %s.", userID, groupID)
}
