package servicegroup

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Store reads and writes the services table of one service database.
type Store struct {
	q db.Querier
}

// NewStore returns a Store over q: a pool, or a transaction.
func NewStore(q db.Querier) *Store { return &Store{q: q} }

// Registration describes a daemon that is starting.
type Registration struct {
	Binary string // required, e.g. nova-compute
	Host   string // required
	Topic  string
	Zone   string // "" leaves the zone unset
	// Disabled and DisabledReason apply only when the service is new, as
	// nova's `[DEFAULT] enable_new_services = false` does.
	Disabled       bool
	DisabledReason string
}

// columns lists the services columns a Service is scanned from, in order.
const columns = `id, uuid::text, host, "binary", topic, coalesce(availability_zone, ''),
	disabled, coalesce(disabled_reason, ''), forced_down, report_count,
	last_seen_up, created_at, updated_at`

// Register creates the service's row or, when the daemon restarts, updates
// its topic and zone, keeping its id, uuid, disabled state and forced_down.
func (s *Store) Register(ctx context.Context, r Registration) (Service, error) {
	if r.Binary == "" || r.Host == "" {
		return Service{}, fault.New(fault.Invalid, "a service needs a binary and a host (got binary %q, host %q)", r.Binary, r.Host)
	}
	row := s.q.QueryRow(ctx, `
		INSERT INTO services (uuid, host, "binary", topic, availability_zone, disabled, disabled_reason)
		VALUES ($1, $2, $3, $4, nullif($5, ''), $6, nullif($7, ''))
		ON CONFLICT (host, "binary") WHERE deleted_at IS NULL
		DO UPDATE SET topic = excluded.topic,
			availability_zone = excluded.availability_zone,
			updated_at = now()
		RETURNING `+columns,
		uuid.NewString(), r.Host, r.Binary, r.Topic, r.Zone, r.Disabled, r.DisabledReason)
	svc, err := scan(row)
	if err != nil {
		return Service{}, fmt.Errorf("register service %s on %s: %w", r.Binary, r.Host, err)
	}
	return svc, nil
}

// Get returns the service with the id.
func (s *Store) Get(ctx context.Context, id int64) (Service, error) {
	row := s.q.QueryRow(ctx, `SELECT `+columns+` FROM services WHERE id = $1 AND deleted_at IS NULL`, id)
	return oneByID(row, id)
}

// GetByUUID returns the service with the uuid.
func (s *Store) GetByUUID(ctx context.Context, id string) (Service, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Service{}, notFound(id)
	}
	row := s.q.QueryRow(ctx, `SELECT `+columns+` FROM services WHERE uuid = $1 AND deleted_at IS NULL`, id)
	svc, err := scan(row)
	if db.IsNotFound(err) {
		return Service{}, notFound(id)
	}
	if err != nil {
		return Service{}, fmt.Errorf("get service %s: %w", id, err)
	}
	return svc, nil
}

// GetByHostBinary returns the service binary runs on host.
func (s *Store) GetByHostBinary(ctx context.Context, host, binary string) (Service, error) {
	row := s.q.QueryRow(ctx, `SELECT `+columns+` FROM services
		WHERE host = $1 AND "binary" = $2 AND deleted_at IS NULL`, host, binary)
	svc, err := scan(row)
	if db.IsNotFound(err) {
		return Service{}, fault.New(fault.NotFound, "Service %s on host %s could not be found.", binary, host)
	}
	if err != nil {
		return Service{}, fmt.Errorf("get service %s on %s: %w", binary, host, err)
	}
	return svc, nil
}

// Filter selects services in List; empty fields match everything.
type Filter struct {
	Host   string
	Binary string
}

// List returns the services that match f, by id.
func (s *Store) List(ctx context.Context, f Filter) ([]Service, error) {
	rows, err := s.q.Query(ctx, `SELECT `+columns+` FROM services
		WHERE deleted_at IS NULL
		  AND ($1 = '' OR host = $1)
		  AND ($2 = '' OR "binary" = $2)
		ORDER BY id`, f.Host, f.Binary)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Service, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	return out, nil
}

// Delete removes the service (a soft delete: the row keeps deleted_at).
// The daemon registers a new row if it starts again.
func (s *Store) Delete(ctx context.Context, id int64) error {
	tag, err := s.q.Exec(ctx, `UPDATE services SET deleted_at = now(), updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("delete service %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(id)
	}
	return nil
}

func oneByID(row pgx.Row, id int64) (Service, error) {
	svc, err := scan(row)
	if db.IsNotFound(err) {
		return Service{}, notFound(id)
	}
	if err != nil {
		return Service{}, fmt.Errorf("service %d: %w", id, err)
	}
	return svc, nil
}

// notFound uses nova's ServiceNotFound text.
func notFound(id any) error {
	return fault.New(fault.NotFound, "Service %v could not be found.", id)
}

func scan(row pgx.Row) (Service, error) {
	var (
		svc               Service
		lastSeen, updated *time.Time
	)
	err := row.Scan(&svc.ID, &svc.UUID, &svc.Host, &svc.Binary, &svc.Topic, &svc.Zone,
		&svc.Disabled, &svc.DisabledReason, &svc.ForcedDown, &svc.ReportCount,
		&lastSeen, &svc.CreatedAt, &updated)
	if err != nil {
		return Service{}, err
	}
	if lastSeen != nil {
		svc.LastSeenUp = lastSeen.UTC()
	}
	if updated != nil {
		svc.UpdatedAt = updated.UTC()
	}
	svc.CreatedAt = svc.CreatedAt.UTC()
	return svc, nil
}
