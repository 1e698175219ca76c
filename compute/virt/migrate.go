package virt

import (
	"context"
	"time"
)

// LiveMigrator is what a driver offers for live migration and evacuation
// on shared (RBD) storage. Drivers without it refuse both.
type LiveMigrator interface {
	// DestinationCheck is the destination's pre-check (nova's
	// check_can_live_migrate_destination): can this host take a guest of
	// memoryMiB now? It answers how the source reaches it.
	DestinationCheck(ctx context.Context, memoryMiB int) (MigrationTarget, error)
	// SourceCheck is the source's pre-check: the guest exists and runs.
	SourceCheck(ctx context.Context, uuid string) error
	// PreLiveMigration prepares the destination (nova's
	// pre_live_migration): instance directory, the Ceph secrets of the
	// guest's disks and volumes.
	PreLiveMigration(ctx context.Context, spec InstanceSpec) error
	// LiveMigrate moves the running guest to target and returns when it is
	// there (nil) or still here (an error; the guest keeps running here).
	// progress, when not nil, is called about once a second.
	LiveMigrate(ctx context.Context, uuid string, target MigrationTarget, opts LiveMigrateOptions, progress func(MigrationStats)) (MigrationStats, error)
	// AbortLiveMigration cancels the migration job of the guest.
	AbortLiveMigration(ctx context.Context, uuid string) error
	// ForceCompleteLiveMigration pauses the guest so the migration
	// converges; the destination resumes it (PostLiveMigrationAtDestination).
	ForceCompleteLiveMigration(ctx context.Context, uuid string) error
	// PostLiveMigrationAtDestination settles the guest on the destination
	// (resumes a guest paused to force completion) and returns its power
	// state and the completed job's statistics as the destination saw them.
	PostLiveMigrationAtDestination(ctx context.Context, uuid string) (PowerState, MigrationStats, error)
	// CleanupAfterLiveMigration removes the source's local leftovers
	// (instance directory); the shared disks stay.
	CleanupAfterLiveMigration(ctx context.Context, uuid string) error
	// SpawnOnSharedStorage defines and starts the guest from the disks it
	// already has in the shared pool (evacuation): nothing is cloned or
	// created; a missing root disk is an error.
	SpawnOnSharedStorage(ctx context.Context, spec InstanceSpec) error
}

// MigrationTarget says how a source reaches the destination.
type MigrationTarget struct {
	Host string `json:"host"`
	// URI is the destination libvirtd's URI, e.g. qemu+tcp://10.250.0.12/system.
	URI string `json:"uri"`
	// InboundAddr is where QEMU's migration stream goes
	// (live_migration_inbound_addr).
	InboundAddr string `json:"inbound_addr"`
	// FreeMemoryMiB is what the destination had available when it checked.
	FreeMemoryMiB int `json:"free_memory_mib"`
}

// LiveMigrateOptions tune one migration.
type LiveMigrateOptions struct {
	// BandwidthMiBs caps the migration stream (MiB/s); 0 is unlimited.
	BandwidthMiBs uint64
	// CompletionTimeout aborts a migration that runs longer (per GiB of
	// guest memory, as nova's live_migration_completion_timeout); 0 never.
	CompletionTimeout time.Duration
	// AutoConverge lets QEMU slow the guest's vCPUs down to converge.
	AutoConverge bool
}

// MigrationStats are the job statistics of a migration.
type MigrationStats struct {
	Elapsed        time.Duration `json:"elapsed"`
	Downtime       time.Duration `json:"downtime"`
	MemoryTotal    uint64        `json:"memory_total"`
	MemoryRemain   uint64        `json:"memory_remaining"`
	MemoryDone     uint64        `json:"memory_processed"`
	DiskTotal      uint64        `json:"disk_total"`
	DiskRemain     uint64        `json:"disk_remaining"`
	DiskProcessed  uint64        `json:"disk_processed"`
	BandwidthMiBps uint64        `json:"bandwidth"`
}
