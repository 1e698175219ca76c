package virt

import (
	"context"
	"time"
)

// Driver is a hypervisor as the compute manager uses it. Every method is
// safe for concurrent use; methods that a redelivered RPC may repeat are
// idempotent (Spawn of a guest that already runs, Destroy of one already
// gone).
type Driver interface {
	// Spawn makes the instance's disks and defines and starts its guest.
	// It returns once the guest is started (not booted). On failure it
	// leaves nothing behind: no disks, no domain.
	Spawn(ctx context.Context, spec InstanceSpec) error
	// Destroy stops the guest at once, undefines it and, unless
	// opts.KeepDisks, removes its disks. A guest already gone is not an
	// error.
	Destroy(ctx context.Context, uuid string, opts DestroyOptions) error
	// PowerOff asks the guest to shut down (ACPI) and, if it has not
	// after timeout, stops it; timeout 0 stops it at once.
	PowerOff(ctx context.Context, uuid string, timeout time.Duration) error
	// PowerOn starts a stopped guest. A running guest is not an error.
	PowerOn(ctx context.Context, uuid string) error
	// Reboot restarts the guest: soft asks the guest (and falls back to a
	// hard reboot when it does not shut down in time), hard stops and
	// starts it.
	Reboot(ctx context.Context, uuid string, soft bool) error
	Pause(ctx context.Context, uuid string) error
	Unpause(ctx context.Context, uuid string) error
	// Suspend saves the guest's memory to the host and stops it; Resume
	// restores it.
	Suspend(ctx context.Context, uuid string) error
	Resume(ctx context.Context, uuid string) error
	// Info reports a guest's state; a missing guest is fault.NotFound.
	Info(ctx context.Context, uuid string) (InstanceInfo, error)
	// ListInstances lists the guests on this host that belong to
	// instances (uuid, name, power state).
	ListInstances(ctx context.Context) ([]InstanceInfo, error)
	// ConsoleOutput returns the tail of the guest's serial console log:
	// at most maxLines lines (all when maxLines <= 0), and never more than
	// MaxConsoleBytes.
	ConsoleOutput(ctx context.Context, uuid string, maxLines int) (string, error)
	// HostResources reports the host's capacity and use.
	HostResources(ctx context.Context) (HostResources, error)
}

// MaxConsoleBytes caps ConsoleOutput, as nova's MAX_CONSOLE_BYTES (100 KiB).
const MaxConsoleBytes = 100 << 10
