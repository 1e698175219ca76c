package objects

import "time"

// Instance is a virtual machine: nova's Instance object (a "server" in the
// API). Times are UTC; nil pointers are nova's None.
type Instance struct {
	ID               int64             `json:"id,omitempty"` // database id; ec2-style names derive from it
	UUID             string            `json:"uuid"`
	Name             string            `json:"display_name"`
	Description      string            `json:"display_description,omitempty"`
	Hostname         string            `json:"hostname"`
	ProjectID        string            `json:"project_id"`
	UserID           string            `json:"user_id"`
	ImageRef         string            `json:"image_ref"` // "" for boot from volume
	Flavor           Flavor            `json:"flavor"`    // the copy taken at create (or resize)
	Host             string            `json:"host,omitempty"`
	Node             string            `json:"node,omitempty"` // hypervisor_hostname
	AvailabilityZone string            `json:"availability_zone,omitempty"`
	VMState          string            `json:"vm_state"`
	TaskState        string            `json:"task_state,omitempty"` // "" is None
	PowerState       int               `json:"power_state"`
	KeyName          string            `json:"key_name,omitempty"`
	KeyData          string            `json:"key_data,omitempty"`
	UserData         string            `json:"user_data,omitempty"` // base64, as the API took it
	ConfigDrive      bool              `json:"config_drive,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	SystemMetadata   map[string]string `json:"system_metadata,omitempty"` // image_* properties etc.
	Tags             []string          `json:"tags,omitempty"`
	Locked           bool              `json:"locked,omitempty"`
	LockedBy         string            `json:"locked_by,omitempty"` // "owner" or "admin"
	LockedReason     string            `json:"locked_reason,omitempty"`
	LaunchIndex      int               `json:"launch_index"`
	ReservationID    string            `json:"reservation_id"`
	Progress         int               `json:"progress"`
	RootDeviceName   string            `json:"root_device_name,omitempty"`
	LaunchedAt       *time.Time        `json:"launched_at,omitempty"`
	TerminatedAt     *time.Time        `json:"terminated_at,omitempty"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        *time.Time        `json:"updated_at,omitempty"`
	DeletedAt        *time.Time        `json:"deleted_at,omitempty"`
	// Cleaned is set once a compute host removed what a deleted instance
	// left on it (domain, disks); nova's instances.cleaned.
	Cleaned bool `json:"cleaned,omitempty"`
}

// Deleted reports whether the instance is (soft-)deleted in the database.
func (i *Instance) Deleted() bool { return i.DeletedAt != nil }

// Status is the instance's API status.
func (i *Instance) Status() string { return Status(i.VMState, i.TaskState) }

// Fault is an instance fault: why its last action failed (nova's
// instance_faults row). Code is an HTTP-like status (500 by default).
type Fault struct {
	InstanceUUID string    `json:"instance_uuid"`
	Code         int       `json:"code"`
	Message      string    `json:"message"`
	Details      string    `json:"details,omitempty"` // shown to admins, and to owners for non-500 codes
	Host         string    `json:"host,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// ImageMeta is what nova needs from a Glance image to build an instance.
type ImageMeta struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	DiskFormat      string `json:"disk_format"`
	ContainerFormat string `json:"container_format"`
	Size            int64  `json:"size"` // bytes
	VirtualSize     int64  `json:"virtual_size,omitempty"`
	MinDisk         int    `json:"min_disk"` // GiB
	MinRAM          int    `json:"min_ram"`  // MiB
	Checksum        string `json:"checksum,omitempty"`
	// Locations are the image's direct URLs (rbd://fsid/pool/image/snap)
	// when Glance shows them; compute clones from them when they are in
	// its own cluster.
	Locations  []string          `json:"locations,omitempty"`
	Properties map[string]string `json:"properties,omitempty"` // hw_*, os_* etc.
}
