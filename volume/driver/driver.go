package driver

import (
	"context"
	"errors"
	"io"

	"github.com/gostack/gostack/volume/rpcapi"
)

// Stats are a backend's capacity and identity for the scheduler.
type Stats struct {
	Pool            string
	TotalCapacityGB float64
	FreeCapacityGB  float64
	ProvisionedGB   float64
	StorageProtocol string
	VendorName      string
	DriverVersion   string
	MultiAttach     bool
	// LocationInfo identifies the backend's storage for migrations
	// (RBD: cluster:conf:fsid:user:pool, as upstream's location_info).
	LocationInfo string
}

// ImageLocation is where Glance keeps an image's data, for drivers that can
// clone it without copying (an RBD snapshot in the same cluster).
type ImageLocation struct {
	ImageID string
	URL     string // rbd://fsid/pool/image/snap, or "" when Glance did not say
	Size    int64
	Format  string // disk_format
}

// Driver is one storage backend. Sizes are GiB; ids are Cinder's. Every
// method is idempotent where a redelivered message could repeat it.
type Driver interface {
	// Stats reports capacity; an error means the backend is unusable now.
	Stats(ctx context.Context) (Stats, error)
	// CreateVolume makes an empty volume.
	CreateVolume(ctx context.Context, id string, sizeGB int) error
	// CreateFromSnapshot makes a volume from a snapshot of another volume.
	CreateFromSnapshot(ctx context.Context, id string, sizeGB int, srcVolumeID, snapshotID string) error
	// CreateClone makes a volume from another volume's current data.
	CreateClone(ctx context.Context, id string, sizeGB int, srcVolumeID string) error
	// CloneImage makes the volume a copy-on-write clone of the image when
	// the backend can reach the image's data; false means "copy instead".
	CloneImage(ctx context.Context, id string, sizeGB int, loc ImageLocation) (bool, error)
	// ImportImage writes raw image data into a new volume of sizeGB.
	ImportImage(ctx context.Context, id string, sizeGB int, r io.Reader, size int64) error
	// Export writes the volume's data to w.
	Export(ctx context.Context, id string, w io.Writer) (int64, error)
	// DeleteVolume removes a volume; a missing one is not an error. Clones
	// of the volume keep working.
	DeleteVolume(ctx context.Context, id string) error
	// Extend grows a volume.
	Extend(ctx context.Context, id string, sizeGB int) error
	// CreateSnapshot and DeleteSnapshot manage a volume's snapshots.
	CreateSnapshot(ctx context.Context, volumeID, snapshotID string) error
	DeleteSnapshot(ctx context.Context, volumeID, snapshotID string) error
	// Connection is what a host needs to attach the volume.
	Connection(ctx context.Context, id string, connector map[string]any) (rpcapi.ConnectionInfo, error)
	// Close releases the backend's connections.
	Close() error
}

// ErrCannotMigrate is what a Migrator's refusal wraps: the driver cannot
// make this move itself (another cluster, another kind of backend, an
// attached volume changing pool), where upstream falls back to its generic
// host-copy migration. The volume is untouched.
var ErrCannotMigrate = errors.New("the driver cannot make this migration")

// Migrator is a driver that moves its volumes to another backend itself,
// upstream's driver-assisted migrate_volume.
type Migrator interface {
	// MigrateVolume moves the volume to dest. A refusal wraps
	// ErrCannotMigrate; after any error the volume is whole where it was
	// and nothing it made on dest is left.
	MigrateVolume(ctx context.Context, id string, attached bool, dest rpcapi.Destination) error
}

// QoSSetter is a driver that enforces the back-end part of QoS specs (those
// of consumer back-end or both) on a volume's storage itself, as upstream's
// RBD driver does since Zed. The manager hands it the specs of the volume's
// type when a volume is created, whatever its source, and those of the new
// type on a retype.
type QoSSetter interface {
	// SetQoS makes specs the volume's back-end QoS: the keys the driver
	// knows are applied, limits it applied before and that specs lacks
	// are removed (nil or empty specs remove them all). Other keys are
	// ignored.
	SetQoS(ctx context.Context, id string, specs map[string]string) error
}

// Reverter is a driver that returns a volume to one of its snapshots in
// place, upstream's driver revert_to_snapshot. A driver without it cannot
// revert (upstream's generic copy of the snapshot into the volume is not
// built).
type Reverter interface {
	// RevertToSnapshot makes the volume's data (and size) the snapshot's.
	// The volume is not attached.
	RevertToSnapshot(ctx context.Context, volumeID, snapshotID string) error
}
