package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// User is a local keystone user. PasswordHash is a bcrypt hash, empty
// when the user has no password.
type User struct {
	ID                string
	DomainID          string
	Name              string
	Enabled           bool
	DefaultProjectID  string
	PasswordHash      string
	PasswordCreatedAt *time.Time
	PasswordExpiresAt *time.Time
	Options           map[string]any
	Extra             map[string]any
	CreatedAt         time.Time
}

// UserFilter selects users; zero fields do not filter.
type UserFilter struct {
	Name     string
	DomainID string
	Enabled  *bool
	GroupID  string   // members of this group
	IDs      []string // when non-nil, only these ids
}

// UserPatch changes a user; nil fields are left alone.
type UserPatch struct {
	Name             *string
	Enabled          *bool
	DefaultProjectID *string
	PasswordHash     *string // also sets password_created_at
	Options          map[string]any
	Extra            map[string]any
}

const userCols = `id, domain_id, name, enabled, COALESCE(default_project_id, ''), COALESCE(password_hash, ''),
	password_created_at, password_expires_at, options, extra, created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.DomainID, &u.Name, &u.Enabled, &u.DefaultProjectID, &u.PasswordHash,
		&u.PasswordCreatedAt, &u.PasswordExpiresAt, &u.Options, &u.Extra, &u.CreatedAt)
	return u, err
}

// CreateUser stores u; an empty ID gets a new one.
func (s *Store) CreateUser(ctx context.Context, u User) (User, error) {
	if u.ID == "" {
		u.ID = NewID()
	}
	var created any
	if u.PasswordHash != "" {
		created = time.Now().UTC()
	}
	var ok bool
	if err := s.pool.QueryRow(ctx, "SELECT true FROM domain WHERE id = $1", u.DomainID).Scan(&ok); isNoRows(err) {
		return User{}, notFound("domain", u.DomainID)
	} else if err != nil {
		return User{}, internal(err, "get domain %s", u.DomainID)
	}
	out, err := scanUser(s.pool.QueryRow(ctx, `INSERT INTO "user" (id, domain_id, name, enabled, default_project_id, password_hash, password_created_at, options, extra)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING `+userCols,
		u.ID, u.DomainID, u.Name, u.Enabled, nullable(u.DefaultProjectID), nullable(u.PasswordHash), created, jsonMap(u.Options), jsonMap(u.Extra)))
	if db.IsUniqueViolation(err) {
		if db.ConstraintName(err) == "user_pkey" {
			return User{}, conflict(err, "user", "ID", u.ID, "")
		}
		return User{}, conflict(err, "user", "name", u.Name, u.DomainID)
	}
	if err != nil {
		return User{}, internal(err, "create user %s", u.Name)
	}
	return out, nil
}

// GetUser returns the user with id.
func (s *Store) GetUser(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM "user" WHERE id = $1`, id))
	if isNoRows(err) {
		return User{}, notFound("user", id)
	}
	if err != nil {
		return User{}, internal(err, "get user %s", id)
	}
	return u, nil
}

// GetUserByName returns the user named name in a domain.
func (s *Store) GetUserByName(ctx context.Context, domainID, name string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM "user" WHERE domain_id = $1 AND name = $2`, domainID, name))
	if isNoRows(err) {
		return User{}, notFound("user", name)
	}
	if err != nil {
		return User{}, internal(err, "get user %s", name)
	}
	return u, nil
}

// ListUsers returns the users f selects, ordered by name.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	var w where
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	if f.DomainID != "" {
		w.add("domain_id = ?", f.DomainID)
	}
	if f.Enabled != nil {
		w.add("enabled = ?", *f.Enabled)
	}
	if f.GroupID != "" {
		w.add("id IN (SELECT user_id FROM user_group_membership WHERE group_id = ?)", f.GroupID)
	}
	if f.IDs != nil {
		w.add("id = ANY(?)", f.IDs)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM "user"`+w.sql()+" ORDER BY name, id", w.args...)
	if err != nil {
		return nil, internal(err, "list users")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, internal(err, "list users")
	}
	return out, nil
}

// UpdateUser applies p to the user with id and returns the old and new
// values.
func (s *Store) UpdateUser(ctx context.Context, id string, p UserPatch) (before, after User, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		before, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM "user" WHERE id = $1 FOR UPDATE`, id))
		if isNoRows(err) {
			return notFound("user", id)
		}
		if err != nil {
			return internal(err, "get user %s", id)
		}
		n := before
		if p.Name != nil {
			n.Name = *p.Name
		}
		if p.Enabled != nil {
			n.Enabled = *p.Enabled
		}
		if p.DefaultProjectID != nil {
			n.DefaultProjectID = *p.DefaultProjectID
		}
		if p.PasswordHash != nil {
			n.PasswordHash = *p.PasswordHash
			now := time.Now().UTC()
			n.PasswordCreatedAt = &now
		}
		n.Options = mergeExtra(n.Options, p.Options)
		n.Extra = mergeExtra(n.Extra, p.Extra)
		after, err = scanUser(tx.QueryRow(ctx, `UPDATE "user" SET name=$2, enabled=$3, default_project_id=$4, password_hash=$5,
			password_created_at=$6, options=$7, extra=$8 WHERE id=$1 RETURNING `+userCols,
			id, n.Name, n.Enabled, nullable(n.DefaultProjectID), nullable(n.PasswordHash), n.PasswordCreatedAt, jsonMap(n.Options), jsonMap(n.Extra)))
		if db.IsUniqueViolation(err) {
			return conflict(err, "user", "name", n.Name, n.DomainID)
		}
		if err != nil {
			return internal(err, "update user %s", id)
		}
		return nil
	})
	return before, after, err
}

// DeleteUser removes a user with its memberships, role assignments and
// application credentials.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM "user" WHERE id = $1`, id)
		if err != nil {
			return internal(err, "delete user %s", id)
		}
		if tag.RowsAffected() == 0 {
			return notFound("user", id)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM assignment WHERE actor_id = $1 AND type IN ('UserProject','UserDomain','UserSystem')", id); err != nil {
			return internal(err, "delete assignments of %s", id)
		}
		return nil
	})
}
