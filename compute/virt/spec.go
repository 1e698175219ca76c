package virt

import (
	"context"
	"io"
	"time"
)

// InstanceSpec is everything a driver needs to build an instance's guest.
// The manager fills it from the instance, its flavor and its image.
type InstanceSpec struct {
	UUID string // the instance's uuid, also the guest's uuid
	// Name is the hypervisor's name of the guest (nova: instance-%08x of
	// the instance's id, from instance_name_template); the caller supplies it.
	Name string

	VCPUs       int
	MemoryMiB   int
	RootGB      int // flavor root_gb; 0 means "the image's size"
	EphemeralGB int // 0: no ephemeral disk
	SwapMiB     int // 0: no swap disk

	Image Image

	// Interfaces are the guest's NICs. None for now (no network service);
	// drivers render them when present.
	Interfaces []Interface

	Metadata Metadata

	// ConfigDrive is the path of a config drive image on this host (ISO
	// 9660, compute/configdrive) that the driver stores beside the disks
	// and attaches as a read-only cdrom; "" for none.
	ConfigDrive string
	// HasConfigDrive says the instance has one (<uuid>_disk.config) even
	// when ConfigDrive is empty: a redefinition (resize, rescue) keeps the
	// cdrom attached.
	HasConfigDrive bool

	// Volumes are the block storage volumes the guest has from its start,
	// in boot order, each with its Device set (boot from volume).
	Volumes []VolumeConnection
	// BootFromVolume says Volumes[0] is the root disk: no root disk is made
	// from the image.
	BootFromVolume bool
}

// Image describes the image the root disk is made from.
type Image struct {
	ID         string
	Name       string
	DiskFormat string // glance disk_format: raw, qcow2, ...
	SizeBytes  int64  // glance size; 0 when unknown
	// Location is the image's data in this deployment's Ceph cluster, taken
	// from the image's rbd:// location (direct_url). Nil when the image is
	// not in this cluster (or its fsid differs): the driver then calls Fetch.
	Location *RBDLocation
	// Fetch streams the image's data, for images outside this cluster. Nil
	// when the caller cannot download (then such an image is fault.Invalid).
	Fetch ImageFetcher
	// Properties are the image properties that shape the guest.
	Properties ImageProperties
}

// RBDLocation is Glance's rbd://FSID/POOL/IMAGE/SNAP location.
type RBDLocation struct {
	FSID  string
	Pool  string
	Image string
	Snap  string
}

// ImageFetcher opens the image's data for reading. size is the data's
// length in bytes, or -1 when unknown. The driver closes the reader.
type ImageFetcher func(ctx context.Context, imageID string) (data io.ReadCloser, size int64, err error)

// ImageProperties are the image properties (hw_*) that shape the guest;
// empty means the driver's default.
type ImageProperties struct {
	DiskBus        string // hw_disk_bus: virtio (default), scsi, ide, sata
	CDROMBus       string // hw_cdrom_bus
	VIFModel       string // hw_vif_model: virtio (default), e1000, rtl8139, ...
	VideoModel     string // hw_video_model
	MachineType    string // hw_machine_type
	FirmwareType   string // hw_firmware_type: bios (default) or uefi
	QemuGuestAgent bool   // hw_qemu_guest_agent
	OSType         string // os_type
}

// Interface is a guest NIC.
type Interface struct {
	ID         string // port id
	MACAddress string
	Bridge     string // the host bridge the tap joins
	TapName    string // the host-side device name, e.g. tapXXXXXXXX-XX
	Model      string // virtio unless set
	MTU        int
}

// Metadata is what nova writes into the domain's <metadata> element
// (nova's libvirt metadata namespace): for operators reading virsh dumpxml.
type Metadata struct {
	DisplayName string
	CreatedAt   time.Time
	FlavorName  string
	UserID      string
	UserName    string
	ProjectID   string
	ProjectName string
	// NovaVersion is the version the guest was built by; optional.
	NovaVersion string
}

// DestroyOptions tune Destroy.
type DestroyOptions struct {
	// KeepDisks leaves the instance's disks in place (an evacuated
	// instance's shared RBD disks are in use elsewhere).
	KeepDisks bool
}

// InstanceInfo is a guest's state as the hypervisor reports it.
type InstanceInfo struct {
	UUID      string
	Name      string
	State     PowerState
	MaxMemKiB uint64
	MemKiB    uint64
	VCPUs     int
	CPUTime   time.Duration
	// Saved reports a managed save image (a suspended guest, whose libvirt
	// state is shut off and power state therefore Shutdown, as upstream).
	Saved bool
}
