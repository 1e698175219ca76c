package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// AggregateNotFound is nova's AggregateNotFound.
func AggregateNotFound(id string) error {
	return fault.New(fault.NotFound, "Aggregate %s could not be found.", id)
}

const aggregateColumns = `a.id, a.uuid::text, a.name, a.created_at, a.updated_at,
	coalesce((SELECT array_agg(h.host ORDER BY h.created_at, h.host) FROM aggregate_hosts h WHERE h.aggregate_id = a.id), '{}'),
	coalesce((SELECT jsonb_object_agg(m.key, m.value) FROM aggregate_metadata m WHERE m.aggregate_id = a.id), '{}')`

func scanAggregate(row pgx.Row) (objects.Aggregate, error) {
	var a objects.Aggregate
	err := row.Scan(&a.ID, &a.UUID, &a.Name, &a.CreatedAt, &a.UpdatedAt, &a.Hosts, &a.Metadata)
	if a.Metadata == nil {
		a.Metadata = map[string]string{}
	}
	return a, err
}

// ListAggregates returns every aggregate, by id.
func (s *Store) ListAggregates(ctx context.Context) ([]objects.Aggregate, error) {
	return listAggregates(ctx, s.q)
}

func listAggregates(ctx context.Context, q db.Querier) ([]objects.Aggregate, error) {
	rows, err := q.Query(ctx, `SELECT `+aggregateColumns+` FROM aggregates a ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("list aggregates: %w", err)
	}
	defer rows.Close()
	out := []objects.Aggregate{}
	for rows.Next() {
		a, err := scanAggregate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAggregate returns an aggregate by its integer id.
func (s *Store) GetAggregate(ctx context.Context, id string) (objects.Aggregate, error) {
	return getAggregate(ctx, s.q, id, false)
}

func getAggregate(ctx context.Context, q db.Querier, id string, forUpdate bool) (objects.Aggregate, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return objects.Aggregate{}, AggregateNotFound(id)
	}
	sql := `SELECT ` + aggregateColumns + ` FROM aggregates a WHERE a.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	a, err := scanAggregate(q.QueryRow(ctx, sql, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, AggregateNotFound(id)
	}
	return a, err
}

// aggregateLock serializes every aggregate change, so the availability
// zone checks (one zone per host, names unique) see a stable picture.
func aggregateLock(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nova-aggregates'))`)
	return err
}

// AggregateCheck validates an aggregate change against every aggregate as
// it will be (after is the changed one; before its current state, zero
// for a new one). It runs under the aggregates lock.
type AggregateCheck func(all []objects.Aggregate, before, after objects.Aggregate) error

// CreateAggregate stores an aggregate with its zone (zone "" for none); a
// duplicate name conflicts as nova's AggregateNameExists.
func (s *Store) CreateAggregate(ctx context.Context, uuid, name, zone string, check AggregateCheck) (objects.Aggregate, error) {
	var out objects.Aggregate
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := aggregateLock(ctx, tx); err != nil {
			return err
		}
		all, err := listAggregates(ctx, tx)
		if err != nil {
			return err
		}
		after := objects.Aggregate{Name: name, Metadata: map[string]string{}}
		if zone != "" {
			after.Metadata[objects.AggregateZoneKey] = zone
		}
		if check != nil {
			if err := check(all, objects.Aggregate{}, after); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO aggregates (uuid, name) VALUES ($1, $2) RETURNING id`, uuid, name).Scan(&id); err != nil {
			if db.IsUniqueViolation(err) {
				return fault.New(fault.Conflict, "Aggregate %s already exists.", name)
			}
			return err
		}
		if zone != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES ($1, $2, $3)`,
				id, objects.AggregateZoneKey, zone); err != nil {
				return err
			}
		}
		out, err = getAggregate(ctx, tx, strconv.FormatInt(id, 10), false)
		return err
	})
	return out, wrapAgg(err, "create aggregate")
}

// AggregateChange changes an aggregate; nil fields are left alone.
type AggregateChange struct {
	Name        *string
	AddHost     string
	RemoveHost  string
	SetMetadata map[string]*string // nil value: remove the key
}

// UpdateAggregate applies a change under the aggregates lock, after check
// accepted the aggregate as it will be.
func (s *Store) UpdateAggregate(ctx context.Context, id string, c AggregateChange, check AggregateCheck) (objects.Aggregate, error) {
	var out objects.Aggregate
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := aggregateLock(ctx, tx); err != nil {
			return err
		}
		before, err := getAggregate(ctx, tx, id, true)
		if err != nil {
			return err
		}
		after := before
		after.Hosts = append([]string(nil), before.Hosts...)
		after.Metadata = map[string]string{}
		for k, v := range before.Metadata {
			after.Metadata[k] = v
		}
		if c.Name != nil {
			after.Name = *c.Name
		}
		if c.AddHost != "" {
			for _, h := range after.Hosts {
				if h == c.AddHost {
					return fault.New(fault.Conflict, "Aggregate %s already has host %s.", id, c.AddHost)
				}
			}
			after.Hosts = append(after.Hosts, c.AddHost)
		}
		if c.RemoveHost != "" {
			found := false
			for i, h := range after.Hosts {
				if h == c.RemoveHost {
					after.Hosts = append(after.Hosts[:i], after.Hosts[i+1:]...)
					found = true
					break
				}
			}
			if !found {
				return fault.New(fault.NotFound, "Aggregate %s has no host %s.", id, c.RemoveHost)
			}
		}
		for k, v := range c.SetMetadata {
			if v == nil {
				delete(after.Metadata, k)
			} else {
				after.Metadata[k] = *v
			}
		}
		if check != nil {
			all, err := listAggregates(ctx, tx)
			if err != nil {
				return err
			}
			if err := check(all, before, after); err != nil {
				return err
			}
		}
		if c.Name != nil && *c.Name != before.Name {
			if _, err := tx.Exec(ctx, `UPDATE aggregates SET name = $2 WHERE id = $1`, before.ID, *c.Name); err != nil {
				if db.IsUniqueViolation(err) {
					return fault.New(fault.Conflict, "Aggregate %s already exists.", *c.Name)
				}
				return err
			}
		}
		if c.AddHost != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO aggregate_hosts (aggregate_id, host) VALUES ($1, $2)`, before.ID, c.AddHost); err != nil {
				return err
			}
		}
		if c.RemoveHost != "" {
			if _, err := tx.Exec(ctx, `DELETE FROM aggregate_hosts WHERE aggregate_id = $1 AND host = $2`, before.ID, c.RemoveHost); err != nil {
				return err
			}
		}
		keys := make([]string, 0, len(c.SetMetadata))
		for k := range c.SetMetadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := c.SetMetadata[k]
			var err error
			if v == nil {
				_, err = tx.Exec(ctx, `DELETE FROM aggregate_metadata WHERE aggregate_id = $1 AND key = $2`, before.ID, k)
			} else {
				_, err = tx.Exec(ctx, `INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES ($1, $2, $3)
					ON CONFLICT (aggregate_id, key) DO UPDATE SET value = excluded.value`, before.ID, k, *v)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE aggregates SET updated_at = now() WHERE id = $1`, before.ID); err != nil {
			return err
		}
		out, err = getAggregate(ctx, tx, id, false)
		return err
	})
	return out, wrapAgg(err, "update aggregate")
}

// DeleteAggregate deletes an aggregate that has no hosts (nova's
// InvalidAggregateActionDelete otherwise, a 400).
func (s *Store) DeleteAggregate(ctx context.Context, id string) error {
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := aggregateLock(ctx, tx); err != nil {
			return err
		}
		a, err := getAggregate(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if len(a.Hosts) > 0 {
			return fault.New(fault.Invalid, "Cannot remove aggregate %s. Reason: Host aggregate is not empty.", id)
		}
		_, err = tx.Exec(ctx, `DELETE FROM aggregates WHERE id = $1`, a.ID)
		return err
	})
	return wrapAgg(err, "delete aggregate")
}

func wrapAgg(err error, what string) error {
	if err == nil || fault.KindOf(err) != fault.Internal {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
