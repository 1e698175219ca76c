package virt

import "context"

// Rebuilder is the optional ability to rebuild an instance in place
// (nova's rebuild): the guest stops, its root disk is made anew from
// spec.Image, and it boots again with the same identity and the volumes
// it had.
type Rebuilder interface {
	// Rebuild replaces the root disk (and, unless preserveEphemeral, the
	// ephemeral disk) and boots the guest from it.
	Rebuild(ctx context.Context, spec InstanceSpec, preserveEphemeral bool) error
}
