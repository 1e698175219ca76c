package objects

import "time"

// Migration types (nova's migration_type).
const (
	MigrationResize     = "resize"
	MigrationMigration  = "migration" // cold migration
	MigrationLive       = "live-migration"
	MigrationEvacuation = "evacuation"
)

// Migration statuses (nova's migration status values).
const (
	MigrationPreMigrating  = "pre-migrating"
	MigrationMigrating     = "migrating"
	MigrationPostMigrating = "post-migrating"
	MigrationFinished      = "finished"
	MigrationConfirming    = "confirming"
	MigrationConfirmed     = "confirmed"
	MigrationReverting     = "reverting"
	MigrationReverted      = "reverted"
	MigrationError         = "error"
	MigrationFailed        = "failed"
	MigrationAccepted      = "accepted"
	MigrationRunning       = "running"
	MigrationPreparing     = "preparing"
	MigrationQueued        = "queued"
	MigrationCompleted     = "completed"
	MigrationCancelled     = "cancelled"
	MigrationDone          = "done"
)

// Migration is one move of an instance (nova's Migration object): a
// resize, a cold or live migration, or an evacuation. Its UUID is also
// the consumer of the source's resources while the move is in progress.
type Migration struct {
	ID                int64      `json:"id"`
	UUID              string     `json:"uuid"`
	SourceCompute     string     `json:"source_compute,omitempty"`
	DestCompute       string     `json:"dest_compute,omitempty"`
	SourceNode        string     `json:"source_node,omitempty"`
	DestNode          string     `json:"dest_node,omitempty"`
	DestHost          string     `json:"dest_host,omitempty"` // the destination's IP, as nova's
	OldInstanceTypeID int64      `json:"old_instance_type_id,omitempty"`
	NewInstanceTypeID int64      `json:"new_instance_type_id,omitempty"`
	InstanceUUID      string     `json:"instance_uuid"`
	Status            string     `json:"status"`
	MigrationType     string     `json:"migration_type"`
	Hidden            bool       `json:"hidden,omitempty"`
	MemoryTotal       *int64     `json:"memory_total,omitempty"`
	MemoryProcessed   *int64     `json:"memory_processed,omitempty"`
	MemoryRemaining   *int64     `json:"memory_remaining,omitempty"`
	DiskTotal         *int64     `json:"disk_total,omitempty"`
	DiskProcessed     *int64     `json:"disk_processed,omitempty"`
	DiskRemaining     *int64     `json:"disk_remaining,omitempty"`
	CrossCellMove     bool       `json:"cross_cell_move,omitempty"`
	UserID            string     `json:"user_id,omitempty"`
	ProjectID         string     `json:"project_id,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         *time.Time `json:"updated_at,omitempty"`
	DeletedAt         *time.Time `json:"deleted_at,omitempty"`
}

// InProgress reports whether the migration is still under way, as nova's
// migration_get_in_progress_by_instance counts it (not yet confirmed,
// reverted, failed, errored, cancelled or done).
func (m *Migration) InProgress() bool {
	switch m.Status {
	case MigrationConfirmed, MigrationReverted, MigrationError, MigrationFailed, MigrationCompleted,
		MigrationCancelled, MigrationDone:
		return false
	}
	return true
}
