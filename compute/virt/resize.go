package virt

import (
	"context"
	"time"
)

// Resizer is the optional ability to resize an instance on the same host
// (its disks are on shared RBD storage, so nothing is copied), in nova's
// steps: migrate_disk_and_power_off, finish_migration, then
// confirm_migration or finish_revert_migration.
type Resizer interface {
	// MigrateDiskAndPowerOff checks that the new flavor shrinks no disk
	// (fault.Invalid naming the sizes) and stops the guest, cleanly within
	// timeout.
	MigrateDiskAndPowerOff(ctx context.Context, uuid string, newFlavor Flavor, timeout time.Duration) error
	// FinishMigration keeps a revert point of the root disk, grows the
	// disks to spec's flavor, redefines the guest with it (attached volumes
	// kept) and starts it when powerOn.
	FinishMigration(ctx context.Context, spec InstanceSpec, powerOn bool) error
	// ConfirmMigration drops the revert point.
	ConfirmMigration(ctx context.Context, uuid string) error
	// FinishRevertMigration returns the root disk to the revert point,
	// redefines the guest with the old flavor in spec and starts it when
	// powerOn.
	FinishRevertMigration(ctx context.Context, spec InstanceSpec, powerOn bool) error
}

// Flavor is the sizing part of a flavor.
type Flavor struct {
	VCPUs       int
	MemoryMiB   int
	RootGB      int
	EphemeralGB int
	SwapMiB     int
}
