package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Snapshot is one row of snapshots.
type Snapshot struct {
	ID          string
	VolumeID    string
	ProjectID   string
	UserID      string
	Status      string
	Progress    *string
	VolumeSize  int
	Name        *string
	Description *string
	Metadata    map[string]string
	CreatedAt   time.Time
	UpdatedAt   *time.Time
	// GroupSnapshotID is the group snapshot it was taken for (3.14).
	GroupSnapshotID *string
}

const snapshotColumns = `s.id, s.volume_id, s.project_id, s.user_id, s.status, s.progress, s.volume_size,
	s.display_name, s.display_description, s.metadata, s.created_at, s.updated_at, s.group_snapshot_id`

func scanSnapshot(row pgx.Row) (Snapshot, error) {
	var s Snapshot
	var md []byte
	err := row.Scan(&s.ID, &s.VolumeID, &s.ProjectID, &s.UserID, &s.Status, &s.Progress, &s.VolumeSize,
		&s.Name, &s.Description, &md, &s.CreatedAt, &s.UpdatedAt, &s.GroupSnapshotID)
	s.Metadata = parseMap(md)
	return s, err
}

// SnapshotNotFound is cinder's SnapshotNotFound.
func SnapshotNotFound(id string) error {
	return fault.New(fault.NotFound, "Snapshot %s could not be found.", id)
}

// CreateSnapshot inserts a snapshot.
func (s *Store) CreateSnapshot(ctx context.Context, sn Snapshot) (Snapshot, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO snapshots (id, volume_id, project_id, user_id, status, progress,
		volume_size, display_name, display_description, metadata, group_snapshot_id) VALUES ($1,$2,$3,$4,$5,'0%',$6,$7,$8,$9,$10)`,
		sn.ID, sn.VolumeID, sn.ProjectID, sn.UserID, sn.Status, sn.VolumeSize, sn.Name, sn.Description, jsonMap(sn.Metadata),
		sn.GroupSnapshotID)
	if err != nil {
		return Snapshot{}, fmt.Errorf("create snapshot: %w", err)
	}
	return s.GetSnapshot(ctx, sn.ID)
}

// GetSnapshot returns a snapshot; a missing one is SnapshotNotFound.
func (s *Store) GetSnapshot(ctx context.Context, id string) (Snapshot, error) {
	if !isUUID(id) {
		return Snapshot{}, SnapshotNotFound(id)
	}
	sn, err := scanSnapshot(s.pool.QueryRow(ctx, `SELECT `+snapshotColumns+` FROM snapshots s WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Snapshot{}, SnapshotNotFound(id)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("get snapshot %s: %w", id, err)
	}
	return sn, nil
}

// SnapshotUpdate lists the columns to change; nil fields stay.
type SnapshotUpdate struct {
	Status      *string
	Progress    *string
	Name        **string
	Description **string
	Metadata    map[string]string
}

// UpdateSnapshot applies u, only while the status is one of fromStatus
// when that is given.
func (s *Store) UpdateSnapshot(ctx context.Context, id string, fromStatus []string, u SnapshotUpdate) (Snapshot, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, val any) {
		args = append(args, val)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.Status != nil {
		add("status", *u.Status)
	}
	if u.Progress != nil {
		add("progress", *u.Progress)
	}
	if u.Name != nil {
		add("display_name", *u.Name)
	}
	if u.Description != nil {
		add("display_description", *u.Description)
	}
	if u.Metadata != nil {
		add("metadata", jsonMap(u.Metadata))
	}
	where := "id = $1"
	if len(fromStatus) > 0 {
		args = append(args, fromStatus)
		where += fmt.Sprintf(" AND status = ANY($%d)", len(args))
	}
	tag, err := s.pool.Exec(ctx, `UPDATE snapshots SET `+strings.Join(sets, ", ")+` WHERE `+where, args...)
	if err != nil {
		return Snapshot{}, fmt.Errorf("update snapshot %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		cur, err := s.GetSnapshot(ctx, id)
		if err != nil {
			return Snapshot{}, err
		}
		return cur, fault.New(fault.Invalid, "Invalid snapshot: Snapshot status must be %s, but current status is: %s.",
			strings.Join(fromStatus, " or "), cur.Status)
	}
	return s.GetSnapshot(ctx, id)
}

// DeleteSnapshot removes a snapshot row.
func (s *Store) DeleteSnapshot(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM snapshots WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete snapshot %s: %w", id, err)
	}
	return nil
}

// SnapshotFilter selects snapshots.
type SnapshotFilter struct {
	ProjectID string
	VolumeID  string
	Name      string
	NameLike  string
	Status    string
	Metadata  map[string]string
	// GroupSnapshotID selects the snapshots of one group snapshot.
	GroupSnapshotID string
}

// SnapshotSortKeys maps sort keys to columns.
var SnapshotSortKeys = map[string]string{
	"created_at": "s.created_at", "updated_at": "s.updated_at", "id": "s.id", "name": "s.display_name",
	"display_name": "s.display_name", "status": "s.status", "volume_id": "s.volume_id", "size": "s.volume_size",
	"project_id": "s.project_id",
}

// ListSnapshots returns a page of snapshots.
func (s *Store) ListSnapshots(ctx context.Context, f SnapshotFilter, sorts []Sort, marker string, limit int) ([]Snapshot, error) {
	return s.ListSnapshotsAt(ctx, f, sorts, marker, limit, 0)
}

// ListSnapshotsAt is ListSnapshots skipping offset rows.
func (s *Store) ListSnapshotsAt(ctx context.Context, f SnapshotFilter, sorts []Sort, marker string, limit, offset int) ([]Snapshot, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ProjectID != "" {
		conds = append(conds, "s.project_id = "+arg(f.ProjectID))
	}
	if f.VolumeID != "" {
		if !isUUID(f.VolumeID) {
			return []Snapshot{}, nil
		}
		conds = append(conds, "s.volume_id = "+arg(f.VolumeID))
	}
	if f.Name != "" {
		conds = append(conds, "s.display_name = "+arg(f.Name))
	}
	if f.NameLike != "" {
		conds = append(conds, "s.display_name ILIKE "+arg("%"+likeEscape(f.NameLike)+"%"))
	}
	if f.Status != "" {
		conds = append(conds, "s.status = "+arg(f.Status))
	}
	if len(f.Metadata) > 0 {
		conds = append(conds, "s.metadata @> "+arg(jsonMap(f.Metadata)))
	}
	if f.GroupSnapshotID != "" {
		conds = append(conds, "s.group_snapshot_id = "+arg(f.GroupSnapshotID))
	}
	order, cond, err := keyset(ctx, s, sorts, marker, SnapshotSortKeys, "s", `SELECT 1 FROM snapshots s WHERE s.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + snapshotColumns + ` FROM snapshots s`
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	sql += " ORDER BY " + order
	if limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		sql += fmt.Sprintf(" OFFSET %d", offset)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	out := []Snapshot{}
	for rows.Next() {
		sn, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("list snapshots: %w", err)
		}
		out = append(out, sn)
	}
	return out, rows.Err()
}

// CountSnapshots counts the snapshots of a volume.
func (s *Store) CountSnapshots(ctx context.Context, volumeID string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM snapshots WHERE volume_id = $1`, volumeID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count snapshots: %w", err)
	}
	return n, nil
}
