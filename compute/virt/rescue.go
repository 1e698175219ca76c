package virt

import "context"

// Rescuer is the optional ability to boot an instance from a rescue image
// with its own root disk attached as a second disk (nova's rescue and
// unrescue).
type Rescuer interface {
	// Rescue stops the guest and boots it from a fresh copy of rescue
	// (the instance's image or another), the instance's disks following.
	Rescue(ctx context.Context, spec InstanceSpec, rescue Image) error
	// Unrescue boots the instance from its own disks again and removes the
	// rescue disk.
	Unrescue(ctx context.Context, spec InstanceSpec) error
}
