package virt

import "context"

// Snapshotter is the optional ability to copy an instance's root disk into
// the image store (createImage of an image-backed server), as nova's
// direct snapshot of RBD disks.
type Snapshotter interface {
	// DirectSnapshot copies the instance's root disk into pool as image
	// imageID with a protected snapshot "snap", the way Glance stores
	// images, and returns its Glance location rbd://FSID/POOL/IMAGE/snap.
	// The copy is flattened: it does not depend on the instance's disk,
	// which may be deleted at once. A failure leaves nothing behind.
	DirectSnapshot(ctx context.Context, uuid, imageID, pool string) (location string, err error)
}
