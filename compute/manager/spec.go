package manager

import (
	"fmt"
	"strings"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
)

// DomainName is the hypervisor's name of an instance's guest: nova's
// instance_name_template "instance-%08x" of the instance's database id
// (the uuid when it has none).
func DomainName(inst *objects.Instance) string {
	if inst.ID > 0 {
		return fmt.Sprintf("instance-%08x", inst.ID)
	}
	return "instance-" + inst.UUID
}

// ParseRBDLocation parses Glance's rbd://FSID/POOL/IMAGE/SNAP location; ok
// is false for anything else.
func ParseRBDLocation(loc string) (virt.RBDLocation, bool) {
	rest, ok := strings.CutPrefix(loc, "rbd://")
	if !ok {
		return virt.RBDLocation{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 {
		return virt.RBDLocation{}, false
	}
	for _, p := range parts {
		if p == "" {
			return virt.RBDLocation{}, false
		}
	}
	return virt.RBDLocation{FSID: parts[0], Pool: parts[1], Image: parts[2], Snap: parts[3]}, true
}

// InstanceSpec maps an instance, its flavor copy and its image to what the
// driver builds. Image properties come from the image (the instance's
// system metadata image_* keys as a fallback, as nova keeps them).
func InstanceSpec(inst *objects.Instance, img *objects.ImageMeta) virt.InstanceSpec {
	props := map[string]string{}
	for k, v := range inst.SystemMetadata {
		if p, ok := strings.CutPrefix(k, "image_"); ok {
			props[p] = v
		}
	}
	for k, v := range img.Properties {
		props[k] = v
	}
	image := virt.Image{
		ID:         img.ID,
		Name:       img.Name,
		DiskFormat: img.DiskFormat,
		SizeBytes:  img.Size,
		Properties: virt.ImageProperties{
			DiskBus:        props["hw_disk_bus"],
			CDROMBus:       props["hw_cdrom_bus"],
			VIFModel:       props["hw_vif_model"],
			VideoModel:     props["hw_video_model"],
			MachineType:    props["hw_machine_type"],
			FirmwareType:   props["hw_firmware_type"],
			QemuGuestAgent: strings.EqualFold(props["hw_qemu_guest_agent"], "yes") || strings.EqualFold(props["hw_qemu_guest_agent"], "true"),
			OSType:         props["os_type"],
		},
	}
	if image.ID == "" {
		image.ID = inst.ImageRef
	}
	for _, l := range img.Locations {
		if loc, ok := ParseRBDLocation(l); ok {
			image.Location = &loc
			break
		}
	}
	return virt.InstanceSpec{
		UUID:        inst.UUID,
		Name:        DomainName(inst),
		VCPUs:       inst.Flavor.VCPUs,
		MemoryMiB:   inst.Flavor.MemoryMB,
		RootGB:      inst.Flavor.RootGB,
		EphemeralGB: inst.Flavor.EphemeralGB,
		SwapMiB:     inst.Flavor.Swap,
		Image:       image,
		// config drives forced by [DEFAULT] force_config_drive are not
		// recorded on the instance (prepareConfigDrive sets it on spawn).
		HasConfigDrive: inst.ConfigDrive,
		Metadata: virt.Metadata{
			DisplayName: inst.Name,
			CreatedAt:   inst.CreatedAt,
			FlavorName:  inst.Flavor.Name,
			UserID:      inst.UserID,
			ProjectID:   inst.ProjectID,
		},
	}
}
