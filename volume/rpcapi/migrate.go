package rpcapi

import "context"

// MethodMigrateVolume is migrate_volume, of the scheduler (check the
// backend an admin named) and of the volume manager of the volume's
// backend (move the volume there), as upstream's.
const MethodMigrateVolume = "migrate_volume"

// Destination is the backend a volume moves to, as the scheduler knows
// it: upstream's host dict ({'host': ..., 'capabilities': ...}) with what
// a migration reads of the capabilities.
type Destination struct {
	Host             string `json:"host"` // host@backend#pool
	AvailabilityZone string `json:"availability_zone"`
	StorageProtocol  string `json:"storage_protocol"`
	LocationInfo     string `json:"location_info"`
}

// DestinationOf is the destination a backend's capabilities describe.
func DestinationOf(c Capabilities) Destination {
	return Destination{Host: c.Host + "#" + c.Pool, AvailabilityZone: c.AvailabilityZone,
		StorageProtocol: c.StorageProtocol, LocationInfo: c.LocationInfo}
}

// ScheduleMigrate is the argument of the scheduler's migrate_volume: the
// volume (migration_status starting) and the backend the admin named,
// host@backend or host@backend#pool, checked against the volume's type
// and size with the filters.
type ScheduleMigrate struct {
	VolumeID      string      `json:"volume_id"`
	Host          string      `json:"host"`
	ForceHostCopy bool        `json:"force_host_copy"`
	RequestSpec   RequestSpec `json:"request_spec"`
}

// MigrateVolume is the argument of the volume manager's migrate_volume,
// cast to the backend that holds the volume.
type MigrateVolume struct {
	VolumeID      string      `json:"volume_id"`
	Dest          Destination `json:"host"`
	ForceHostCopy bool        `json:"force_host_copy"`
}

// ScheduleMigrate asks a scheduler to check the destination of a
// migration and to start it (os-migrate_volume).
func (c *Client) ScheduleMigrate(ctx context.Context, a ScheduleMigrate) error {
	return c.c.Cast(ctx, SchedulerTarget, MethodMigrateVolume, a)
}

// MigrateVolume casts migrate_volume to the backend of host, the volume's.
func (c *Client) MigrateVolume(ctx context.Context, host string, a MigrateVolume) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodMigrateVolume, a)
}
