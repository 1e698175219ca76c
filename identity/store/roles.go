package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Role is a keystone role: global when DomainID is empty, else specific
// to that domain.
type Role struct {
	ID          string
	Name        string
	DomainID    string
	Description string
	Options     map[string]any
	Extra       map[string]any
}

// RoleFilter selects roles. DomainID "" lists global roles only, as
// keystone's GET /v3/roles without domain_id does.
type RoleFilter struct {
	Name     string
	DomainID string
	IDs      []string
}

// RolePatch changes a role; nil fields are left alone.
type RolePatch struct {
	Name        *string
	Description *string
	Options     map[string]any
	Extra       map[string]any
}

const roleCols = "id, name, COALESCE(domain_id, ''), description, options, extra"

func scanRole(row pgx.Row) (Role, error) {
	var r Role
	err := row.Scan(&r.ID, &r.Name, &r.DomainID, &r.Description, &r.Options, &r.Extra)
	return r, err
}

// CreateRole stores r; an empty ID gets a new one.
func (s *Store) CreateRole(ctx context.Context, r Role) (Role, error) {
	if r.ID == "" {
		r.ID = NewID()
	}
	if r.DomainID != "" {
		if _, err := s.GetDomain(ctx, r.DomainID); err != nil {
			return Role{}, err
		}
	}
	out, err := scanRole(s.pool.QueryRow(ctx, "INSERT INTO role (id, name, domain_id, description, options, extra) VALUES ($1,$2,$3,$4,$5,$6) RETURNING "+roleCols,
		r.ID, r.Name, nullable(r.DomainID), r.Description, jsonMap(r.Options), jsonMap(r.Extra)))
	if db.IsUniqueViolation(err) {
		if db.ConstraintName(err) == "role_pkey" {
			return Role{}, conflict(err, "role", "ID", r.ID, "")
		}
		return Role{}, conflict(err, "role", "name", r.Name, r.DomainID)
	}
	if err != nil {
		return Role{}, internal(err, "create role %s", r.Name)
	}
	return out, nil
}

// GetRole returns the role with id.
func (s *Store) GetRole(ctx context.Context, id string) (Role, error) {
	r, err := scanRole(s.pool.QueryRow(ctx, "SELECT "+roleCols+" FROM role WHERE id = $1", id))
	if isNoRows(err) {
		return Role{}, notFound("role", id)
	}
	if err != nil {
		return Role{}, internal(err, "get role %s", id)
	}
	return r, nil
}

// GetRoleByName returns the global role named name.
func (s *Store) GetRoleByName(ctx context.Context, name string) (Role, error) {
	r, err := scanRole(s.pool.QueryRow(ctx, "SELECT "+roleCols+" FROM role WHERE name = $1 AND domain_id IS NULL", name))
	if isNoRows(err) {
		return Role{}, notFound("role", name)
	}
	if err != nil {
		return Role{}, internal(err, "get role %s", name)
	}
	return r, nil
}

// ListRoles returns the roles f selects, ordered by name.
func (s *Store) ListRoles(ctx context.Context, f RoleFilter) ([]Role, error) {
	var w where
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	if f.IDs != nil {
		w.add("id = ANY(?)", f.IDs)
	} else if f.DomainID != "" {
		w.add("domain_id = ?", f.DomainID)
	} else {
		w.conds = append(w.conds, "domain_id IS NULL")
	}
	rows, err := s.pool.Query(ctx, "SELECT "+roleCols+" FROM role"+w.sql()+" ORDER BY name, id", w.args...)
	if err != nil {
		return nil, internal(err, "list roles")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Role, error) { return scanRole(r) })
	if err != nil {
		return nil, internal(err, "list roles")
	}
	return out, nil
}

// UpdateRole applies p to the role with id.
func (s *Store) UpdateRole(ctx context.Context, id string, p RolePatch) (Role, error) {
	var out Role
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := scanRole(tx.QueryRow(ctx, "SELECT "+roleCols+" FROM role WHERE id = $1 FOR UPDATE", id))
		if isNoRows(err) {
			return notFound("role", id)
		}
		if err != nil {
			return internal(err, "get role %s", id)
		}
		if p.Name != nil {
			r.Name = *p.Name
		}
		if p.Description != nil {
			r.Description = *p.Description
		}
		r.Options = mergeExtra(r.Options, p.Options)
		r.Extra = mergeExtra(r.Extra, p.Extra)
		out, err = scanRole(tx.QueryRow(ctx, "UPDATE role SET name=$2, description=$3, options=$4, extra=$5 WHERE id=$1 RETURNING "+roleCols,
			id, r.Name, r.Description, jsonMap(r.Options), jsonMap(r.Extra)))
		if db.IsUniqueViolation(err) {
			return conflict(err, "role", "name", r.Name, r.DomainID)
		}
		if err != nil {
			return internal(err, "update role %s", id)
		}
		return nil
	})
	return out, err
}

// DeleteRole removes a role, its assignments and its inference rules.
func (s *Store) DeleteRole(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM role WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete role %s", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound("role", id)
	}
	return nil
}

// Implication is a role inference rule: Prior implies Implied.
type Implication struct {
	PriorID, ImpliedID string
}

// ProhibitedImpliedRoles are the roles no rule may imply, keystone's
// [assignment] prohibited_implied_role default.
var ProhibitedImpliedRoles = []string{"admin"}

// CreateImplication records that prior implies implied.
func (s *Store) CreateImplication(ctx context.Context, priorID, impliedID string) error {
	prior, err := s.GetRole(ctx, priorID)
	if err != nil {
		return err
	}
	implied, err := s.GetRole(ctx, impliedID)
	if err != nil {
		return err
	}
	for _, n := range ProhibitedImpliedRoles {
		if implied.Name == n {
			return fault.New(fault.Forbidden, "%s cannot be an implied roles.", impliedID)
		}
	}
	// A global role cannot imply a domain-specific one (keystone's
	// InvalidImpliedRole, whose message hides the reason).
	if prior.DomainID == "" && implied.DomainID != "" {
		return fault.New(fault.Forbidden, "%s cannot be an implied roles.", impliedID)
	}
	if _, err := s.pool.Exec(ctx, "INSERT INTO implied_role (prior_role_id, implied_role_id) VALUES ($1,$2) ON CONFLICT DO NOTHING", priorID, impliedID); err != nil {
		return internal(err, "create implication %s -> %s", priorID, impliedID)
	}
	return nil
}

// GetImplication returns an error unless prior implies implied.
func (s *Store) GetImplication(ctx context.Context, priorID, impliedID string) error {
	if _, err := s.GetRole(ctx, priorID); err != nil {
		return err
	}
	if _, err := s.GetRole(ctx, impliedID); err != nil {
		return err
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM implied_role WHERE prior_role_id = $1 AND implied_role_id = $2", priorID, impliedID).Scan(&n); err != nil {
		return internal(err, "get implication")
	}
	if n == 0 {
		return fault.New(fault.NotFound, "%s does not imply %s.", priorID, impliedID)
	}
	return nil
}

// DeleteImplication removes a rule.
func (s *Store) DeleteImplication(ctx context.Context, priorID, impliedID string) error {
	if err := s.GetImplication(ctx, priorID, impliedID); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM implied_role WHERE prior_role_id = $1 AND implied_role_id = $2", priorID, impliedID); err != nil {
		return internal(err, "delete implication")
	}
	return nil
}

// ListImplications returns every rule, or those of one prior role.
func (s *Store) ListImplications(ctx context.Context, priorID string) ([]Implication, error) {
	var w where
	if priorID != "" {
		w.add("prior_role_id = ?", priorID)
	}
	rows, err := s.pool.Query(ctx, "SELECT prior_role_id, implied_role_id FROM implied_role"+w.sql()+" ORDER BY 1, 2", w.args...)
	if err != nil {
		return nil, internal(err, "list implications")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Implication, error) {
		var i Implication
		return i, r.Scan(&i.PriorID, &i.ImpliedID)
	})
	if err != nil {
		return nil, internal(err, "list implications")
	}
	return out, nil
}
