package driver

import "context"

// BackendVolume is a volume of the backend's storage as the driver finds it
// when Cinder lists what it could manage (upstream's
// get_manageable_volumes entries before the manager's judgement).
type BackendVolume struct {
	// Ref is the name an operator manages it by: the "source-name" of
	// the reference.
	Ref string
	// SizeGB is its size rounded up to whole GiB.
	SizeGB int
	// VolumeID is the Cinder volume id its name carries (RBD:
	// volume-<uuid>), or "".
	VolumeID string
	// InUse says a client has it open (RBD: it has watchers).
	InUse bool
	// Deleted says it is the remains of a deleted volume kept for its
	// clones (RBD: a name ending in .deleted).
	Deleted bool
}

// Manager is a driver that can take existing storage into Cinder's care
// and let go of it, upstream's ManageableVD.
type Manager interface {
	// ManageableVolumes lists the backend's volumes, Cinder's included.
	ManageableVolumes(ctx context.Context) ([]BackendVolume, error)
	// ManageSize returns the size, in GiB rounded up, of the storage ref
	// names; a ref that names nothing is a fault.Invalid error.
	ManageSize(ctx context.Context, ref string) (int, error)
	// Manage makes the storage ref names the backend volume of volume id
	// (RBD: renames the image volume-<id>). A repeat after success is not
	// an error.
	Manage(ctx context.Context, id, ref string) error
}
