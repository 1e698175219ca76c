package virt

import "context"

// InterfaceAttacher is the optional ability to hot-plug NICs (nova's
// attach_interface and detach_interface). The manager checks for it
// with a type assertion.
type InterfaceAttacher interface {
	// AttachInterface plugs the NIC into the guest, live when it runs and
	// in its definition either way. A NIC already there (same MAC) is no
	// error.
	AttachInterface(ctx context.Context, uuid string, nic Interface) error
	// DetachInterface unplugs the NIC (found by its MAC), waiting for a
	// running guest to release it, and removes it from the definition.
	// A NIC that is not there is no error.
	DetachInterface(ctx context.Context, uuid string, nic Interface) error
}
