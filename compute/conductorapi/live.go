package conductorapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// Live migration and evacuation: nova-api casts them to the conductor
// (nova's ComputeTaskManager live_migrate_instance and rebuild_instance
// with recreate), and the compute hosts report a live migration's
// progress and end to it.
const (
	MethodLiveMigrateInstance = "live_migrate_instance"
	MethodEvacuateServer      = "evacuate_server"
	MethodLiveMigrationRecord = "live_migration_record"
	MethodLiveMigrationResult = "live_migration_result"
)

// LiveMigrateInstance is the live_migrate_instance cast: the instance
// (task_state migrating), its migration record (status accepted), and the
// destination asked for ("" lets the scheduler choose).
type LiveMigrateInstance struct {
	Instance       objects.Instance  `json:"instance"`
	Migration      objects.Migration `json:"migration"`
	Host           string            `json:"host,omitempty"`
	Force          bool              `json:"force,omitempty"`
	BlockMigration bool              `json:"block_migration"`
	RequestID      string            `json:"request_id"`
}

// EvacuateServer is the evacuate_server cast: the instance (task_state
// rebuilding), its evacuation record, the destination asked for.
type EvacuateServer struct {
	Instance  objects.Instance  `json:"instance"`
	Migration objects.Migration `json:"migration"`
	Host      string            `json:"host,omitempty"`
	Force     bool              `json:"force,omitempty"`
	Image     objects.ImageMeta `json:"image"`
	RequestID string            `json:"request_id"`
}

// LiveMigrationRecord updates a live migration's record: its status
// (only from ExpectedStatus when set) and progress.
type LiveMigrationRecord struct {
	ID              int64    `json:"id"`
	Status          string   `json:"status,omitempty"`
	ExpectedStatus  []string `json:"expected_status,omitempty"`
	DestHost        string   `json:"dest_host,omitempty"`
	MemoryTotal     *int64   `json:"memory_total,omitempty"`
	MemoryProcessed *int64   `json:"memory_processed,omitempty"`
	MemoryRemaining *int64   `json:"memory_remaining,omitempty"`
	DiskTotal       *int64   `json:"disk_total,omitempty"`
	DiskProcessed   *int64   `json:"disk_processed,omitempty"`
	DiskRemaining   *int64   `json:"disk_remaining,omitempty"`
}

// LiveMigrationResult ends a live migration or evacuation. On success the
// instance moves to DestHost/DestNode with PowerState, the source's claim
// (held by the migration) is released and the migration completes. On
// failure the instance stays where it is, the claims go back, and the
// migration takes Status (error, failed or cancelled).
type LiveMigrationResult struct {
	InstanceUUID string            `json:"instance_uuid"`
	Migration    objects.Migration `json:"migration"`
	Succeeded    bool              `json:"succeeded"`
	Status       string            `json:"status,omitempty"`
	DestHost     string            `json:"dest_host,omitempty"`
	DestNode     string            `json:"dest_node,omitempty"`
	PowerState   int               `json:"power_state"`
	// VMState is the instance's vm_state after (active for an evacuation
	// that started the guest); "" keeps it.
	VMState string `json:"vm_state,omitempty"`
	// Message explains a failure (an instance fault for an evacuation).
	Message string `json:"message,omitempty"`
}

// LiveMigrateInstance casts live_migrate_instance.
func (c *Client) LiveMigrateInstance(ctx context.Context, m LiveMigrateInstance) error {
	return c.rpc.Cast(ctx, c.target, MethodLiveMigrateInstance, m)
}

// EvacuateServer casts evacuate_server.
func (c *Client) EvacuateServer(ctx context.Context, m EvacuateServer) error {
	return c.rpc.Cast(ctx, c.target, MethodEvacuateServer, m)
}

// LiveMigrationRecord calls live_migration_record.
func (c *Client) LiveMigrationRecord(ctx context.Context, m LiveMigrationRecord) (objects.Migration, error) {
	var out objects.Migration
	err := c.rpc.Call(ctx, c.target, MethodLiveMigrationRecord, m, &out)
	return out, err
}

// LiveMigrationResult calls live_migration_result.
func (c *Client) LiveMigrationResult(ctx context.Context, m LiveMigrationResult) error {
	return c.rpc.Call(ctx, c.target, MethodLiveMigrationResult, m, &Empty{})
}
