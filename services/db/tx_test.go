package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
)

func countRows(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM items").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func itemsPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, _ := openFresh(t)
	mustExec(t, pool, "CREATE TABLE items (k int PRIMARY KEY, v int NOT NULL)")
	return pool
}

func insertItem(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "INSERT INTO items VALUES (1, 1)")
	return err
}

func TestInTxCommits(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	if err := db.InTx(ctx, pool, func(tx pgx.Tx) error { return insertItem(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, pool); n != 1 {
		t.Fatalf("%d rows after commit; want 1", n)
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	boom := errors.New("boom")
	err := db.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := insertItem(ctx, tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v; want the function's error", err)
	}
	if n := countRows(t, pool); n != 0 {
		t.Fatalf("%d rows after rollback; want 0", n)
	}
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v; want the panic to pass through", r)
			}
		}()
		_ = db.InTx(ctx, pool, func(tx pgx.Tx) error {
			if err := insertItem(ctx, tx); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	if n := countRows(t, pool); n != 0 {
		t.Fatalf("%d rows after panic; want 0", n)
	}
	if acquired := pool.Stat().AcquiredConns(); acquired != 0 {
		t.Fatalf("%d connections still held after the panic", acquired)
	}
}

// A real serialization failure: between the transaction's read and its
// write, another session changes the row.
func TestInTxRetriesSerializationFailure(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	mustExec(t, pool, "INSERT INTO items VALUES (1, 1)")
	calls := 0
	err := db.InTxWith(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		calls++
		var v int
		if err := tx.QueryRow(ctx, "SELECT v FROM items WHERE k = 1").Scan(&v); err != nil {
			return err
		}
		if calls == 1 {
			mustExec(t, pool, "UPDATE items SET v = v + 100 WHERE k = 1")
		}
		_, err := tx.Exec(ctx, "UPDATE items SET v = $1 WHERE k = 1", v+1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("function ran %d times; want 2", calls)
	}
	var v int
	if err := pool.QueryRow(ctx, "SELECT v FROM items WHERE k = 1").Scan(&v); err != nil || v != 102 {
		t.Fatalf("v = %d, %v; want 102 (the retry saw the other session's write)", v, err)
	}
}

func TestInTxRetriesAreBounded(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	calls := 0
	err := db.InTx(ctx, pool, func(tx pgx.Tx) error {
		calls++
		return &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
	})
	if !db.IsRetryable(err) || calls != db.MaxTxAttempts {
		t.Fatalf("InTx = %v after %d calls; want the deadlock after %d", err, calls, db.MaxTxAttempts)
	}
}

func TestInTxDoesNotRetryOtherErrors(t *testing.T) {
	ctx := ctxFor(t)
	pool := itemsPool(t)
	mustExec(t, pool, "INSERT INTO items VALUES (1, 1)")
	calls := 0
	err := db.InTx(ctx, pool, func(tx pgx.Tx) error {
		calls++
		return insertItem(ctx, tx)
	})
	if !db.IsUniqueViolation(err) || calls != 1 {
		t.Fatalf("InTx = %v after %d calls; want a unique violation after 1", err, calls)
	}
}
