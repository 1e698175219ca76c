package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// DefaultDomainID is the id of the domain the schema creates, keystone's
// [identity] default_domain_id.
const DefaultDomainID = "default"

// Domain is a keystone domain.
type Domain struct {
	ID          string
	Name        string
	Description string
	Enabled     bool
	Tags        []string
	Extra       map[string]any
}

// DomainFilter selects domains; zero fields do not filter.
type DomainFilter struct {
	Name    string
	Enabled *bool
	IDs     []string // when non-nil, only these ids
}

// DomainPatch changes a domain; nil fields are left alone.
type DomainPatch struct {
	Name        *string
	Description *string
	Enabled     *bool
	Tags        *[]string
	Extra       map[string]any // merged into extra
}

const domainCols = "id, name, description, enabled, tags, extra"

func scanDomain(row pgx.Row) (Domain, error) {
	var d Domain
	err := row.Scan(&d.ID, &d.Name, &d.Description, &d.Enabled, &d.Tags, &d.Extra)
	return d, err
}

// CreateDomain stores d; an empty ID gets a new one.
func (s *Store) CreateDomain(ctx context.Context, d Domain) (Domain, error) {
	if d.ID == "" {
		d.ID = NewID()
	}
	row := s.pool.QueryRow(ctx, "INSERT INTO domain ("+domainCols+") VALUES ($1,$2,$3,$4,$5,$6) RETURNING "+domainCols,
		d.ID, d.Name, d.Description, d.Enabled, strs(d.Tags), jsonMap(d.Extra))
	out, err := scanDomain(row)
	if db.IsUniqueViolation(err) {
		return Domain{}, conflict(err, "project", "name", d.Name, "")
	}
	if err != nil {
		return Domain{}, internal(err, "create domain %s", d.Name)
	}
	return out, nil
}

// GetDomain returns the domain with id.
func (s *Store) GetDomain(ctx context.Context, id string) (Domain, error) {
	d, err := scanDomain(s.pool.QueryRow(ctx, "SELECT "+domainCols+" FROM domain WHERE id = $1", id))
	if isNoRows(err) {
		return Domain{}, notFound("domain", id)
	}
	if err != nil {
		return Domain{}, internal(err, "get domain %s", id)
	}
	return d, nil
}

// GetDomainByName returns the domain named name.
func (s *Store) GetDomainByName(ctx context.Context, name string) (Domain, error) {
	d, err := scanDomain(s.pool.QueryRow(ctx, "SELECT "+domainCols+" FROM domain WHERE name = $1", name))
	if isNoRows(err) {
		return Domain{}, notFound("domain", name)
	}
	if err != nil {
		return Domain{}, internal(err, "get domain %s", name)
	}
	return d, nil
}

// ListDomains returns the domains f selects, ordered by name.
func (s *Store) ListDomains(ctx context.Context, f DomainFilter) ([]Domain, error) {
	var w where
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	if f.Enabled != nil {
		w.add("enabled = ?", *f.Enabled)
	}
	if f.IDs != nil {
		w.add("id = ANY(?)", f.IDs)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+domainCols+" FROM domain"+w.sql()+" ORDER BY name", w.args...)
	if err != nil {
		return nil, internal(err, "list domains")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Domain, error) { return scanDomain(r) })
	if err != nil {
		return nil, internal(err, "list domains")
	}
	return out, nil
}

// UpdateDomain applies p to the domain with id and returns the old and
// new values.
func (s *Store) UpdateDomain(ctx context.Context, id string, p DomainPatch) (before, after Domain, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		before, err = scanDomain(tx.QueryRow(ctx, "SELECT "+domainCols+" FROM domain WHERE id = $1 FOR UPDATE", id))
		if isNoRows(err) {
			return notFound("domain", id)
		}
		if err != nil {
			return internal(err, "get domain %s", id)
		}
		d := before
		if p.Name != nil {
			d.Name = *p.Name
		}
		if p.Description != nil {
			d.Description = *p.Description
		}
		if p.Enabled != nil {
			d.Enabled = *p.Enabled
		}
		if p.Tags != nil {
			d.Tags = *p.Tags
		}
		d.Extra = mergeExtra(d.Extra, p.Extra)
		after, err = scanDomain(tx.QueryRow(ctx, "UPDATE domain SET name=$2, description=$3, enabled=$4, tags=$5, extra=$6 WHERE id=$1 RETURNING "+domainCols,
			id, d.Name, d.Description, d.Enabled, strs(d.Tags), jsonMap(d.Extra)))
		if db.IsUniqueViolation(err) {
			return conflict(err, "project", "name", d.Name, "")
		}
		if err != nil {
			return internal(err, "update domain %s", id)
		}
		return nil
	})
	return before, after, err
}

// DeleteDomain removes a disabled domain with everything in it: its
// projects, users, groups, domain-specific roles and their assignments.
func (s *Store) DeleteDomain(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := scanDomain(tx.QueryRow(ctx, "SELECT "+domainCols+" FROM domain WHERE id = $1 FOR UPDATE", id))
		if isNoRows(err) {
			return notFound("domain", id)
		}
		if err != nil {
			return internal(err, "get domain %s", id)
		}
		if d.Enabled {
			return fault.New(fault.Forbidden, "Cannot delete a domain that is enabled, please disable it first.")
		}
		stmts := []string{
			`DELETE FROM assignment WHERE target_id = $1 OR target_id IN (SELECT id FROM project WHERE domain_id = $1)
			   OR actor_id IN (SELECT id FROM "user" WHERE domain_id = $1) OR actor_id IN (SELECT id FROM "group" WHERE domain_id = $1)`,
			`UPDATE project SET parent_id = NULL WHERE domain_id = $1`,
			`DELETE FROM project WHERE domain_id = $1`,
			`DELETE FROM "user" WHERE domain_id = $1`,
			`DELETE FROM "group" WHERE domain_id = $1`,
			`DELETE FROM role WHERE domain_id = $1`,
			`DELETE FROM domain WHERE id = $1`,
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return internal(err, "delete domain %s", id)
			}
		}
		return nil
	})
}

// mergeExtra returns extra with the keys of add set; a nil value deletes.
func mergeExtra(extra, add map[string]any) map[string]any {
	if len(add) == 0 {
		return extra
	}
	out := make(map[string]any, len(extra)+len(add))
	for k, v := range extra {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}

// ResolveDomain returns the domain named by id or by name, as the auth
// and lookup paths accept either.
func (s *Store) ResolveDomain(ctx context.Context, id, name string) (Domain, error) {
	if id != "" {
		return s.GetDomain(ctx, id)
	}
	if name != "" {
		return s.GetDomainByName(ctx, name)
	}
	return Domain{}, fmt.Errorf("resolve domain: %w", fault.New(fault.Invalid, "domain id or name must be present"))
}
