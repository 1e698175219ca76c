package libvirt

import (
	"testing"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

// TestRescue boots an instance from a rescue copy of the tiny image with
// its own disk second, then back from its own disk.
func TestRescue(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	ctx := ctxFor(t)
	spec := f.spec()
	spawn(t, d, spec)

	before := consoleNow(t, d, spec.UUID)
	if err := d.Rescue(ctx, spec, spec.Image); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Running)
	if got := liveDiskSources(t, f, spec.UUID); len(got) != 2 || got["vda"] != "vms/"+spec.UUID+"_disk.rescue" || got["vdb"] != "vms/"+spec.UUID+"_disk" {
		t.Fatalf("rescue disks %v", got)
	}
	waitBooted(t, d, spec.UUID, before) // from the rescue disk

	if err := d.Unrescue(ctx, spec); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Running)
	if got := liveDiskSources(t, f, spec.UUID); len(got) != 1 || got["vda"] != "vms/"+spec.UUID+"_disk" {
		t.Fatalf("unrescued disks %v", got)
	}
	for _, n := range instanceDisks(t, f, spec.UUID) {
		if n == spec.UUID+"_disk.rescue" {
			t.Fatal("the rescue disk is left")
		}
	}
}

// liveDiskSources maps the running guest's disk targets to their sources.
func liveDiskSources(t *testing.T, f *fixture, uuid string) map[string]string {
	t.Helper()
	c, err := golibvirt.NewConnect(f.uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dom, err := c.LookupDomainByUUIDString(uuid)
	if err != nil {
		t.Fatal(err)
	}
	defer dom.Free()
	_, live, _, err := disksOf(dom)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, disk := range live {
		out[disk.Target.Dev] = disk.Source.Name
	}
	return out
}
