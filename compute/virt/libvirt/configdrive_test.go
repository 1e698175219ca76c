package libvirt

import (
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/virt"
)

// TestConfigDriveDisk: the config drive is a read-only RBD cdrom
// <uuid>_disk.config on hw_cdrom_bus (ide by default), after the disks
// already on that bus, and nothing without one.
func TestConfigDriveDisk(t *testing.T) {
	d := &Driver{s: Settings{Pool: "vms", RBDUser: "nova", SecretUUID: "s-1"}}
	const uuid = "8f2a7a5e-0d8e-4a36-9d1c-6a3b6c3e0a11"
	spec := virt.InstanceSpec{UUID: uuid}
	if got := d.withConfigDrive(spec, nil, nil); len(got) != 0 {
		t.Fatalf("no config drive: %v", got)
	}
	spec.HasConfigDrive = true // a redefinition (resize, rescue)
	if got := d.withConfigDrive(spec, nil, nil); len(got) != 1 || got[0].Device != "cdrom" {
		t.Fatalf("redefinition drops the config drive: %v", got)
	}
	spec.HasConfigDrive = false
	spec.ConfigDrive = "/tmp/disk.config"
	for _, c := range []struct {
		cdromBus string
		disks    []Disk
		wantDev  string
		wantBus  string
	}{
		{"", []Disk{{Dev: "vda", Bus: "virtio"}}, "hda", "ide"},
		{"ide", []Disk{{Dev: "hda", Bus: "ide"}, {Dev: "hdb", Bus: "ide"}}, "hdc", "ide"},
		{"ide", []Disk{{Dev: "hda"}, {Dev: "hdb"}, {Dev: "hdc"}, {Dev: "hdd"}}, "sda", "sata"},
		{"sata", []Disk{{Dev: "vda", Bus: "virtio"}}, "sda", "sata"},
	} {
		spec.Image.Properties.CDROMBus = c.cdromBus
		got := d.withConfigDrive(spec, c.disks, []Monitor{{Host: "127.0.0.1", Port: "6789"}})
		cd := got[len(got)-1]
		if cd.Dev != c.wantDev || cd.Bus != c.wantBus || cd.Device != "cdrom" || !cd.ReadOnly ||
			cd.Pool != "vms" || cd.Image != uuid+"_disk.config" || cd.AuthUser != "nova" || cd.SecretUUID != "s-1" {
			t.Errorf("bus %q after %v: %+v", c.cdromBus, c.disks, cd)
		}
	}
	spec.Image.Properties.CDROMBus = ""
	g := Guest{VirtType: "qemu", Name: "instance-00000001", UUID: uuid, MemoryMiB: 128, VCPUs: 1,
		Disks: d.withConfigDrive(spec, []Disk{{Pool: "vms", Image: uuid + "_disk", Dev: "vda", Bus: "virtio"}}, nil)}
	x, err := DomainXML(g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x, `device="cdrom"`) || !strings.Contains(x, uuid+`_disk.config`) || !strings.Contains(x, `<target dev="hda" bus="ide">`) || !strings.Contains(x, "<readonly>") {
		t.Errorf("domain XML:\n%s", x)
	}
}
