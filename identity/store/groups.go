package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Group is a keystone group of users.
type Group struct {
	ID          string
	DomainID    string
	Name        string
	Description string
	Extra       map[string]any
}

// GroupFilter selects groups; zero fields do not filter.
type GroupFilter struct {
	Name     string
	DomainID string
	UserID   string // groups this user is a member of
}

// GroupPatch changes a group; nil fields are left alone.
type GroupPatch struct {
	Name        *string
	Description *string
	Extra       map[string]any
}

const groupCols = "id, domain_id, name, description, extra"

func scanGroup(row pgx.Row) (Group, error) {
	var g Group
	err := row.Scan(&g.ID, &g.DomainID, &g.Name, &g.Description, &g.Extra)
	return g, err
}

// CreateGroup stores g; an empty ID gets a new one.
func (s *Store) CreateGroup(ctx context.Context, g Group) (Group, error) {
	if g.ID == "" {
		g.ID = NewID()
	}
	var ok bool
	if err := s.pool.QueryRow(ctx, "SELECT true FROM domain WHERE id = $1", g.DomainID).Scan(&ok); isNoRows(err) {
		return Group{}, notFound("domain", g.DomainID)
	} else if err != nil {
		return Group{}, internal(err, "get domain %s", g.DomainID)
	}
	out, err := scanGroup(s.pool.QueryRow(ctx, `INSERT INTO "group" (`+groupCols+`) VALUES ($1,$2,$3,$4,$5) RETURNING `+groupCols,
		g.ID, g.DomainID, g.Name, g.Description, jsonMap(g.Extra)))
	if db.IsUniqueViolation(err) {
		return Group{}, conflict(err, "group", "name", g.Name, g.DomainID)
	}
	if err != nil {
		return Group{}, internal(err, "create group %s", g.Name)
	}
	return out, nil
}

// GetGroup returns the group with id.
func (s *Store) GetGroup(ctx context.Context, id string) (Group, error) {
	g, err := scanGroup(s.pool.QueryRow(ctx, `SELECT `+groupCols+` FROM "group" WHERE id = $1`, id))
	if isNoRows(err) {
		return Group{}, notFound("group", id)
	}
	if err != nil {
		return Group{}, internal(err, "get group %s", id)
	}
	return g, nil
}

// ListGroups returns the groups f selects, ordered by name.
func (s *Store) ListGroups(ctx context.Context, f GroupFilter) ([]Group, error) {
	var w where
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	if f.DomainID != "" {
		w.add("domain_id = ?", f.DomainID)
	}
	if f.UserID != "" {
		w.add("id IN (SELECT group_id FROM user_group_membership WHERE user_id = ?)", f.UserID)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+groupCols+` FROM "group"`+w.sql()+" ORDER BY name, id", w.args...)
	if err != nil {
		return nil, internal(err, "list groups")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) { return scanGroup(r) })
	if err != nil {
		return nil, internal(err, "list groups")
	}
	return out, nil
}

// UpdateGroup applies p to the group with id.
func (s *Store) UpdateGroup(ctx context.Context, id string, p GroupPatch) (Group, error) {
	var out Group
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		g, err := scanGroup(tx.QueryRow(ctx, `SELECT `+groupCols+` FROM "group" WHERE id = $1 FOR UPDATE`, id))
		if isNoRows(err) {
			return notFound("group", id)
		}
		if err != nil {
			return internal(err, "get group %s", id)
		}
		if p.Name != nil {
			g.Name = *p.Name
		}
		if p.Description != nil {
			g.Description = *p.Description
		}
		g.Extra = mergeExtra(g.Extra, p.Extra)
		out, err = scanGroup(tx.QueryRow(ctx, `UPDATE "group" SET name=$2, description=$3, extra=$4 WHERE id=$1 RETURNING `+groupCols,
			id, g.Name, g.Description, jsonMap(g.Extra)))
		if db.IsUniqueViolation(err) {
			return conflict(err, "group", "name", g.Name, g.DomainID)
		}
		if err != nil {
			return internal(err, "update group %s", id)
		}
		return nil
	})
	return out, err
}

// DeleteGroup removes a group and its assignments; it returns the ids of
// its members (whose tokens the caller revokes when the group had roles)
// and whether it had any role assignment.
func (s *Store) DeleteGroup(ctx context.Context, id string) (members []string, hadRoles bool, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT user_id FROM user_group_membership WHERE group_id = $1", id)
		if err != nil {
			return internal(err, "members of %s", id)
		}
		members, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return internal(err, "members of %s", id)
		}
		tag, err := tx.Exec(ctx, "DELETE FROM assignment WHERE actor_id = $1 AND type IN ('GroupProject','GroupDomain','GroupSystem')", id)
		if err != nil {
			return internal(err, "delete assignments of %s", id)
		}
		hadRoles = tag.RowsAffected() > 0
		tag, err = tx.Exec(ctx, `DELETE FROM "group" WHERE id = $1`, id)
		if err != nil {
			return internal(err, "delete group %s", id)
		}
		if tag.RowsAffected() == 0 {
			return notFound("group", id)
		}
		return nil
	})
	return members, hadRoles, err
}

// AddUserToGroup makes the user a member; adding twice is not an error.
func (s *Store) AddUserToGroup(ctx context.Context, groupID, userID string) error {
	if _, err := s.GetGroup(ctx, groupID); err != nil {
		return err
	}
	if _, err := s.GetUser(ctx, userID); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "INSERT INTO user_group_membership (user_id, group_id) VALUES ($1,$2) ON CONFLICT DO NOTHING", userID, groupID); err != nil {
		return internal(err, "add %s to %s", userID, groupID)
	}
	return nil
}

// IsUserInGroup reports whether the user is a member; a missing user or
// group is a NotFound.
func (s *Store) IsUserInGroup(ctx context.Context, groupID, userID string) (bool, error) {
	if _, err := s.GetGroup(ctx, groupID); err != nil {
		return false, err
	}
	if _, err := s.GetUser(ctx, userID); err != nil {
		return false, err
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM user_group_membership WHERE user_id = $1 AND group_id = $2", userID, groupID).Scan(&n); err != nil {
		return false, internal(err, "membership of %s in %s", userID, groupID)
	}
	return n > 0, nil
}

// RemoveUserFromGroup ends a membership; keystone answers a missing one
// with "User <u> is not a member of group <g>." (NotFound).
func (s *Store) RemoveUserFromGroup(ctx context.Context, groupID, userID string) error {
	in, err := s.IsUserInGroup(ctx, groupID, userID)
	if err != nil {
		return err
	}
	if !in {
		return notFoundMembership(userID, groupID)
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM user_group_membership WHERE user_id = $1 AND group_id = $2", userID, groupID); err != nil {
		return internal(err, "remove %s from %s", userID, groupID)
	}
	return nil
}

// GroupIDsOf returns the ids of the groups the user belongs to.
func (s *Store) GroupIDsOf(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT group_id FROM user_group_membership WHERE user_id = $1", userID)
	if err != nil {
		return nil, internal(err, "groups of %s", userID)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, internal(err, "groups of %s", userID)
	}
	return out, nil
}

// ErrNotMember is keystone's NotFound for a missing membership.
func ErrNotMember(userID, groupID string) error { return notFoundMembership(userID, groupID) }
