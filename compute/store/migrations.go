package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

const migrationColumns = `m.id, m.uuid::text, coalesce(m.source_compute, ''), coalesce(m.dest_compute, ''),
	coalesce(m.source_node, ''), coalesce(m.dest_node, ''), coalesce(m.dest_host, ''),
	coalesce(m.old_instance_type_id, 0), coalesce(m.new_instance_type_id, 0), m.instance_uuid::text,
	m.status, m.migration_type, m.hidden, m.memory_total, m.memory_processed, m.memory_remaining,
	m.disk_total, m.disk_processed, m.disk_remaining, m.cross_cell_move, coalesce(m.user_id, ''),
	coalesce(m.project_id, ''), m.created_at, m.updated_at, m.deleted_at`

func scanMigration(row pgx.Row) (objects.Migration, error) {
	var m objects.Migration
	err := row.Scan(&m.ID, &m.UUID, &m.SourceCompute, &m.DestCompute, &m.SourceNode, &m.DestNode, &m.DestHost,
		&m.OldInstanceTypeID, &m.NewInstanceTypeID, &m.InstanceUUID, &m.Status, &m.MigrationType, &m.Hidden,
		&m.MemoryTotal, &m.MemoryProcessed, &m.MemoryRemaining, &m.DiskTotal, &m.DiskProcessed, &m.DiskRemaining,
		&m.CrossCellMove, &m.UserID, &m.ProjectID, &m.CreatedAt, &m.UpdatedAt, &m.DeletedAt)
	m.CreatedAt = m.CreatedAt.UTC()
	if m.UpdatedAt != nil {
		t := m.UpdatedAt.UTC()
		m.UpdatedAt = &t
	}
	return m, err
}

// MigrationNotFound is nova's MigrationNotFound.
func MigrationNotFound(id any) error {
	return fault.New(fault.NotFound, "Migration %v could not be found.", id)
}

// CreateMigration records a new migration; a missing uuid is generated.
func (s *Store) CreateMigration(ctx context.Context, m objects.Migration) (objects.Migration, error) {
	if m.UUID == "" {
		m.UUID = uuid.NewString()
	}
	if m.Status == "" || m.MigrationType == "" || !isUUID(m.InstanceUUID) {
		return objects.Migration{}, fault.New(fault.Invalid, "a migration needs a status, a type and an instance uuid")
	}
	row := s.q.QueryRow(ctx, `INSERT INTO migrations AS m (uuid, source_compute, dest_compute, source_node, dest_node,
			dest_host, old_instance_type_id, new_instance_type_id, instance_uuid, status, migration_type, hidden,
			cross_cell_move, user_id, project_id)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0), nullif($8, 0), $9, $10, $11, $12, $13, $14, $15)
		RETURNING `+migrationColumns,
		m.UUID, nullStr(m.SourceCompute), nullStr(m.DestCompute), nullStr(m.SourceNode), nullStr(m.DestNode),
		nullStr(m.DestHost), m.OldInstanceTypeID, m.NewInstanceTypeID, m.InstanceUUID, m.Status, m.MigrationType,
		m.Hidden, m.CrossCellMove, nullStr(m.UserID), nullStr(m.ProjectID))
	out, err := scanMigration(row)
	if err != nil {
		return objects.Migration{}, fmt.Errorf("create migration: %w", err)
	}
	return out, nil
}

// GetMigration returns a live migration record by database id.
func (s *Store) GetMigration(ctx context.Context, id int64) (objects.Migration, error) {
	m, err := scanMigration(s.q.QueryRow(ctx, `SELECT `+migrationColumns+` FROM migrations m WHERE m.id = $1 AND m.deleted = 0`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return objects.Migration{}, MigrationNotFound(id)
	}
	if err != nil {
		return objects.Migration{}, fmt.Errorf("get migration %d: %w", id, err)
	}
	return m, nil
}

// GetMigrationByUUID returns a migration record by uuid.
func (s *Store) GetMigrationByUUID(ctx context.Context, id string) (objects.Migration, error) {
	if !isUUID(id) {
		return objects.Migration{}, MigrationNotFound(id)
	}
	m, err := scanMigration(s.q.QueryRow(ctx, `SELECT `+migrationColumns+` FROM migrations m WHERE m.uuid = $1 AND m.deleted = 0`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return objects.Migration{}, MigrationNotFound(id)
	}
	if err != nil {
		return objects.Migration{}, fmt.Errorf("get migration %s: %w", id, err)
	}
	return m, nil
}

// MigrationUpdate changes a migration. Only non-nil fields change; with
// ExpectedStatus set the update happens only from one of those statuses
// (fault.Conflict otherwise).
type MigrationUpdate struct {
	Status            *string  `json:"status,omitempty"`
	DestCompute       *string  `json:"dest_compute,omitempty"`
	DestNode          *string  `json:"dest_node,omitempty"`
	DestHost          *string  `json:"dest_host,omitempty"`
	SourceCompute     *string  `json:"source_compute,omitempty"`
	SourceNode        *string  `json:"source_node,omitempty"`
	MemoryTotal       *int64   `json:"memory_total,omitempty"`
	MemoryProcessed   *int64   `json:"memory_processed,omitempty"`
	MemoryRemaining   *int64   `json:"memory_remaining,omitempty"`
	DiskTotal         *int64   `json:"disk_total,omitempty"`
	DiskProcessed     *int64   `json:"disk_processed,omitempty"`
	DiskRemaining     *int64   `json:"disk_remaining,omitempty"`
	ExpectedStatus    []string `json:"expected_status,omitempty"`
	NewInstanceTypeID *int64   `json:"new_instance_type_id,omitempty"`
}

// UpdateMigration applies u to the migration with the id and returns it.
func (s *Store) UpdateMigration(ctx context.Context, id int64, u MigrationUpdate) (objects.Migration, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.Status != nil {
		add("status", *u.Status)
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{"dest_compute", u.DestCompute}, {"dest_node", u.DestNode}, {"dest_host", u.DestHost},
		{"source_compute", u.SourceCompute}, {"source_node", u.SourceNode}} {
		if f.v != nil {
			add(f.col, nullStr(*f.v))
		}
	}
	for _, f := range []struct {
		col string
		v   *int64
	}{{"memory_total", u.MemoryTotal}, {"memory_processed", u.MemoryProcessed}, {"memory_remaining", u.MemoryRemaining},
		{"disk_total", u.DiskTotal}, {"disk_processed", u.DiskProcessed}, {"disk_remaining", u.DiskRemaining},
		{"new_instance_type_id", u.NewInstanceTypeID}} {
		if f.v != nil {
			add(f.col, *f.v)
		}
	}
	where := "m.id = $1 AND m.deleted = 0"
	if u.ExpectedStatus != nil {
		args = append(args, u.ExpectedStatus)
		where += fmt.Sprintf(" AND m.status = ANY($%d::text[])", len(args))
	}
	m, err := scanMigration(s.q.QueryRow(ctx, `UPDATE migrations m SET `+strings.Join(sets, ", ")+` WHERE `+where+` RETURNING `+migrationColumns, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		cur, gerr := s.GetMigration(ctx, id)
		if gerr != nil {
			return objects.Migration{}, gerr
		}
		return objects.Migration{}, fault.New(fault.Conflict, "Migration %d is in status %s, not one of %s.", id, cur.Status, strings.Join(u.ExpectedStatus, ", "))
	}
	if err != nil {
		return objects.Migration{}, fmt.Errorf("update migration %d: %w", id, err)
	}
	return m, nil
}

// MigrationFilter selects migrations in ListMigrations; zero values do not
// filter.
type MigrationFilter struct {
	InstanceUUID  string
	Status        []string // any of
	MigrationType string
	// Host matches the source or the destination compute host.
	Host          string
	SourceCompute string
	ProjectID     string
	UserID        string
	ChangesSince  *time.Time
	ChangesBefore *time.Time
	// InProgress keeps only migrations still under way.
	InProgress bool
	// WithHidden includes hidden migrations (nova hides the internal ones).
	WithHidden bool
	// AfterID and Limit page by id (ascending with AfterID, else newest first).
	AfterID int64
	Limit   int
}

// doneStatuses are the statuses of migrations no longer in progress.
var doneStatuses = []string{objects.MigrationConfirmed, objects.MigrationReverted, objects.MigrationError,
	objects.MigrationFailed, objects.MigrationCompleted, objects.MigrationCancelled, objects.MigrationDone}

// ListMigrations returns the migrations matching f, newest first.
func (s *Store) ListMigrations(ctx context.Context, f MigrationFilter) ([]objects.Migration, error) {
	where := []string{"m.deleted = 0"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.InstanceUUID != "" {
		if !isUUID(f.InstanceUUID) {
			return nil, nil
		}
		add("m.instance_uuid = $%d", f.InstanceUUID)
	}
	if len(f.Status) > 0 {
		add("m.status = ANY($%d::text[])", f.Status)
	}
	if f.MigrationType != "" {
		add("m.migration_type = $%d", f.MigrationType)
	}
	if f.Host != "" {
		add("(m.source_compute = $%[1]d OR m.dest_compute = $%[1]d)", f.Host)
	}
	if f.SourceCompute != "" {
		add("m.source_compute = $%d", f.SourceCompute)
	}
	if f.ProjectID != "" {
		add("m.project_id = $%d", f.ProjectID)
	}
	if f.UserID != "" {
		add("m.user_id = $%d", f.UserID)
	}
	if f.ChangesSince != nil {
		add("coalesce(m.updated_at, m.created_at) >= $%d", *f.ChangesSince)
	}
	if f.ChangesBefore != nil {
		add("coalesce(m.updated_at, m.created_at) <= $%d", *f.ChangesBefore)
	}
	if f.InProgress {
		add("NOT (m.status = ANY($%d::text[]))", doneStatuses)
	}
	if !f.WithHidden {
		where = append(where, "NOT m.hidden")
	}
	order := " ORDER BY m.created_at DESC, m.id DESC"
	if f.AfterID > 0 {
		add("m.id < $%d", f.AfterID)
	}
	sql := `SELECT ` + migrationColumns + ` FROM migrations m WHERE ` + strings.Join(where, " AND ") + order
	if f.Limit > 0 {
		args = append(args, f.Limit)
		sql += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := s.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Migration, error) { return scanMigration(r) })
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	return out, nil
}

// InProgressMigration returns the instance's migration still under way
// (of migrationType when not ""), or fault.NotFound.
func (s *Store) InProgressMigration(ctx context.Context, instanceUUID, migrationType string) (objects.Migration, error) {
	list, err := s.ListMigrations(ctx, MigrationFilter{InstanceUUID: instanceUUID, MigrationType: migrationType, InProgress: true, WithHidden: true, Limit: 1})
	if err != nil {
		return objects.Migration{}, err
	}
	if len(list) == 0 {
		return objects.Migration{}, fault.New(fault.NotFound, "Instance %s is not migrating.", instanceUUID)
	}
	return list[0], nil
}

// MigrationByStatus returns the instance's newest migration in one of the
// statuses (nova's get_by_instance_and_status), or fault.NotFound.
func (s *Store) MigrationByStatus(ctx context.Context, instanceUUID string, status ...string) (objects.Migration, error) {
	list, err := s.ListMigrations(ctx, MigrationFilter{InstanceUUID: instanceUUID, Status: status, WithHidden: true, Limit: 1})
	if err != nil {
		return objects.Migration{}, err
	}
	if len(list) == 0 {
		return objects.Migration{}, fault.New(fault.NotFound, "Migration not found for instance %s with status %s.", instanceUUID, strings.Join(status, ", "))
	}
	return list[0], nil
}
