package registry

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Image statuses (glance/domain Image.valid_state_targets).
const (
	StatusQueued        = "queued"
	StatusSaving        = "saving"
	StatusActive        = "active"
	StatusKilled        = "killed"
	StatusDeleted       = "deleted"
	StatusDeactivated   = "deactivated"
	StatusUploading     = "uploading"
	StatusImporting     = "importing"
	StatusPendingDelete = "pending_delete"
)

// Image is one image record. Pointer fields are nullable columns.
type Image struct {
	ID              string
	Name            *string
	Status          string
	Visibility      string
	Protected       bool
	OSHidden        bool
	Owner           *string
	DiskFormat      *string
	ContainerFormat *string
	Size            *int64
	VirtualSize     *int64
	Checksum        *string
	OSHashAlgo      *string
	OSHashValue     *string
	MinDisk         int
	MinRAM          int
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Properties map[string]string // custom properties, flattened in views
	Tags       []string          // in the order they were added
	Locations  []Location        // active data locations
}

// Location is where an image's data is kept.
type Location struct {
	URL      string
	Metadata map[string]any
	Status   string
}

// Registry reads and writes image records.
type Registry struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// New returns a registry over a glance database; now nil means time.Now.
func New(pool *pgxpool.Pool, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{db: pool, now: now}
}

// Now returns the registry's clock, truncated to what the API shows
// (seconds), in UTC.
func (r *Registry) Now() time.Time { return r.now().UTC().Truncate(time.Second) }

const imageColumns = `id, name, status, visibility, protected, os_hidden, owner, disk_format,
	container_format, size, virtual_size, checksum, os_hash_algo, os_hash_value, min_disk, min_ram,
	created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanImage(row scanner) (Image, error) {
	var im Image
	err := row.Scan(&im.ID, &im.Name, &im.Status, &im.Visibility, &im.Protected, &im.OSHidden, &im.Owner,
		&im.DiskFormat, &im.ContainerFormat, &im.Size, &im.VirtualSize, &im.Checksum, &im.OSHashAlgo,
		&im.OSHashValue, &im.MinDisk, &im.MinRAM, &im.CreatedAt, &im.UpdatedAt)
	im.CreatedAt, im.UpdatedAt = im.CreatedAt.UTC(), im.UpdatedAt.UTC()
	return im, err
}
