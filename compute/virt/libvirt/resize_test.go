package libvirt

import (
	"testing"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestResize resizes an instance with an attached volume up (disks grown,
// guest redefined and started; TestLifecycle shows grown disks boot), reverts (root disk back
// to its revert point), resizes again and confirms, and refuses a shrink.
func TestResize(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	ctx := ctxFor(t)
	small := f.spec()
	spawn(t, d, small)

	volID := randomUUID()
	vol := ceph.ImageSpec("volumes", "volume-"+volID)
	if err := f.admin.Create(ctx, vol, 32<<20, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeImage(f.admin, vol) })
	if _, err := d.AttachVolume(ctx, small.UUID, virt.VolumeConnection{VolumeID: volID, Name: vol.String()}); err != nil {
		t.Fatal(err)
	}

	big := small
	big.VCPUs, big.MemoryMiB, big.RootGB, big.EphemeralGB, big.SwapMiB = 2, 192, 2, 1, 32
	flavor := func(s virt.InstanceSpec) virt.Flavor {
		return virt.Flavor{VCPUs: s.VCPUs, MemoryMiB: s.MemoryMiB, RootGB: s.RootGB, EphemeralGB: s.EphemeralGB, SwapMiB: s.SwapMiB}
	}
	sizeOf := func(name string) uint64 {
		t.Helper()
		n, err := f.admin.Size(ctx, ceph.ImageSpec(testPool, small.UUID+name))
		if fault.KindOf(err) == fault.NotFound {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	revertPoint := func() bool {
		ok, err := f.admin.Exists(ctx, ceph.SnapSpec(testPool, small.UUID+"_disk", resizeSnap))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	volumeKept := func() {
		t.Helper()
		if _, config := volumeDisks(t, f, small.UUID, volID); config != "vdb" {
			t.Fatalf("the volume left the definition (config %q)", config)
		}
	}

	// Up.
	if err := d.MigrateDiskAndPowerOff(ctx, small.UUID, flavor(big), time.Second); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, small.UUID, virt.Shutdown)
	if err := d.FinishMigration(ctx, big, true); err != nil {
		t.Fatal(err)
	}
	info := waitState(t, d, small.UUID, virt.Running)
	if info.VCPUs != 2 || info.MaxMemKiB != 192*1024 {
		t.Fatalf("resized guest %+v", info)
	}
	if sizeOf("_disk") != 2<<30 || sizeOf("_disk.eph0") != 1<<30 || sizeOf("_disk.swap") != 32<<20 || !revertPoint() {
		t.Fatal("disks not resized, or no revert point")
	}
	volumeKept()

	// Revert.
	if err := d.FinishRevertMigration(ctx, small, false); err != nil {
		t.Fatal(err)
	}
	info = waitState(t, d, small.UUID, virt.Shutdown)
	if info.VCPUs != 1 || info.MaxMemKiB != 128*1024 {
		t.Fatalf("reverted guest %+v", info)
	}
	if sizeOf("_disk") != 1<<30 || sizeOf("_disk.swap") != 0 || revertPoint() {
		t.Fatalf("root %d swap %d revert point %v after revert", sizeOf("_disk"), sizeOf("_disk.swap"), revertPoint())
	}
	volumeKept()

	// Up again, confirmed; then down is refused.
	if err := d.MigrateDiskAndPowerOff(ctx, small.UUID, flavor(big), 0); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishMigration(ctx, big, false); err != nil {
		t.Fatal(err)
	}
	if err := d.ConfirmMigration(ctx, small.UUID); err != nil {
		t.Fatal(err)
	}
	if revertPoint() || sizeOf("_disk") != 2<<30 {
		t.Fatal("confirm kept the revert point or lost the size")
	}
	err := d.MigrateDiskAndPowerOff(ctx, small.UUID, flavor(small), 0)
	if fault.KindOf(err) != fault.Invalid {
		t.Fatalf("resize down: %v, want Invalid", err)
	}
	t.Log(fault.MessageOf(err))
}
