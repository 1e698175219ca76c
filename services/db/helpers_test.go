package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/testenv"
)

// ctxFor returns a context bounded for one test.
func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openFresh opens a pool on a new, empty database.
func openFresh(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	url := testenv.Postgres(t)
	pool, err := db.Open(ctxFor(t), db.Options{Connection: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, url
}

func mustExec(t *testing.T, q db.Querier, sql string, args ...any) {
	t.Helper()
	if _, err := q.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
