package migrations_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

// files returns a service's migration file names, in order.
func files(t *testing.T, service string) []string {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, service)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// number is the version a migration file name starts with.
func number(t *testing.T, name string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscanf(name, "%05d_", &n); err != nil || !strings.HasPrefix(name, fmt.Sprintf("%05d_", n)) {
		t.Fatalf("%s: want a name NNNNN_<what>.sql", name)
	}
	return n
}

func TestLayout(t *testing.T) {
	top, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range top {
		dirs = append(dirs, e.Name())
	}
	want := migrations.Services()
	slices.Sort(want)
	if !slices.Equal(dirs, want) {
		t.Fatalf("folders %v; want one per service %v", dirs, want)
	}
	for _, svc := range migrations.Services() {
		prev := int64(0)
		for _, name := range files(t, svc) {
			n := number(t, name)
			// Within a component's range numbers rise by one; a new range
			// starts at a multiple of 100 (see the package comment).
			if path.Ext(name) != ".sql" || (n != prev+1 && n%100 != 0) || n <= prev {
				t.Errorf("%s/%s: want %05d_<what>.sql (the next number) or the start of a new range (a multiple of 100)", svc, name, prev+1)
			}
			prev = n
			body, err := fs.ReadFile(migrations.FS, path.Join(svc, name))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "-- +goose Up") || !strings.Contains(string(body), "-- +goose Down") {
				t.Errorf("%s/%s: needs both -- +goose Up and -- +goose Down", svc, name)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	if err := migrations.Check("nova"); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Check("neutron"); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("Check(neutron) = %v; want kind invalid", err)
	}
}

func open(t *testing.T, ctx context.Context, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(ctx, db.Options{Connection: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestSyncEveryServiceOnEmptyDatabase(t *testing.T) {
	for _, svc := range migrations.Services() {
		t.Run(svc, func(t *testing.T) {
			ctx := testCtx(t)
			pool := open(t, ctx, testenv.Postgres(t))
			want := files(t, svc)
			latest := number(t, want[len(want)-1])

			rep, err := migrations.Sync(ctx, pool, svc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range rep.Applied {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, want) || rep.Version != latest {
				t.Fatalf("first sync applied %v to version %d; want %v to %d", got, rep.Version, want, latest)
			}

			rep, err = migrations.Sync(ctx, pool, svc)
			if err != nil || len(rep.Applied) != 0 || rep.Version != latest {
				t.Fatalf("second sync: %+v, %v; want a no-op at version %d", rep, err, latest)
			}
			cur, lat, err := migrations.Version(ctx, pool, svc)
			if err != nil || cur != latest || lat != latest {
				t.Fatalf("Version = %d, %d, %v; want %d, %d", cur, lat, err, latest, latest)
			}
		})
	}
}

func TestSyncConcurrentRunners(t *testing.T) {
	for _, svc := range migrations.Services() {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t)
			url := testenv.Postgres(t)
			pools := []*pgxpool.Pool{open(t, ctx, url), open(t, ctx, url), open(t, ctx, url)}
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				applied int
			)
			for _, pool := range pools {
				wg.Go(func() {
					rep, err := migrations.Sync(ctx, pool, svc)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("concurrent sync: %v", err)
					}
					applied += len(rep.Applied)
				})
			}
			wg.Wait()
			if want := len(files(t, svc)); applied != want {
				t.Fatalf("runners applied %d files in all; want each of %d once", applied, want)
			}
		})
	}
}

// The services table allows one live row per (host, binary); a deleted
// row does not count.
func TestServicesHostBinaryUniqueAmongLiveRows(t *testing.T) {
	for _, svc := range []string{"cinder", "nova"} {
		t.Run(svc, func(t *testing.T) {
			ctx := testCtx(t)
			pool := open(t, ctx, testenv.Postgres(t))
			if _, err := migrations.Sync(ctx, pool, svc); err != nil {
				t.Fatal(err)
			}
			insert := `INSERT INTO services (uuid, host, "binary") VALUES (gen_random_uuid(), 'h1', 'x-volume')`
			if _, err := pool.Exec(ctx, insert); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, insert); !db.IsUniqueViolation(err) {
				t.Fatalf("second live row: %v; want a unique violation", err)
			}
			if _, err := pool.Exec(ctx, `UPDATE services SET deleted_at = now()`); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, insert); err != nil {
				t.Fatalf("row after deleting the old one: %v", err)
			}
		})
	}
}
