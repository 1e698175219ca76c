package libvirt

import (
	"context"
	"strings"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// volumeDisk is the domain disk of a block storage volume: its RBD image
// with the cephx user and libvirt secret Cinder's connection names (or
// nova's own), and the volume id as serial so the guest and DetachVolume
// find it again.
func (d *Driver) volumeDisk(ctx context.Context, vol virt.VolumeConnection, dev, bus string) (Disk, error) {
	pool, image, ok := strings.Cut(vol.Name, "/")
	if !ok || pool == "" || image == "" {
		return Disk{}, fault.New(fault.Invalid, "The volume connection names no RBD image (pool/image): %q.", vol.Name)
	}
	user, secret, err := d.volumeAuth(ctx, vol)
	if err != nil {
		return Disk{}, err
	}
	mons, err := d.volumeMonitors(ctx, vol)
	if err != nil {
		return Disk{}, err
	}
	return Disk{Pool: pool, Image: image, Dev: dev, Bus: bus, Monitors: mons, AuthUser: user, SecretUUID: secret,
		Serial: vol.VolumeID, ReadOnly: vol.ReadOnly, Shareable: vol.Multiattach, QoS: vol.QoS}, nil
}

// withVolumes places the spec's volumes among the guest's disks (nova's
// blockinfo for a boot from volume): the boot volume first on vda, the
// local disks after it, the other volumes on the device each asks for or
// the next free one. Cdroms (the config drive) keep their place.
func (d *Driver) withVolumes(ctx context.Context, spec virt.InstanceSpec, disks []Disk) ([]Disk, error) {
	if len(spec.Volumes) == 0 {
		return disks, nil
	}
	bus := spec.Image.Properties.DiskBus
	if bus == "" {
		bus = "virtio"
	}
	taken := map[string]bool{}
	var out []Disk
	rest := spec.Volumes
	if spec.BootFromVolume {
		dev, _ := DeviceName(bus, 0)
		root, err := d.volumeDisk(ctx, spec.Volumes[0], dev, bus)
		if err != nil {
			return nil, err
		}
		out = append(out, root)
		taken[dev] = true
		rest = rest[1:]
	}
	for _, v := range rest {
		if want := strings.TrimPrefix(v.Device, "/dev/"); want != "" && !taken[want] {
			taken[want] = true
		}
	}
	next := func(b string) (string, error) {
		for i := 0; ; i++ {
			dev, err := DeviceName(b, i)
			if err != nil {
				return "", fault.Wrap(err, fault.Invalid, "No free device name is left on the instance's %s bus.", b)
			}
			if !taken[dev] {
				taken[dev] = true
				return dev, nil
			}
		}
	}
	var cdroms []Disk
	for _, dk := range disks {
		if dk.Device == "cdrom" {
			cdroms = append(cdroms, dk)
			continue
		}
		dev, err := next(dk.Bus)
		if err != nil {
			return nil, err
		}
		dk.Dev = dev
		out = append(out, dk)
	}
	for _, v := range rest {
		dev := strings.TrimPrefix(v.Device, "/dev/")
		vbus := v.Bus
		if vbus == "" {
			vbus = bus
		}
		if dev == "" {
			var err error
			if dev, err = next(vbus); err != nil {
				return nil, err
			}
		}
		dk, err := d.volumeDisk(ctx, v, dev, vbus)
		if err != nil {
			return nil, err
		}
		out = append(out, dk)
	}
	return append(out, cdroms...), nil
}
