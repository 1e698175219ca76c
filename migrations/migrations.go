package migrations

import (
	"context"
	"embed"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// FS holds one folder of migrations per service database.
//
//go:embed keystone/*.sql glance/*.sql cinder/*.sql nova/*.sql network/*.sql
var FS embed.FS

var services = []string{"keystone", "glance", "cinder", "nova", "network"}

// Services returns the names of the service databases, which are also the
// folder names in FS.
func Services() []string { return slices.Clone(services) }

// Check returns a fault.Invalid error naming the known services unless
// service is one of them.
func Check(service string) error {
	if slices.Contains(services, service) {
		return nil
	}
	return fault.New(fault.Invalid, "unknown service %q: choose one of %v", service, services)
}

// Sync brings the database behind pool to the latest schema of service.
func Sync(ctx context.Context, pool *pgxpool.Pool, service string) (db.Report, error) {
	if err := Check(service); err != nil {
		return db.Report{}, err
	}
	return db.Migrate(ctx, pool, FS, service)
}

// Version returns the schema version of the database behind pool and the
// latest version known for service.
func Version(ctx context.Context, pool *pgxpool.Pool, service string) (current, latest int64, err error) {
	if err := Check(service); err != nil {
		return 0, 0, err
	}
	return db.Version(ctx, pool, FS, service)
}
