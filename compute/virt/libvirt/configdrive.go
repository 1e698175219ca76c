package libvirt

import (
	"context"
	"os"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// configDriveName is the RBD image of an instance's config drive, as
// nova's Rbd image backend names it (<uuid>_disk.config).
func configDriveName(uuid string) string { return uuid + "_disk.config" }

// importConfigDrive stores spec.ConfigDrive (a local ISO) as
// <pool>/<uuid>_disk.config; removed with the instance's other disks.
func (d *Driver) importConfigDrive(ctx context.Context, spec virt.InstanceSpec, made *createdDisks) error {
	if spec.ConfigDrive == "" {
		return nil
	}
	f, err := os.Open(spec.ConfigDrive)
	if err != nil {
		return fault.Wrap(err, fault.Internal, "Cannot read the config drive of instance %s.", spec.UUID)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fault.Wrap(err, fault.Internal, "Cannot read the config drive of instance %s.", spec.UUID)
	}
	target := ceph.ImageSpec(d.s.Pool, configDriveName(spec.UUID))
	if _, err := d.ceph.Import(ctx, target, f, ceph.ImportOptions{Size: st.Size()}); err != nil {
		return err
	}
	*made = append(*made, target)
	return nil
}

// withConfigDrive adds the config drive as a read-only cdrom on
// hw_cdrom_bus (ide, the default of x86 "pc" machines; sata for q35),
// after the disks already on that bus.
func (d *Driver) withConfigDrive(spec virt.InstanceSpec, disks []Disk, monitors []Monitor) []Disk {
	if spec.ConfigDrive == "" && !spec.HasConfigDrive {
		return disks
	}
	bus := spec.Image.Properties.CDROMBus
	if bus == "" {
		bus = "ide"
	}
	used := map[string]bool{}
	for _, dk := range disks {
		used[dk.Dev] = true
	}
	dev, ok := freeDevice(bus, used)
	if !ok { // an IDE bus is full (4 devices)
		bus = "sata"
		dev, _ = freeDevice(bus, used)
	}
	return append(disks, Disk{Pool: d.s.Pool, Image: configDriveName(spec.UUID), Dev: dev, Bus: bus, Device: "cdrom",
		Monitors: monitors, AuthUser: d.s.RBDUser, SecretUUID: d.s.SecretUUID, ReadOnly: true})
}

// freeDevice is the first device name on bus that is not used.
func freeDevice(bus string, used map[string]bool) (string, bool) {
	for n := 0; n < 26; n++ {
		name, err := DeviceName(bus, n)
		if err != nil {
			return "", false
		}
		if !used[name] {
			return name, true
		}
	}
	return "", false
}
