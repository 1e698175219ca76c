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

// Backup is one row of backups.
type Backup struct {
	ID               string
	VolumeID         string
	SnapshotID       *string
	ProjectID        string
	UserID           string
	Host             string
	AvailabilityZone *string
	Name             *string
	Description      *string
	Container        *string
	ParentID         *string
	Status           string
	PreviousStatus   *string // the volume's (or snapshot's) status before the backup
	FailReason       *string
	ServiceMetadata  *string
	Service          *string
	Size             int
	ObjectCount      int
	RestoreVolumeID  *string
	DataTimestamp    time.Time
	Metadata         map[string]string
	CreatedAt        time.Time
	UpdatedAt        *time.Time
	NumDependent     int // backups whose parent this is
}

const backupColumns = `b.id, b.volume_id, b.snapshot_id, b.project_id, b.user_id, coalesce(b.host, ''),
	b.availability_zone, b.display_name, b.display_description, b.container, b.parent_id, b.status,
	b.previous_status, b.fail_reason, b.service_metadata, b.service, b.size, b.object_count,
	b.restore_volume_id, b.data_timestamp, b.metadata, b.created_at, b.updated_at,
	(SELECT count(*) FROM backups d WHERE d.parent_id = b.id)`

func scanBackup(row pgx.Row) (Backup, error) {
	var b Backup
	var md []byte
	err := row.Scan(&b.ID, &b.VolumeID, &b.SnapshotID, &b.ProjectID, &b.UserID, &b.Host, &b.AvailabilityZone,
		&b.Name, &b.Description, &b.Container, &b.ParentID, &b.Status, &b.PreviousStatus, &b.FailReason,
		&b.ServiceMetadata, &b.Service, &b.Size, &b.ObjectCount, &b.RestoreVolumeID, &b.DataTimestamp, &md,
		&b.CreatedAt, &b.UpdatedAt, &b.NumDependent)
	b.Metadata = parseMap(md)
	return b, err
}

// BackupNotFound is cinder's BackupNotFound.
func BackupNotFound(id string) error {
	return fault.New(fault.NotFound, "Backup %s could not be found.", id)
}

// CreateBackup inserts a backup.
func (s *Store) CreateBackup(ctx context.Context, b Backup) (Backup, error) {
	ts := b.DataTimestamp
	if ts.IsZero() {
		ts = time.Now().UTC()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO backups (id, volume_id, snapshot_id, project_id, user_id, host,
		availability_zone, display_name, display_description, container, parent_id, status, previous_status,
		service, size, data_timestamp, metadata) VALUES ($1,$2,$3,$4,$5,nullif($6,''),$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		b.ID, b.VolumeID, b.SnapshotID, b.ProjectID, b.UserID, b.Host, b.AvailabilityZone, b.Name, b.Description,
		b.Container, b.ParentID, b.Status, b.PreviousStatus, b.Service, b.Size, ts, jsonMap(b.Metadata))
	if err != nil {
		return Backup{}, fmt.Errorf("create backup: %w", err)
	}
	return s.GetBackup(ctx, b.ID)
}

// GetBackup returns a backup; a missing one is BackupNotFound.
func (s *Store) GetBackup(ctx context.Context, id string) (Backup, error) {
	if !isUUID(id) {
		return Backup{}, BackupNotFound(id)
	}
	b, err := scanBackup(s.pool.QueryRow(ctx, `SELECT `+backupColumns+` FROM backups b WHERE b.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Backup{}, BackupNotFound(id)
	}
	if err != nil {
		return Backup{}, fmt.Errorf("get backup %s: %w", id, err)
	}
	return b, nil
}

// BackupUpdate lists the columns to change; nil fields stay.
type BackupUpdate struct {
	Status          *string
	Host            *string
	Name            **string
	Description     **string
	Container       *string
	FailReason      **string
	ServiceMetadata *string
	ObjectCount     *int
	Size            *int
	RestoreVolumeID **string
	Metadata        map[string]string
}

// UpdateBackup applies u, only while the status is one of fromStatus when
// that is given (otherwise fault.Invalid naming the current status).
func (s *Store) UpdateBackup(ctx context.Context, id string, fromStatus []string, u BackupUpdate) (Backup, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, val any) {
		args = append(args, val)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.Status != nil {
		add("status", *u.Status)
	}
	if u.Host != nil {
		add("host", *u.Host)
	}
	if u.Name != nil {
		add("display_name", *u.Name)
	}
	if u.Description != nil {
		add("display_description", *u.Description)
	}
	if u.Container != nil {
		add("container", *u.Container)
	}
	if u.FailReason != nil {
		add("fail_reason", *u.FailReason)
	}
	if u.ServiceMetadata != nil {
		add("service_metadata", *u.ServiceMetadata)
	}
	if u.ObjectCount != nil {
		add("object_count", *u.ObjectCount)
	}
	if u.Size != nil {
		add("size", *u.Size)
	}
	if u.RestoreVolumeID != nil {
		add("restore_volume_id", *u.RestoreVolumeID)
	}
	if u.Metadata != nil {
		add("metadata", jsonMap(u.Metadata))
	}
	where := "id = $1"
	if len(fromStatus) > 0 {
		args = append(args, fromStatus)
		where += fmt.Sprintf(" AND status = ANY($%d)", len(args))
	}
	tag, err := s.pool.Exec(ctx, `UPDATE backups SET `+strings.Join(sets, ", ")+` WHERE `+where, args...)
	if err != nil {
		return Backup{}, fmt.Errorf("update backup %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		cur, err := s.GetBackup(ctx, id)
		if err != nil {
			return Backup{}, err
		}
		return cur, fault.New(fault.Invalid, "Invalid backup: Backup status must be %s, but current status is: %s.",
			strings.Join(fromStatus, " or "), cur.Status)
	}
	return s.GetBackup(ctx, id)
}

// DeleteBackup removes a backup row.
func (s *Store) DeleteBackup(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM backups WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete backup %s: %w", id, err)
	}
	return nil
}

// BackupFilter selects backups.
type BackupFilter struct {
	ProjectID string
	VolumeID  string
	Name      string
	NameLike  string
	Status    string
	Host      string
	Statuses  []string
}

// BackupSortKeys maps sort keys to columns.
var BackupSortKeys = map[string]string{
	"created_at": "b.created_at", "updated_at": "b.updated_at", "id": "b.id", "name": "b.display_name",
	"display_name": "b.display_name", "status": "b.status", "volume_id": "b.volume_id", "size": "b.size",
	"project_id": "b.project_id", "container": "b.container", "availability_zone": "b.availability_zone",
	"data_timestamp": "b.data_timestamp", "object_count": "b.object_count",
}

// ListBackups returns a page of backups, skipping offset rows.
func (s *Store) ListBackups(ctx context.Context, f BackupFilter, sorts []Sort, marker string, limit, offset int) ([]Backup, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ProjectID != "" {
		conds = append(conds, "b.project_id = "+arg(f.ProjectID))
	}
	if f.VolumeID != "" {
		if !isUUID(f.VolumeID) {
			return []Backup{}, nil
		}
		conds = append(conds, "b.volume_id = "+arg(f.VolumeID))
	}
	if f.Name != "" {
		conds = append(conds, "b.display_name = "+arg(f.Name))
	}
	if f.NameLike != "" {
		conds = append(conds, "b.display_name ILIKE "+arg("%"+likeEscape(f.NameLike)+"%"))
	}
	if f.Status != "" {
		conds = append(conds, "b.status = "+arg(f.Status))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "b.status = ANY("+arg(f.Statuses)+")")
	}
	if f.Host != "" {
		conds = append(conds, "b.host = "+arg(f.Host))
	}
	order, cond, err := keyset(ctx, s, sorts, marker, BackupSortKeys, "b", `SELECT 1 FROM backups b WHERE b.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + backupColumns + ` FROM backups b`
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
		return nil, fmt.Errorf("list backups: %w", err)
	}
	defer rows.Close()
	out := []Backup{}
	for rows.Next() {
		b, err := scanBackup(rows)
		if err != nil {
			return nil, fmt.Errorf("list backups: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BackupUsage counts a project's backups and their GiB (quotas backups
// and backup_gigabytes).
func (s *Store) BackupUsage(ctx context.Context, project string) (n, gb int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM backups WHERE project_id = $1`, project).Scan(&n, &gb)
	if err != nil {
		return 0, 0, fmt.Errorf("backup usage: %w", err)
	}
	return n, gb, nil
}
