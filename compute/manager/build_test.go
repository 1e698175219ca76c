package manager

import "testing"

// The root device name a build records (nova's root_device_name, which
// gophercloud's TestServersWithExtendedAttributesCreateDestroy expects
// set): the first disk on the image's bus.
func TestRootDeviceName(t *testing.T) {
	for bus, want := range map[string]string{"": "/dev/vda", "virtio": "/dev/vda", "scsi": "/dev/sda", "sata": "/dev/sda", "ide": "/dev/hda"} {
		if got := rootDeviceName(bus); got != want {
			t.Errorf("rootDeviceName(%q) = %q, want %q", bus, got, want)
		}
	}
}
