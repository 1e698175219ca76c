package rpcapi

import (
	"context"
	"strings"
	"time"

	"github.com/gostack/gostack/services/rpc"
)

// Topics and exchange, as upstream's constants.
const (
	Exchange       = "cinder"
	SchedulerTopic = "cinder-scheduler"
	VolumeTopic    = "cinder-volume"
	BackupTopic    = "cinder-backup"
)

// Method names.
const (
	MethodCreateVolume        = "create_volume"
	MethodDeleteVolume        = "delete_volume"
	MethodCreateSnapshot      = "create_snapshot"
	MethodDeleteSnapshot      = "delete_snapshot"
	MethodExtendVolume        = "extend_volume"
	MethodCopyVolumeToImage   = "copy_volume_to_image"
	MethodRetype              = "retype"
	MethodInitConnection      = "initialize_connection"
	MethodTerminateConnection = "terminate_connection"
	MethodUpdateCapabilities  = "update_service_capabilities"
	MethodPublishCapabilities = "publish_service_capabilities"
	MethodGetPools            = "get_pools"
)

// BackendOf returns host@backend of a volume host host@backend#pool, the
// server name of its volume manager.
func BackendOf(host string) string {
	if i := strings.IndexByte(host, '#'); i >= 0 {
		return host[:i]
	}
	return host
}

// PoolOf returns the pool part of host@backend#pool, or "".
func PoolOf(host string) string {
	if i := strings.IndexByte(host, '#'); i >= 0 {
		return host[i+1:]
	}
	return ""
}

// RequestSpec is what the scheduler needs to place a volume.
type RequestSpec struct {
	VolumeID         string            `json:"volume_id"`
	Size             int               `json:"size"`
	VolumeTypeID     string            `json:"volume_type_id"`
	VolumeTypeName   string            `json:"volume_type_name"`
	ExtraSpecs       map[string]string `json:"extra_specs"`
	AvailabilityZone string            `json:"availability_zone"`
	SnapshotID       string            `json:"snapshot_id,omitempty"`
	SourceVolID      string            `json:"source_volid,omitempty"`
	ImageID          string            `json:"image_id,omitempty"`
	// SourceHost pins the volume to the backend of its snapshot or source
	// volume (host@backend#pool), as upstream's scheduler does.
	SourceHost string `json:"source_host,omitempty"`
}

// CreateVolume is the argument of create_volume (scheduler and volume).
type CreateVolume struct {
	VolumeID    string      `json:"volume_id"`
	RequestSpec RequestSpec `json:"request_spec"`
}

// VolumeRef names a volume.
type VolumeRef struct {
	VolumeID string `json:"volume_id"`
	Cascade  bool   `json:"cascade,omitempty"`
}

// SnapshotRef names a snapshot.
type SnapshotRef struct {
	SnapshotID string `json:"snapshot_id"`
}

// ExtendVolume is the argument of extend_volume.
type ExtendVolume struct {
	VolumeID string `json:"volume_id"`
	NewSize  int    `json:"new_size"`
}

// ImageMeta is the Glance image copy_volume_to_image uploads into.
type ImageMeta struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	DiskFormat      string `json:"disk_format"`
	ContainerFormat string `json:"container_format"`
}

// CopyVolumeToImage is the argument of copy_volume_to_image.
type CopyVolumeToImage struct {
	VolumeID  string    `json:"volume_id"`
	ImageMeta ImageMeta `json:"image_meta"`
}

// Retype is the argument of the volume manager's retype: in place when
// Dest is nil, else a migration to Dest (another backend)
// (migrate.go), which the scheduler chose under the on-demand policy.
type Retype struct {
	VolumeID  string       `json:"volume_id"`
	NewTypeID string       `json:"new_type_id"`
	Policy    string       `json:"migration_policy,omitempty"`
	Dest      *Destination `json:"host,omitempty"`
}

// Migration policies of os-retype.
const (
	PolicyNever    = "never"
	PolicyOnDemand = "on-demand"
)

// ScheduleRetype is the argument of the scheduler's retype: find a backend
// for the volume under its new type, its own when it qualifies, another one
// only with the on-demand migration policy. The new type is the request
// spec's.
type ScheduleRetype struct {
	VolumeID    string      `json:"volume_id"`
	Policy      string      `json:"migration_policy"`
	RequestSpec RequestSpec `json:"request_spec"`
}

// Connection is the argument of initialize_connection and
// terminate_connection: the volume and the connector of the host that
// attaches it (os-brick's connector properties).
type Connection struct {
	VolumeID  string         `json:"volume_id"`
	Connector map[string]any `json:"connector"`
}

// ConnectionInfo is what initialize_connection returns.
type ConnectionInfo struct {
	DriverVolumeType string         `json:"driver_volume_type"`
	Data             map[string]any `json:"data"`
}

// Capabilities is what a backend reports to the schedulers.
type Capabilities struct {
	Host               string  `json:"host"` // host@backend
	VolumeBackendName  string  `json:"volume_backend_name"`
	Pool               string  `json:"pool_name"`
	AvailabilityZone   string  `json:"availability_zone"`
	VendorName         string  `json:"vendor_name"`
	DriverVersion      string  `json:"driver_version"`
	StorageProtocol    string  `json:"storage_protocol"`
	TotalCapacityGB    float64 `json:"total_capacity_gb"`
	FreeCapacityGB     float64 `json:"free_capacity_gb"`
	ProvisionedGB      float64 `json:"provisioned_capacity_gb"`
	AllocatedGB        float64 `json:"allocated_capacity_gb"`
	ReservedPercentage int     `json:"reserved_percentage"`
	MaxOverSubRatio    float64 `json:"max_over_subscription_ratio"`
	ThinProvisioning   bool    `json:"thin_provisioning_support"`
	MultiAttach        bool    `json:"multiattach"`
	// LocationInfo is upstream's RBD location_info,
	// cluster:conf:fsid:user:pool, which a migration compares.
	LocationInfo string    `json:"location_info,omitempty"`
	Timestamp    time.Time `json:"timestamp"`
}

// Pool is one entry of get_pools.
type Pool struct {
	Name         string       `json:"name"` // host@backend#pool
	Capabilities Capabilities `json:"capabilities"`
}

// Client casts to the scheduler and to volume managers.
type Client struct{ c *rpc.Client }

// NewClient returns a Client over an RPC client.
func NewClient(c *rpc.Client) *Client { return &Client{c: c} }

func volumeTarget(host string) rpc.Target {
	return rpc.Target{Exchange: Exchange, Topic: VolumeTopic, Server: BackendOf(host)}
}

// SchedulerTarget is the scheduler's shared queue.
var SchedulerTarget = rpc.Target{Exchange: Exchange, Topic: SchedulerTopic}

// ScheduleCreateVolume asks a scheduler to place and create a volume.
func (c *Client) ScheduleCreateVolume(ctx context.Context, spec RequestSpec) error {
	return c.c.Cast(ctx, SchedulerTarget, MethodCreateVolume, CreateVolume{VolumeID: spec.VolumeID, RequestSpec: spec})
}

// GetPools asks a scheduler for the pools it knows.
func (c *Client) GetPools(ctx context.Context) ([]Pool, error) {
	var out []Pool
	err := c.c.Call(ctx, SchedulerTarget, MethodGetPools, struct{}{}, &out)
	return out, err
}

// CreateVolume casts create_volume to the backend of host.
func (c *Client) CreateVolume(ctx context.Context, host string, spec RequestSpec) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodCreateVolume, CreateVolume{VolumeID: spec.VolumeID, RequestSpec: spec})
}

// DeleteVolume casts delete_volume.
func (c *Client) DeleteVolume(ctx context.Context, host, id string, cascade bool) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodDeleteVolume, VolumeRef{VolumeID: id, Cascade: cascade})
}

// CreateSnapshot casts create_snapshot.
func (c *Client) CreateSnapshot(ctx context.Context, host, id string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodCreateSnapshot, SnapshotRef{SnapshotID: id})
}

// DeleteSnapshot casts delete_snapshot.
func (c *Client) DeleteSnapshot(ctx context.Context, host, id string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodDeleteSnapshot, SnapshotRef{SnapshotID: id})
}

// ExtendVolume casts extend_volume.
func (c *Client) ExtendVolume(ctx context.Context, host, id string, size int) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodExtendVolume, ExtendVolume{VolumeID: id, NewSize: size})
}

// CopyVolumeToImage casts copy_volume_to_image.
func (c *Client) CopyVolumeToImage(ctx context.Context, host, id string, meta ImageMeta) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodCopyVolumeToImage, CopyVolumeToImage{VolumeID: id, ImageMeta: meta})
}

// ScheduleRetype asks a scheduler to retype a volume (os-retype).
func (c *Client) ScheduleRetype(ctx context.Context, a ScheduleRetype) error {
	return c.c.Cast(ctx, SchedulerTarget, MethodRetype, a)
}

// Retype casts retype to the volume's backend, host.
func (c *Client) Retype(ctx context.Context, host string, a Retype) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodRetype, a)
}

// InitializeConnection calls initialize_connection.
func (c *Client) InitializeConnection(ctx context.Context, host, id string, connector map[string]any) (ConnectionInfo, error) {
	var out ConnectionInfo
	err := c.c.Call(ctx, volumeTarget(host), MethodInitConnection, Connection{VolumeID: id, Connector: connector}, &out)
	return out, err
}

// TerminateConnection calls terminate_connection.
func (c *Client) TerminateConnection(ctx context.Context, host, id string, connector map[string]any) error {
	return c.c.Call(ctx, volumeTarget(host), MethodTerminateConnection, Connection{VolumeID: id, Connector: connector}, nil)
}

// ReportCapabilities fans a backend's capabilities out to the schedulers.
func (c *Client) ReportCapabilities(ctx context.Context, caps Capabilities) error {
	return c.c.Fanout(ctx, SchedulerTopic, MethodUpdateCapabilities, caps)
}

// AskCapabilities fans publish_service_capabilities out to the volume
// managers, which report at once (a scheduler that just started).
func (c *Client) AskCapabilities(ctx context.Context) error {
	return c.c.Fanout(ctx, VolumeTopic, MethodPublishCapabilities, struct{}{})
}
