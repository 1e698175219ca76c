package store

import (
	"context"
	"fmt"

	"github.com/gostack/gostack/services/fault"
)

// MigrationIdle are the migration statuses of a volume that is not being
// migrated (cinder's AVAILABLE_MIGRATION_STATUS, "none" being NULL): a
// migration or a retype may start from them.
var MigrationIdle = []string{"deleting", "error", "success"}

// Migrating reports whether a migration of the volume is under way.
func (v Volume) Migrating() bool {
	if v.MigrationStatus == nil {
		return false
	}
	for _, s := range MigrationIdle {
		if *v.MigrationStatus == s {
			return false
		}
	}
	return true
}

// StatusBefore is the status a volume returns to after a migration or a
// retype: the one it had before the operation made it retyping or
// maintenance (its previous_status), else the one its attachment implies.
func (v Volume) StatusBefore() string {
	if v.Status != "retyping" && v.Status != "maintenance" {
		return v.Status
	}
	if v.PreviousStatus != nil && (*v.PreviousStatus == "available" || *v.PreviousStatus == "in-use") {
		return *v.PreviousStatus
	}
	if v.AttachStatus == "attached" {
		return "in-use"
	}
	return "available"
}

// ErrCannotMigrate is cinder's InvalidVolume of migrate_volume's
// conditional update.
func ErrCannotMigrate(id string) error {
	return fault.New(fault.Invalid, "Invalid volume: Volume %s status must be available or in-use, must not be migrating, "+
		"have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one", id)
}

// StartMigration is cinder's conditional update of migrate_volume, in one
// statement: a volume that is available or in-use, not migrating, without
// snapshots, not in a group and not on host gets migration_status starting and its status
// as previous_status; with lock, an available volume becomes maintenance.
// Otherwise nothing changes and the error is ErrCannotMigrate.
func (s *Store) StartMigration(ctx context.Context, id, host string, lock bool) (Volume, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE volumes SET migration_status = 'starting', previous_status = status,
		status = CASE WHEN $3 AND status = 'available' THEN 'maintenance' ELSE status END, updated_at = now()
		WHERE id = $1 AND status IN ('available', 'in-use')
		AND (migration_status IS NULL OR migration_status = ANY($4))
		AND host IS DISTINCT FROM $2 AND group_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.volume_id = volumes.id)`, id, host, lock, MigrationIdle)
	if err != nil {
		return Volume{}, fmt.Errorf("start migration of volume %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.GetVolume(ctx, id); err != nil {
			return Volume{}, err
		}
		return Volume{}, ErrCannotMigrate(id)
	}
	return s.GetVolume(ctx, id)
}

// MigrationEnd is how a migration leaves a volume.
type MigrationEnd struct {
	MigrationStatus string // success or error
	Status          string // the status the volume returns to
	// On success: where the volume now is and, for a retype, its new
	// type; "" keeps the current value.
	Host, AvailabilityZone, TypeID string
	// PreviousStatus replaces previous_status unless "".
	PreviousStatus string
}

// EndMigration records the end of a migration.
func (s *Store) EndMigration(ctx context.Context, id string, e MigrationEnd) (Volume, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE volumes SET migration_status = $2, status = $3,
		host = coalesce(nullif($4, ''), host),
		availability_zone = coalesce(nullif($5, ''), availability_zone),
		volume_type_id = coalesce(nullif($6, '')::uuid, volume_type_id),
		previous_status = coalesce(nullif($7, ''), previous_status),
		updated_at = now() WHERE id = $1`, id, e.MigrationStatus, e.Status, e.Host, e.AvailabilityZone, e.TypeID, e.PreviousStatus)
	if err != nil {
		return Volume{}, fmt.Errorf("end migration of volume %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return Volume{}, VolumeNotFound(id)
	}
	return s.GetVolume(ctx, id)
}
