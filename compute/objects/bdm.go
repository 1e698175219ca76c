package objects

// Block device mapping source and destination types (nova's
// block_device_mapping_v2 vocabulary).
const (
	SourceImage    = "image"
	SourceVolume   = "volume"
	SourceSnapshot = "snapshot"
	SourceBlank    = "blank"

	DestinationLocal  = "local"
	DestinationVolume = "volume"
)

// BlockDeviceMapping is one disk of an instance (nova's BlockDeviceMapping
// object). The root disk of an image-backed instance is an image->local
// mapping with boot index 0; ephemeral and swap disks are blank->local
// mappings with GuestFormat "swap" for swap.
type BlockDeviceMapping struct {
	ID                  int64  `json:"id,omitempty"`
	UUID                string `json:"uuid"`
	InstanceUUID        string `json:"instance_uuid"`
	SourceType          string `json:"source_type"`
	DestinationType     string `json:"destination_type"`
	DeviceType          string `json:"device_type,omitempty"` // disk, cdrom
	DiskBus             string `json:"disk_bus,omitempty"`    // virtio, scsi...
	BootIndex           *int   `json:"boot_index"`            // nil: not bootable
	DeviceName          string `json:"device_name,omitempty"` // /dev/vda
	ImageID             string `json:"image_id,omitempty"`
	VolumeID            string `json:"volume_id,omitempty"`
	SnapshotID          string `json:"snapshot_id,omitempty"`
	VolumeSize          int    `json:"volume_size,omitempty"` // GiB
	VolumeType          string `json:"volume_type,omitempty"`
	GuestFormat         string `json:"guest_format,omitempty"` // "swap" or a filesystem
	DeleteOnTermination bool   `json:"delete_on_termination"`
	ConnectionInfo      string `json:"connection_info,omitempty"` // JSON from Cinder
	AttachmentID        string `json:"attachment_id,omitempty"`
	Tag                 string `json:"tag,omitempty"`
	NoDevice            bool   `json:"no_device,omitempty"`
}

// IsRoot reports whether the mapping is the boot disk.
func (b *BlockDeviceMapping) IsRoot() bool { return b.BootIndex != nil && *b.BootIndex == 0 }

// IsSwap reports whether the mapping is a swap disk.
func (b *BlockDeviceMapping) IsSwap() bool {
	return b.SourceType == SourceBlank && b.DestinationType == DestinationLocal && b.GuestFormat == "swap"
}

// IsEphemeral reports whether the mapping is a local ephemeral disk.
func (b *BlockDeviceMapping) IsEphemeral() bool {
	return b.SourceType == SourceBlank && b.DestinationType == DestinationLocal && b.GuestFormat != "swap"
}
