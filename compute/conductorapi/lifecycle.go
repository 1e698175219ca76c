package conductorapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// Methods of the server lifecycle (resize, shelve): casts from nova-api,
// calls from nova-compute.
const (
	// MethodMigrateServer (cast, from nova-api) schedules a resize.
	MethodMigrateServer = "migrate_server"
	// MethodUnshelveInstance (cast, from nova-api) schedules an unshelve.
	MethodUnshelveInstance = "unshelve_instance"
	// MethodMigrationUpdate (call, from nova-compute) changes a migration.
	MethodMigrationUpdate = "migration_update"
	// MethodInstanceMoveUpdate (call) changes an instance with its flavor,
	// image or resize flavors.
	MethodInstanceMoveUpdate = "instance_move_update"
	// MethodMoveClaims (call) confirms or reverts a move's claims.
	MethodMoveClaims = "move_claims"
)

// MigrateServer is the migrate_server cast of a resize: the instance
// (task_state resize_prep), its migration (pre-migrating), the flavors and
// whether the scheduler may pick the instance's own host.
type MigrateServer struct {
	Instance      objects.Instance  `json:"instance"`
	Migration     objects.Migration `json:"migration"`
	NewFlavor     objects.Flavor    `json:"new_flavor"`
	OldFlavor     objects.Flavor    `json:"old_flavor"`
	AllowSameHost bool              `json:"allow_same_host"`
	// Host is the destination an admin asked for (cold migration, 2.56):
	// the scheduler considers only it, with its filters.
	Host string `json:"host,omitempty"`
	// ImageProperties are the instance's image properties for the filters.
	ImageProperties map[string]string `json:"image_properties,omitempty"`
	CleanShutdown   bool              `json:"clean_shutdown"`
	RequestID       string            `json:"request_id"`
}

// UnshelveInstance is the unshelve_instance cast: the shelved-offloaded
// instance (task_state unshelving) and the image its disk was kept in.
type UnshelveInstance struct {
	Instance  objects.Instance  `json:"instance"`
	Image     objects.ImageMeta `json:"image"`
	Host      string            `json:"host,omitempty"` // 2.91: the host an admin asked for
	RequestID string            `json:"request_id"`
}

// MigrationUpdate changes a migration (only non-nil fields); with
// ExpectedStatus the change happens only from one of those statuses.
type MigrationUpdate struct {
	ID             int64    `json:"id"`
	Status         *string  `json:"status,omitempty"`
	DestCompute    *string  `json:"dest_compute,omitempty"`
	DestNode       *string  `json:"dest_node,omitempty"`
	DestHost       *string  `json:"dest_host,omitempty"`
	ExpectedStatus []string `json:"expected_status,omitempty"`
}

// InstanceMoveUpdate is InstanceUpdate plus what moves change.
type InstanceMoveUpdate struct {
	InstanceUpdate
	Flavor           *objects.Flavor `json:"flavor,omitempty"`
	OldFlavor        *objects.Flavor `json:"old_flavor,omitempty"`
	NewFlavor        *objects.Flavor `json:"new_flavor,omitempty"`
	ClearMoveFlavors bool            `json:"clear_move_flavors,omitempty"`
	ImageRef         *string         `json:"image_ref,omitempty"`
}

// Move claim operations.
const (
	// ClaimsConfirm drops the claim the migration holds (the source's).
	ClaimsConfirm = "confirm"
	// ClaimsRevert drops the instance's new claim and gives it back the
	// one the migration holds.
	ClaimsRevert = "revert"
	// ClaimsReleaseInstance drops every claim of the instance (shelve
	// offload).
	ClaimsReleaseInstance = "release_instance"
)

// MoveClaims is the move_claims call.
type MoveClaims struct {
	Op            string `json:"op"`
	InstanceUUID  string `json:"instance_uuid"`
	MigrationUUID string `json:"migration_uuid,omitempty"`
}

// MigrateServer casts migrate_server.
func (c *Client) MigrateServer(ctx context.Context, m MigrateServer) error {
	return c.rpc.Cast(ctx, c.target, MethodMigrateServer, m)
}

// UnshelveInstance casts unshelve_instance.
func (c *Client) UnshelveInstance(ctx context.Context, m UnshelveInstance) error {
	return c.rpc.Cast(ctx, c.target, MethodUnshelveInstance, m)
}
