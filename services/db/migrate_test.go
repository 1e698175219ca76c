package db_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
)

var testMigrations = fstest.MapFS{
	"svc/00001_widgets.sql": {Data: []byte(`-- +goose Up
CREATE TABLE widgets (id int PRIMARY KEY);
-- +goose Down
DROP TABLE widgets;
`)},
	"svc/00002_gadgets.sql": {Data: []byte(`-- +goose Up
CREATE TABLE gadgets (id int PRIMARY KEY, widget_id int REFERENCES widgets (id));
-- +goose Down
DROP TABLE gadgets;
`)},
	"broken/00001_ok.sql": {Data: []byte(`-- +goose Up
CREATE TABLE fine (id int);
-- +goose Down
DROP TABLE fine;
`)},
	"broken/00002_bad.sql": {Data: []byte(`-- +goose Up
CREATE TABLE half (id int);
SELECT no_such_function();
-- +goose Down
DROP TABLE half;
`)},
}

func TestMigrateAppliesOnceThenNoOp(t *testing.T) {
	ctx := ctxFor(t)
	pool, _ := openFresh(t)

	rep, err := db.Migrate(ctx, pool, testMigrations, "svc")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != 2 || len(rep.Applied) != 2 || rep.Applied[0].Name != "00001_widgets.sql" || rep.Applied[1].Version != 2 {
		t.Fatalf("first run: %+v", rep)
	}
	mustExec(t, pool, "INSERT INTO widgets VALUES (1)")

	rep, err = db.Migrate(ctx, pool, testMigrations, "svc")
	if err != nil || rep.Version != 2 || len(rep.Applied) != 0 {
		t.Fatalf("second run: %+v, %v; want version 2, nothing applied", rep, err)
	}
	cur, latest, err := db.Version(ctx, pool, testMigrations, "svc")
	if err != nil || cur != 2 || latest != 2 {
		t.Fatalf("Version = %d, %d, %v", cur, latest, err)
	}
	st, err := db.Status(ctx, pool, testMigrations, "svc")
	if err != nil || len(st) != 2 || !st[0].Applied || !st[1].Applied || st[1].AppliedAt.IsZero() {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}

func TestVersionOfEmptyDatabase(t *testing.T) {
	ctx := ctxFor(t)
	pool, _ := openFresh(t)
	cur, latest, err := db.Version(ctx, pool, testMigrations, "svc")
	if err != nil || cur != 0 || latest != 2 {
		t.Fatalf("Version = %d, %d, %v; want 0, 2", cur, latest, err)
	}
}

func TestMigrateConcurrentRunners(t *testing.T) {
	ctx := ctxFor(t)
	_, url := openFresh(t)
	const runners = 4
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied int
		errs    []error
	)
	for range runners {
		// A pool each, as separate processes would have.
		pool, err := db.Open(ctx, db.Options{Connection: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		wg.Add(1)
		go func(pool *pgxpool.Pool) {
			defer wg.Done()
			rep, err := db.Migrate(ctx, pool, testMigrations, "svc")
			mu.Lock()
			defer mu.Unlock()
			applied += len(rep.Applied)
			if err != nil {
				errs = append(errs, err)
			} else if rep.Version != 2 {
				t.Errorf("a runner ended at version %d", rep.Version)
			}
		}(pool)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent runs failed: %v", errs)
	}
	if applied != 2 {
		t.Fatalf("runners applied %d migrations in all; want each of the 2 exactly once", applied)
	}
}

func TestMigrateFailureRollsBackThatFile(t *testing.T) {
	ctx := ctxFor(t)
	pool, _ := openFresh(t)
	if _, err := db.Migrate(ctx, pool, testMigrations, "broken"); err == nil {
		t.Fatal("a failing migration reported success")
	}
	cur, _, err := db.Version(ctx, pool, testMigrations, "broken")
	if err != nil || cur != 1 {
		t.Fatalf("version after failure = %d, %v; want 1", cur, err)
	}
	var half *string
	if err := pool.QueryRow(context.Background(), "SELECT to_regclass('half')::text").Scan(&half); err != nil || half != nil {
		t.Fatalf("table of the failed migration exists (%v, %v)", half, err)
	}
}

func TestMigrateMissingDir(t *testing.T) {
	pool, _ := openFresh(t)
	if _, err := db.Migrate(ctxFor(t), pool, testMigrations, "nothing-here"); err == nil {
		t.Fatal("migrating from an empty folder succeeded")
	}
}
