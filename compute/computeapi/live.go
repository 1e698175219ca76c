package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
)

// Live migration and evacuation methods, as nova's compute rpcapi names
// them (evacuate_instance is nova's rebuild_instance with recreate=True).
const (
	MethodCheckCanLiveMigrateDestination = "check_can_live_migrate_destination"
	MethodCheckCanLiveMigrateSource      = "check_can_live_migrate_source"
	MethodPreLiveMigration               = "pre_live_migration"
	MethodLiveMigration                  = "live_migration"
	MethodPostLiveMigrationAtDestination = "post_live_migration_at_destination"
	MethodRollbackLiveMigrationAtDest    = "rollback_live_migration_at_destination"
	MethodLiveMigrationAbort             = "live_migration_abort"
	MethodLiveMigrationForceComplete     = "live_migration_force_complete"
	MethodEvacuateInstance               = "evacuate_instance"
)

// LiveMigrateCheckArgs are the arguments of the pre-checks.
type LiveMigrateCheckArgs struct {
	Instance objects.Instance `json:"instance"`
	// BlockMigration is always false on shared RBD storage.
	BlockMigration bool `json:"block_migration"`
}

// LiveMigrationArgs are the arguments of live_migration (cast to the
// source) and of the destination's pre/post/rollback steps.
type LiveMigrationArgs struct {
	Instance  objects.Instance             `json:"instance"`
	Migration objects.Migration            `json:"migration"`
	Dest      string                       `json:"dest"`
	Target    virt.MigrationTarget         `json:"target"`
	BDMs      []objects.BlockDeviceMapping `json:"bdms,omitempty"`
	RequestID string                       `json:"request_id,omitempty"`
}

// PostLiveMigrationReply is what the destination says once the guest is
// there: its power state and the job statistics.
type PostLiveMigrationReply struct {
	PowerState int                  `json:"power_state"`
	Stats      virt.MigrationStats  `json:"stats"`
	Target     virt.MigrationTarget `json:"target"`
}

// MigrationJobArgs name the migration of an instance to abort or force.
type MigrationJobArgs struct {
	Instance    objects.Instance `json:"instance"`
	MigrationID int64            `json:"migration_id"`
}

// EvacuateInstanceArgs are the arguments of evacuate_instance, cast to
// the destination: rebuild the instance there from its shared disks.
type EvacuateInstanceArgs struct {
	Instance  objects.Instance             `json:"instance"`
	Migration objects.Migration            `json:"migration"`
	Image     objects.ImageMeta            `json:"image"`
	BDMs      []objects.BlockDeviceMapping `json:"bdms,omitempty"`
	Node      string                       `json:"node"`
	RequestID string                       `json:"request_id,omitempty"`
}

// CheckCanLiveMigrateDestination calls the destination's pre-check; it
// answers how the source reaches it.
func (c *Client) CheckCanLiveMigrateDestination(ctx context.Context, dest string, a LiveMigrateCheckArgs) (virt.MigrationTarget, error) {
	var out virt.MigrationTarget
	err := c.rpc.Call(ctx, c.target(dest), MethodCheckCanLiveMigrateDestination, a, &out)
	return out, err
}

// CheckCanLiveMigrateSource calls the source's pre-check.
func (c *Client) CheckCanLiveMigrateSource(ctx context.Context, a LiveMigrateCheckArgs) error {
	t, err := c.hostOf(&a.Instance)
	if err != nil {
		return err
	}
	return c.rpc.Call(ctx, t, MethodCheckCanLiveMigrateSource, a, &struct{}{})
}

// PreLiveMigration calls the destination to prepare for the guest.
func (c *Client) PreLiveMigration(ctx context.Context, dest string, a LiveMigrationArgs) error {
	return c.rpc.Call(ctx, c.target(dest), MethodPreLiveMigration, a, &struct{}{})
}

// LiveMigration casts the migration to the instance's (source) host.
func (c *Client) LiveMigration(ctx context.Context, a LiveMigrationArgs) error {
	return c.cast(ctx, &a.Instance, MethodLiveMigration, a)
}

// PostLiveMigrationAtDestination calls the destination once the guest
// has arrived.
func (c *Client) PostLiveMigrationAtDestination(ctx context.Context, dest string, a LiveMigrationArgs) (PostLiveMigrationReply, error) {
	var out PostLiveMigrationReply
	err := c.rpc.Call(ctx, c.target(dest), MethodPostLiveMigrationAtDestination, a, &out)
	return out, err
}

// RollbackLiveMigrationAtDestination casts the destination's cleanup of a
// migration that failed.
func (c *Client) RollbackLiveMigrationAtDestination(ctx context.Context, dest string, a LiveMigrationArgs) error {
	return c.rpc.Cast(ctx, c.target(dest), MethodRollbackLiveMigrationAtDest, a)
}

// LiveMigrationAbort casts the abort of the instance's migration to its host.
func (c *Client) LiveMigrationAbort(ctx context.Context, inst objects.Instance, migrationID int64) error {
	return c.cast(ctx, &inst, MethodLiveMigrationAbort, MigrationJobArgs{Instance: inst, MigrationID: migrationID})
}

// LiveMigrationForceComplete casts force_complete to the instance's host.
func (c *Client) LiveMigrationForceComplete(ctx context.Context, inst objects.Instance, migrationID int64) error {
	return c.cast(ctx, &inst, MethodLiveMigrationForceComplete, MigrationJobArgs{Instance: inst, MigrationID: migrationID})
}

// EvacuateInstance casts the rebuild of an evacuated instance to host.
func (c *Client) EvacuateInstance(ctx context.Context, host string, a EvacuateInstanceArgs) error {
	return c.rpc.Cast(ctx, c.target(host), MethodEvacuateInstance, a)
}
