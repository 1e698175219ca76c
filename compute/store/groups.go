package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// ServerGroupNotFound is nova's InstanceGroupNotFound.
func ServerGroupNotFound(id string) error {
	return fault.New(fault.NotFound, "Instance group %s could not be found.", id)
}

// ErrGroupQuota and ErrMemberQuota are the quota refusals of server group
// creation and membership; the API turns them into nova's 403 messages.
var (
	ErrGroupQuota  = fault.New(fault.OverLimit, "Quota exceeded, too many server groups.")
	ErrMemberQuota = fault.New(fault.OverLimit, "Quota exceeded, too many servers in group")
)

const groupColumns = `g.id, g.uuid::text, g.name, g.project_id, g.user_id, g.policy, g.rules, g.created_at, g.updated_at,
	coalesce((SELECT array_agg(m.instance_uuid::text ORDER BY m.created_at, m.instance_uuid)
		FROM instance_group_member m JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted_at IS NULL
		WHERE m.group_id = g.id), '{}')`

func scanGroup(row pgx.Row) (int64, objects.ServerGroup, error) {
	var (
		id    int64
		g     objects.ServerGroup
		rules []byte
	)
	if err := row.Scan(&id, &g.UUID, &g.Name, &g.ProjectID, &g.UserID, &g.Policy, &rules, &g.CreatedAt, &g.UpdatedAt, &g.Members); err != nil {
		return 0, g, err
	}
	g.Rules = map[string]int{}
	if len(rules) > 0 {
		if err := json.Unmarshal(rules, &g.Rules); err != nil {
			return 0, g, fmt.Errorf("server group %s: rules: %w", g.UUID, err)
		}
	}
	return id, g, nil
}

// CreateServerGroup stores a group for its project unless the project
// already has limit groups (limit < 0: unlimited); the count and the
// insert are serialized per project so concurrent creates cannot pass the
// quota together.
func (s *Store) CreateServerGroup(ctx context.Context, g objects.ServerGroup, limit int) (objects.ServerGroup, error) {
	rules := g.Rules
	if rules == nil {
		rules = map[string]int{}
	}
	rj, err := json.Marshal(rules)
	if err != nil {
		return g, err
	}
	var out objects.ServerGroup
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nova-server-groups:' || $1))`, g.ProjectID); err != nil {
			return err
		}
		if limit >= 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM instance_groups WHERE project_id = $1`, g.ProjectID).Scan(&n); err != nil {
				return err
			}
			if n+1 > limit {
				return ErrGroupQuota
			}
		}
		_, out, err = scanGroup(tx.QueryRow(ctx, `WITH g AS (INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, rules)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
			SELECT `+groupColumns+` FROM g`, g.UUID, g.Name, g.ProjectID, g.UserID, g.Policy, rj))
		return err
	})
	if err != nil {
		if fault.KindOf(err) == fault.OverLimit {
			return objects.ServerGroup{}, err
		}
		return objects.ServerGroup{}, fmt.Errorf("create server group: %w", err)
	}
	return out, nil
}

// GetServerGroup returns a group by uuid.
func (s *Store) GetServerGroup(ctx context.Context, id string) (objects.ServerGroup, error) {
	if !isUUID(id) {
		return objects.ServerGroup{}, ServerGroupNotFound(id)
	}
	_, g, err := scanGroup(s.q.QueryRow(ctx, `SELECT `+groupColumns+` FROM instance_groups g WHERE g.uuid = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return g, ServerGroupNotFound(id)
	}
	return g, err
}

// ListServerGroups returns the groups of project ("" for every project),
// oldest first, from offset, at most limit (limit <= 0: all).
func (s *Store) ListServerGroups(ctx context.Context, project string, limit, offset int) ([]objects.ServerGroup, error) {
	q := `SELECT ` + groupColumns + ` FROM instance_groups g WHERE ($1 = '' OR g.project_id = $1) ORDER BY g.id OFFSET $2`
	args := []any{project, offset}
	if limit > 0 {
		q += ` LIMIT $3`
		args = append(args, limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list server groups: %w", err)
	}
	defer rows.Close()
	out := []objects.ServerGroup{}
	for rows.Next() {
		_, g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// DeleteServerGroup deletes a group and its memberships; its servers stay.
func (s *Store) DeleteServerGroup(ctx context.Context, id string) error {
	if !isUUID(id) {
		return ServerGroupNotFound(id)
	}
	tag, err := s.q.Exec(ctx, `DELETE FROM instance_groups WHERE uuid = $1`, id)
	if err != nil {
		return fmt.Errorf("delete server group: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ServerGroupNotFound(id)
	}
	return nil
}

// CountServerGroups is the project's server_groups usage.
func (s *Store) CountServerGroups(ctx context.Context, project string) (int, error) {
	var n int
	err := s.q.QueryRow(ctx, `SELECT count(*) FROM instance_groups WHERE project_id = $1`, project).Scan(&n)
	return n, err
}

// AddServerGroupMembers makes instances members of the group, unless the
// group would then have more than limit live members (limit < 0:
// unlimited). The group row is locked while counting, so concurrent boots
// into one group cannot pass the quota together.
func (s *Store) AddServerGroupMembers(ctx context.Context, groupUUID string, instances []string, limit int) error {
	if !isUUID(groupUUID) {
		return ServerGroupNotFound(groupUUID)
	}
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM instance_groups WHERE uuid = $1 FOR UPDATE`, groupUUID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ServerGroupNotFound(groupUUID)
		}
		if err != nil {
			return err
		}
		if limit >= 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM instance_group_member m
				JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted_at IS NULL
				WHERE m.group_id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n+len(instances) > limit {
				return ErrMemberQuota
			}
		}
		for _, u := range instances {
			if _, err := tx.Exec(ctx, `INSERT INTO instance_group_member (group_id, instance_uuid) VALUES ($1, $2)`, id, u); err != nil {
				if db.IsUniqueViolation(err) {
					return fault.New(fault.Conflict, "Instance %s is already a member of a server group.", u)
				}
				return err
			}
		}
		return nil
	})
	if err != nil && fault.KindOf(err) == fault.Internal {
		return fmt.Errorf("add server group members: %w", err)
	}
	return err
}

// ServerGroupsOf returns, per instance uuid, the uuid of the group it is a
// member of (instances in no group are absent).
func (s *Store) ServerGroupsOf(ctx context.Context, instances []string) (map[string]string, error) {
	out := map[string]string{}
	if len(instances) == 0 {
		return out, nil
	}
	rows, err := s.q.Query(ctx, `SELECT m.instance_uuid::text, g.uuid::text FROM instance_group_member m
		JOIN instance_groups g ON g.id = m.group_id WHERE m.instance_uuid = ANY($1::uuid[])`, instances)
	if err != nil {
		return nil, fmt.Errorf("server groups of instances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i, g string
		if err := rows.Scan(&i, &g); err != nil {
			return nil, err
		}
		out[i] = g
	}
	return out, rows.Err()
}

// CountServerGroupMembers is the number of live servers in the project's
// groups (the server_group_members usage shown by quota detail).
func (s *Store) CountServerGroupMembers(ctx context.Context, project string) (int, error) {
	var n int
	err := s.q.QueryRow(ctx, `SELECT count(*) FROM instance_group_member m
		JOIN instance_groups g ON g.id = m.group_id AND g.project_id = $1
		JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted_at IS NULL`, project).Scan(&n)
	return n, err
}
