package libvirt

import (
	"context"
	"strings"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

var _ virt.VolumeDeviceNamer = (*Driver)(nil)

// NextVolumeDevice implements virt.VolumeDeviceNamer from the guest's live
// and persistent definitions.
func (d *Driver) NextVolumeDevice(ctx context.Context, uuid, want, bus string) (string, error) {
	if bus == "" {
		bus = "virtio"
	}
	var dev string
	err := d.withDomain(uuid, "choose a device in", func(dom *golibvirt.Domain) error {
		config, live, _, err := disksOf(dom)
		if err != nil {
			return err
		}
		dev, err = pickDevice(bus, strings.TrimPrefix(want, "/dev/"), append(live, config...))
		return err
	})
	if err != nil {
		return "", err
	}
	return "/dev/" + dev, nil
}
