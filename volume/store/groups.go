package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// DefaultCGSnapshotTypeName is the group type cinder's migration creates
// for consistency groups migrated to generic groups.
const DefaultCGSnapshotTypeName = "default_cgsnapshot_type"

// GroupType is one row of group_types. A group spec may be null, as
// cinder's.
type GroupType struct {
	ID          string
	Name        string
	Description *string
	IsPublic    bool
	GroupSpecs  map[string]*string
	CreatedAt   time.Time
	UpdatedAt   *time.Time
}

const groupTypeColumns = `gt.id, gt.name, gt.description, gt.is_public, gt.group_specs, gt.created_at, gt.updated_at`

func scanGroupType(row pgx.Row) (GroupType, error) {
	var t GroupType
	var specs []byte
	err := row.Scan(&t.ID, &t.Name, &t.Description, &t.IsPublic, &specs, &t.CreatedAt, &t.UpdatedAt)
	t.GroupSpecs = parseSpecs(specs)
	return t, err
}

func parseSpecs(b []byte) map[string]*string {
	m := map[string]*string{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

func jsonSpecs(m map[string]*string) []byte {
	if m == nil {
		m = map[string]*string{}
	}
	b, _ := json.Marshal(m)
	return b
}

// GroupTypeNotFound is cinder's GroupTypeNotFound.
func GroupTypeNotFound(id string) error {
	return fault.New(fault.NotFound, "Group type %s could not be found.", id)
}

// GroupTypeNotFoundByName is cinder's GroupTypeNotFoundByName.
func GroupTypeNotFoundByName(name string) error {
	return fault.New(fault.NotFound, "Group type with name %s could not be found.", name)
}

// visibleGroupType is the condition of cinder's _group_type_get_query for
// a project that is not admin: public, or private with access.
const visibleGroupType = `(gt.is_public OR EXISTS(SELECT 1 FROM group_type_projects p WHERE p.group_type_id = gt.id AND p.project_id = $2))`

// GetGroupType returns a live group type by id; project, unless "", must
// see it (public or granted).
func (s *Store) GetGroupType(ctx context.Context, id, project string) (GroupType, error) {
	if !isUUID(id) {
		return GroupType{}, GroupTypeNotFound(id)
	}
	sql := `SELECT ` + groupTypeColumns + ` FROM group_types gt WHERE gt.id = $1 AND gt.deleted_at IS NULL`
	args := []any{id}
	if project != "" {
		sql += ` AND ` + visibleGroupType
		args = append(args, project)
	}
	t, err := scanGroupType(s.pool.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return GroupType{}, GroupTypeNotFound(id)
	}
	if err != nil {
		return GroupType{}, fmt.Errorf("get group type: %w", err)
	}
	return t, nil
}

// GetGroupTypeByName returns a live group type by name (cinder does not
// check a project's access by name).
func (s *Store) GetGroupTypeByName(ctx context.Context, name string) (GroupType, error) {
	t, err := scanGroupType(s.pool.QueryRow(ctx, `SELECT `+groupTypeColumns+` FROM group_types gt
		WHERE gt.name = $1 AND gt.deleted_at IS NULL`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return GroupType{}, GroupTypeNotFoundByName(name)
	}
	if err != nil {
		return GroupType{}, fmt.Errorf("get group type: %w", err)
	}
	return t, nil
}

// CreateGroupType inserts a group type; a live one of the same name is
// cinder's GroupTypeExists (409).
func (s *Store) CreateGroupType(ctx context.Context, t GroupType) (GroupType, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO group_types (id, name, description, is_public, group_specs)
		VALUES ($1,$2,$3,$4,$5)`, t.ID, t.Name, t.Description, t.IsPublic, jsonSpecs(t.GroupSpecs))
	if db.IsUniqueViolation(err) {
		return GroupType{}, fault.New(fault.Conflict, "Group Type %s already exists.", t.Name)
	}
	if err != nil {
		return GroupType{}, fmt.Errorf("create group type: %w", err)
	}
	return s.GetGroupType(ctx, t.ID, "")
}

// GroupTypeUpdate lists what to change; nil fields stay.
type GroupTypeUpdate struct {
	Name        *string
	Description *string
	IsPublic    *bool
	// Specs are merged into the group specs; DeleteSpec removes one.
	Specs      map[string]*string
	DeleteSpec *string
}

// UpdateGroupType applies u. A name another live type has is
// GroupTypeExists (409); a spec to delete that is not there is cinder's
// GroupTypeSpecsNotFound (404).
func (s *Store) UpdateGroupType(ctx context.Context, id string, u GroupTypeUpdate) (GroupType, error) {
	var out GroupType
	err := s.InTx(ctx, func(tx *Store) error {
		t, err := scanGroupType(tx.pool.QueryRow(ctx, `SELECT `+groupTypeColumns+` FROM group_types gt
			WHERE gt.id = $1 AND gt.deleted_at IS NULL FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return GroupTypeNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("update group type: %w", err)
		}
		if u.Name != nil {
			t.Name = *u.Name
		}
		if u.Description != nil {
			t.Description = u.Description
		}
		if u.IsPublic != nil {
			t.IsPublic = *u.IsPublic
		}
		for k, v := range u.Specs {
			t.GroupSpecs[k] = v
		}
		if u.DeleteSpec != nil {
			if _, ok := t.GroupSpecs[*u.DeleteSpec]; !ok {
				return fault.New(fault.NotFound, "Group Type %s has no specs with key %s.", id, *u.DeleteSpec)
			}
			delete(t.GroupSpecs, *u.DeleteSpec)
		}
		_, err = tx.pool.Exec(ctx, `UPDATE group_types SET name=$2, description=$3, is_public=$4, group_specs=$5,
			updated_at=now() WHERE id=$1`, id, t.Name, t.Description, t.IsPublic, jsonSpecs(t.GroupSpecs))
		if db.IsUniqueViolation(err) {
			return fault.New(fault.Conflict, "Group Type %s already exists.", t.Name)
		}
		if err != nil {
			return fmt.Errorf("update group type: %w", err)
		}
		out, err = tx.GetGroupType(ctx, id, "")
		return err
	})
	return out, err
}

// DeleteGroupType soft-deletes a group type; one that groups use is
// cinder's GroupTypeInUse (400 with the API's words).
func (s *Store) DeleteGroupType(ctx context.Context, id string) error {
	var used bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS(SELECT 1 FROM groups WHERE group_type_id = $1)`, id).Scan(&used); err != nil {
		return fmt.Errorf("delete group type: %w", err)
	}
	if used {
		return fault.New(fault.Invalid, "Target group type is still in use. Group Type %s deletion is not allowed with groups present with the type.", id)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE group_types SET deleted_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete group type: %w", err)
	}
	return nil
}

// GroupTypeFilter selects group types: IsPublic nil is every type, true
// the public ones and the private ones Project was granted, false the
// private ones (cinder's _process_group_types_filters).
type GroupTypeFilter struct {
	IsPublic *bool
	Project  string
}

// GroupTypeSortKeys maps sort keys to columns.
var GroupTypeSortKeys = map[string]string{
	"created_at": "gt.created_at", "updated_at": "gt.updated_at", "id": "gt.id", "name": "gt.name",
	"description": "gt.description", "is_public": "gt.is_public",
}

// ListGroupTypes returns a page of live group types.
func (s *Store) ListGroupTypes(ctx context.Context, f GroupTypeFilter, sorts []Sort, marker string, limit, offset int) ([]GroupType, error) {
	conds := []string{"gt.deleted_at IS NULL"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.IsPublic != nil {
		if *f.IsPublic {
			conds = append(conds, "(gt.is_public OR EXISTS(SELECT 1 FROM group_type_projects p WHERE p.group_type_id = gt.id AND p.project_id = "+arg(f.Project)+"))")
		} else {
			conds = append(conds, "NOT gt.is_public")
		}
	}
	order, cond, err := keyset(ctx, s, sorts, marker, GroupTypeSortKeys, "gt", `SELECT 1 FROM group_types gt WHERE gt.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + groupTypeColumns + ` FROM group_types gt WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY ` + order
	sql += pageSQL(limit, offset)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list group types: %w", err)
	}
	defer rows.Close()
	out := []GroupType{}
	for rows.Next() {
		t, err := scanGroupType(rows)
		if err != nil {
			return nil, fmt.Errorf("list group types: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func pageSQL(limit, offset int) string {
	out := ""
	if limit > 0 {
		out += fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		out += fmt.Sprintf(" OFFSET %d", offset)
	}
	return out
}

// Group is one row of groups with its volume types (in the order given
// at create).
type Group struct {
	ID                string
	ProjectID         string
	UserID            string
	Host              string // host@backend#pool; "" when never placed
	AvailabilityZone  string
	Status            string
	Name              *string
	Description       *string
	GroupTypeID       string
	GroupSnapshotID   *string
	SourceGroupID     *string
	ReplicationStatus string
	// Settling: the status follows the group's volumes until the
	// operation under way ends (see migrations/cinder/00007_groups.sql).
	Settling      bool
	VolumeTypeIDs []string
	CreatedAt     time.Time
	UpdatedAt     *time.Time
}

const groupColumns = `g.id, g.project_id, g.user_id, coalesce(g.host, ''), g.availability_zone, g.status, g.name,
	g.description, g.group_type_id, g.group_snapshot_id, g.source_group_id, g.replication_status, g.settling,
	array(SELECT m.volume_type_id::text FROM group_volume_type_mapping m WHERE m.group_id = g.id ORDER BY m.position, m.volume_type_id),
	g.created_at, g.updated_at`

func scanGroup(row pgx.Row) (Group, error) {
	var g Group
	err := row.Scan(&g.ID, &g.ProjectID, &g.UserID, &g.Host, &g.AvailabilityZone, &g.Status, &g.Name,
		&g.Description, &g.GroupTypeID, &g.GroupSnapshotID, &g.SourceGroupID, &g.ReplicationStatus, &g.Settling,
		&g.VolumeTypeIDs, &g.CreatedAt, &g.UpdatedAt)
	if g.VolumeTypeIDs == nil {
		g.VolumeTypeIDs = []string{}
	}
	return g, err
}

// GroupNotFound is cinder's GroupNotFound.
func GroupNotFound(id string) error {
	return fault.New(fault.NotFound, "Group %s could not be found.", id)
}

// CreateGroup inserts a group and its volume types (run it in a
// transaction).
func (s *Store) CreateGroup(ctx context.Context, g Group) (Group, error) {
	var out Group
	err := func(tx *Store) error {
		_, err := tx.pool.Exec(ctx, `INSERT INTO groups (id, project_id, user_id, host, availability_zone, status, name,
			description, group_type_id, group_snapshot_id, source_group_id, settling)
			VALUES ($1,$2,$3,nullif($4,''),$5,$6,$7,$8,$9,$10,$11,$12)`,
			g.ID, g.ProjectID, g.UserID, g.Host, g.AvailabilityZone, g.Status, g.Name, g.Description, g.GroupTypeID,
			g.GroupSnapshotID, g.SourceGroupID, g.Settling)
		if err != nil {
			return fmt.Errorf("create group: %w", err)
		}
		for i, t := range g.VolumeTypeIDs {
			if _, err := tx.pool.Exec(ctx, `INSERT INTO group_volume_type_mapping (group_id, volume_type_id, position)
				VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, g.ID, t, i); err != nil {
				return fmt.Errorf("create group: %w", err)
			}
		}
		out, err = tx.GetGroup(ctx, g.ID)
		return err
	}(s)
	return out, err
}

// GetGroup returns a group; a missing one is GroupNotFound.
func (s *Store) GetGroup(ctx context.Context, id string) (Group, error) {
	if !isUUID(id) {
		return Group{}, GroupNotFound(id)
	}
	g, err := scanGroup(s.pool.QueryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Group{}, GroupNotFound(id)
	}
	if err != nil {
		return Group{}, fmt.Errorf("get group %s: %w", id, err)
	}
	return g, nil
}

// GroupUpdate lists the columns to change; nil fields stay.
type GroupUpdate struct {
	Status      *string
	Name        **string
	Description **string
	Settling    *bool
}

// UpdateGroup applies u, only while the status is one of fromStatus when
// that is given (otherwise fault.Invalid with the current status), and
// only while the group settles when onlySettling.
func (s *Store) UpdateGroup(ctx context.Context, id string, fromStatus []string, onlySettling bool, u GroupUpdate) (Group, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, val any) {
		args = append(args, val)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.Status != nil {
		add("status", *u.Status)
	}
	if u.Name != nil {
		add("name", *u.Name)
	}
	if u.Description != nil {
		add("description", *u.Description)
	}
	if u.Settling != nil {
		add("settling", *u.Settling)
	}
	where := "id = $1"
	if len(fromStatus) > 0 {
		args = append(args, fromStatus)
		where += fmt.Sprintf(" AND status = ANY($%d)", len(args))
	}
	if onlySettling {
		where += " AND settling"
	}
	tag, err := s.pool.Exec(ctx, `UPDATE groups SET `+strings.Join(sets, ", ")+` WHERE `+where, args...)
	if err != nil {
		return Group{}, fmt.Errorf("update group %s: %w", id, err)
	}
	cur, err := s.GetGroup(ctx, id)
	if err != nil {
		return Group{}, err
	}
	if tag.RowsAffected() == 0 {
		return cur, fault.New(fault.Invalid, "Invalid Group: Group status must be %s, but current status is: %s.",
			strings.Join(fromStatus, " or "), cur.Status)
	}
	return cur, nil
}

// DeleteGroup removes a group row (its volume type mapping goes with it).
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM groups WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete group %s: %w", id, err)
	}
	return nil
}

// deleteGroupIfEmpty removes a settling group being deleted once no
// volume and no group snapshot names it (SettleGroup).
func (s *Store) deleteGroupIfEmpty(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM groups g WHERE g.id = $1 AND g.settling AND g.status = 'deleting'
		AND NOT EXISTS(SELECT 1 FROM volumes v WHERE v.group_id = g.id)
		AND NOT EXISTS(SELECT 1 FROM group_snapshots gs WHERE gs.group_id = g.id)`, id); err != nil {
		return fmt.Errorf("delete group %s: %w", id, err)
	}
	return nil
}

// GroupFilter selects groups.
type GroupFilter struct {
	ProjectID   string // "" means every project
	Name        string
	Status      string
	GroupTypeID string
	Settling    bool // only the settling ones
	// Made from this source (create-from-src), in any status.
	SourceGroupID, GroupSnapshotID string
}

// GroupSortKeys maps sort keys to columns.
var GroupSortKeys = map[string]string{
	"created_at": "g.created_at", "updated_at": "g.updated_at", "id": "g.id", "name": "g.name",
	"description": "g.description", "status": "g.status", "availability_zone": "g.availability_zone",
	"group_type_id": "g.group_type_id", "project_id": "g.project_id", "user_id": "g.user_id",
}

// ListGroups returns a page of groups.
func (s *Store) ListGroups(ctx context.Context, f GroupFilter, sorts []Sort, marker string, limit, offset int) ([]Group, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ProjectID != "" {
		conds = append(conds, "g.project_id = "+arg(f.ProjectID))
	}
	if f.Name != "" {
		conds = append(conds, "g.name = "+arg(f.Name))
	}
	if f.Status != "" {
		conds = append(conds, "g.status = "+arg(f.Status))
	}
	if f.GroupTypeID != "" {
		if !isUUID(f.GroupTypeID) {
			return []Group{}, nil
		}
		conds = append(conds, "g.group_type_id = "+arg(f.GroupTypeID))
	}
	if f.Settling {
		conds = append(conds, "g.settling")
	}
	if f.SourceGroupID != "" {
		conds = append(conds, "g.source_group_id = "+arg(f.SourceGroupID))
	}
	if f.GroupSnapshotID != "" {
		conds = append(conds, "g.group_snapshot_id = "+arg(f.GroupSnapshotID))
	}
	order, cond, err := keyset(ctx, s, sorts, marker, GroupSortKeys, "g", `SELECT 1 FROM groups g WHERE g.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + groupColumns + ` FROM groups g`
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	sql += " ORDER BY " + order + pageSQL(limit, offset)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	defer rows.Close()
	out := []Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("list groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// CountGroups counts a project's groups (the groups quota's usage).
func (s *Store) CountGroups(ctx context.Context, project string) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM groups WHERE project_id = $1`, project).Scan(&n); err != nil {
		return 0, fmt.Errorf("count groups: %w", err)
	}
	return n, nil
}

// SetVolumesGroup puts volumes in a group, or takes them out of theirs
// with groupID nil.
func (s *Store) SetVolumesGroup(ctx context.Context, ids []string, groupID *string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `UPDATE volumes SET group_id = $2, updated_at = now() WHERE id::text = ANY($1)`, ids, groupID); err != nil {
		return fmt.Errorf("set volumes' group: %w", err)
	}
	return nil
}

// GroupSnapshot is one row of group_snapshots.
type GroupSnapshot struct {
	ID          string
	GroupID     string
	ProjectID   string
	UserID      string
	GroupTypeID string
	Status      string
	Name        *string
	Description *string
	Settling    bool
	CreatedAt   time.Time
	UpdatedAt   *time.Time
}

const groupSnapshotColumns = `gs.id, gs.group_id, gs.project_id, gs.user_id, gs.group_type_id, gs.status, gs.name,
	gs.description, gs.settling, gs.created_at, gs.updated_at`

func scanGroupSnapshot(row pgx.Row) (GroupSnapshot, error) {
	var g GroupSnapshot
	err := row.Scan(&g.ID, &g.GroupID, &g.ProjectID, &g.UserID, &g.GroupTypeID, &g.Status, &g.Name,
		&g.Description, &g.Settling, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

// GroupSnapshotNotFound is cinder's GroupSnapshotNotFound.
func GroupSnapshotNotFound(id string) error {
	return fault.New(fault.NotFound, "GroupSnapshot %s could not be found.", id)
}

// CreateGroupSnapshot inserts a group snapshot and a snapshot of each of
// snaps (already filled but for the group snapshot id); run it in a
// transaction.
func (s *Store) CreateGroupSnapshot(ctx context.Context, g GroupSnapshot, snaps []Snapshot) (GroupSnapshot, error) {
	var out GroupSnapshot
	err := func(tx *Store) error {
		_, err := tx.pool.Exec(ctx, `INSERT INTO group_snapshots (id, group_id, project_id, user_id, group_type_id,
			status, name, description, settling) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			g.ID, g.GroupID, g.ProjectID, g.UserID, g.GroupTypeID, g.Status, g.Name, g.Description, g.Settling)
		if err != nil {
			return fmt.Errorf("create group snapshot: %w", err)
		}
		for _, sn := range snaps {
			sn.GroupSnapshotID = &g.ID
			if _, err := tx.CreateSnapshot(ctx, sn); err != nil {
				return err
			}
		}
		out, err = tx.GetGroupSnapshot(ctx, g.ID)
		return err
	}(s)
	return out, err
}

// GetGroupSnapshot returns a group snapshot; a missing one is
// GroupSnapshotNotFound.
func (s *Store) GetGroupSnapshot(ctx context.Context, id string) (GroupSnapshot, error) {
	if !isUUID(id) {
		return GroupSnapshot{}, GroupSnapshotNotFound(id)
	}
	g, err := scanGroupSnapshot(s.pool.QueryRow(ctx, `SELECT `+groupSnapshotColumns+` FROM group_snapshots gs WHERE gs.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return GroupSnapshot{}, GroupSnapshotNotFound(id)
	}
	if err != nil {
		return GroupSnapshot{}, fmt.Errorf("get group snapshot %s: %w", id, err)
	}
	return g, nil
}

// UpdateGroupSnapshot sets the status (and whether it settles), only
// while the status is one of fromStatus when given, and only while it
// settles when onlySettling; a refused update is fault.Invalid.
func (s *Store) UpdateGroupSnapshot(ctx context.Context, id string, fromStatus []string, onlySettling bool, status string, settling bool) (GroupSnapshot, error) {
	args := []any{id, status, settling}
	where := "id = $1"
	if len(fromStatus) > 0 {
		args = append(args, fromStatus)
		where += " AND status = ANY($4)"
	}
	if onlySettling {
		where += " AND settling"
	}
	tag, err := s.pool.Exec(ctx, `UPDATE group_snapshots SET status = $2, settling = $3, updated_at = now() WHERE `+where, args...)
	if err != nil {
		return GroupSnapshot{}, fmt.Errorf("update group snapshot %s: %w", id, err)
	}
	cur, err := s.GetGroupSnapshot(ctx, id)
	if err != nil {
		return GroupSnapshot{}, err
	}
	if tag.RowsAffected() == 0 {
		return cur, fault.New(fault.Invalid, "Invalid GroupSnapshot: GroupSnapshot status must be %s, but current status is: %s.",
			strings.Join(fromStatus, " or "), cur.Status)
	}
	return cur, nil
}

// deleteGroupSnapshotIfEmpty removes a settling group snapshot being
// deleted once no snapshot names it (SettleGroupSnapshot).
func (s *Store) deleteGroupSnapshotIfEmpty(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM group_snapshots gs WHERE gs.id = $1 AND gs.settling AND gs.status = 'deleting'
		AND NOT EXISTS(SELECT 1 FROM snapshots s WHERE s.group_snapshot_id = gs.id)`, id); err != nil {
		return fmt.Errorf("delete group snapshot %s: %w", id, err)
	}
	return nil
}

// GroupSnapshotFilter selects group snapshots.
type GroupSnapshotFilter struct {
	ProjectID string // "" means every project
	GroupID   string
	Name      string
	Status    string
	Settling  bool // only the settling ones
}

// GroupSnapshotSortKeys maps sort keys to columns.
var GroupSnapshotSortKeys = map[string]string{
	"created_at": "gs.created_at", "updated_at": "gs.updated_at", "id": "gs.id", "name": "gs.name",
	"description": "gs.description", "status": "gs.status", "group_id": "gs.group_id",
	"group_type_id": "gs.group_type_id", "project_id": "gs.project_id", "user_id": "gs.user_id",
}

// ListGroupSnapshots returns a page of group snapshots.
func (s *Store) ListGroupSnapshots(ctx context.Context, f GroupSnapshotFilter, sorts []Sort, marker string, limit, offset int) ([]GroupSnapshot, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ProjectID != "" {
		conds = append(conds, "gs.project_id = "+arg(f.ProjectID))
	}
	if f.GroupID != "" {
		if !isUUID(f.GroupID) {
			return []GroupSnapshot{}, nil
		}
		conds = append(conds, "gs.group_id = "+arg(f.GroupID))
	}
	if f.Name != "" {
		conds = append(conds, "gs.name = "+arg(f.Name))
	}
	if f.Status != "" {
		conds = append(conds, "gs.status = "+arg(f.Status))
	}
	if f.Settling {
		conds = append(conds, "gs.settling")
	}
	order, cond, err := keyset(ctx, s, sorts, marker, GroupSnapshotSortKeys, "gs", `SELECT 1 FROM group_snapshots gs WHERE gs.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + groupSnapshotColumns + ` FROM group_snapshots gs`
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	sql += " ORDER BY " + order + pageSQL(limit, offset)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list group snapshots: %w", err)
	}
	defer rows.Close()
	out := []GroupSnapshot{}
	for rows.Next() {
		g, err := scanGroupSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("list group snapshots: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
