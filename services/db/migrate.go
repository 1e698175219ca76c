package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationLockWait is how long a runner waits for another runner's
// migrations to finish: it polls the advisory lock every second.
const migrationLockWait = 15 * time.Minute

// Applied is one migration file a Migrate call ran.
type Applied struct {
	Version int64
	Name    string // file name, e.g. 00001_services.sql
}

// Report says what Migrate did.
type Report struct {
	Applied []Applied // in order; empty when the schema was already current
	Version int64     // the schema version afterwards
}

// MigrationStatus is one migration file and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

// Migrate applies the pending goose migrations found in dir of fsys to the
// database behind pool. Runners are serialized by a session advisory lock
// in that database, so concurrent calls are safe, and a call with nothing
// pending changes nothing.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, dir string) (Report, error) {
	var rep Report
	err := withProvider(pool, fsys, dir, func(p *goose.Provider) error {
		results, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("apply migrations from %s: %w", dir, err)
		}
		for _, r := range results {
			rep.Applied = append(rep.Applied, Applied{Version: r.Source.Version, Name: path.Base(r.Source.Path)})
		}
		rep.Version, err = p.GetDBVersion(ctx)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		return nil
	})
	return rep, err
}

// Version returns the schema version of the database and the latest
// version the migrations in dir of fsys define.
func Version(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, dir string) (current, latest int64, err error) {
	err = withProvider(pool, fsys, dir, func(p *goose.Provider) error {
		current, latest, err = p.GetVersions(ctx)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		return nil
	})
	return current, latest, err
}

// Status lists every migration in dir of fsys, oldest first, with whether
// it has been applied to the database.
func Status(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, dir string) ([]MigrationStatus, error) {
	var out []MigrationStatus
	err := withProvider(pool, fsys, dir, func(p *goose.Provider) error {
		st, err := p.Status(ctx)
		if err != nil {
			return fmt.Errorf("read migration status: %w", err)
		}
		for _, s := range st {
			out = append(out, MigrationStatus{
				Version:   s.Source.Version,
				Name:      path.Base(s.Source.Path),
				Applied:   s.State == goose.StateApplied,
				AppliedAt: s.AppliedAt,
			})
		}
		return nil
	})
	return out, err
}

// withProvider gives fn a goose provider over the migrations in dir,
// talking to the pool through database/sql.
func withProvider(pool *pgxpool.Pool, fsys fs.FS, dir string, fn func(*goose.Provider) error) error {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return fmt.Errorf("migrations %s: %w", dir, err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockTimeout(1, uint64(migrationLockWait/time.Second)),
	)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer closeQuietly(sqlDB) // leaves the pool open
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
		// Files are numbered per component range (e.g. nova's API tables
		// and the scheduler's), so a lower number may land after a higher
		// one was applied: apply it rather than refuse.
		goose.WithAllowOutofOrder(true),
	)
	if errors.Is(err, goose.ErrNoMigrations) {
		return fmt.Errorf("no migrations in %s: %w", dir, err)
	}
	if err != nil {
		return fmt.Errorf("migrations %s: %w", dir, err)
	}
	return fn(p)
}

func closeQuietly(db *sql.DB) { _ = db.Close() }
