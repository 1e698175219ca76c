package libvirt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestLifecycle boots the tiny image from an RBD clone with ephemeral and
// swap disks and drives it through every power action, then destroys it.
//
// It runs alone, before the parallel tests (it is not parallel itself): its
// boots under TCG are what take time, and they slow down when other guests
// boot at once.
func TestLifecycle(t *testing.T) {
	d, f := newDriver(t)
	ctx := ctxFor(t)
	t0 := time.Now()
	step := func(what string) { t.Logf("%6.2fs %s", time.Since(t0).Seconds(), what) }
	spec := f.spec()
	spec.EphemeralGB = 1
	spec.SwapMiB = 64
	spawn(t, d, spec)

	out := waitBooted(t, d, spec.UUID, "")
	t.Logf("booted; console starts %q", firstLine(out))
	if info := waitState(t, d, spec.UUID, virt.Running); info.VCPUs != 1 || info.MaxMemKiB != 128*1024 || info.Name != spec.Name {
		t.Fatalf("info %+v", info)
	}

	step("// The disks, as nova")
	// The disks, as nova names them, the root one a clone grown to 1 GiB.
	disks := instanceDisks(t, f, spec.UUID)
	want := []string{spec.UUID + "_disk", spec.UUID + "_disk.eph0", spec.UUID + "_disk.swap"}
	slices.Sort(disks)
	if !slices.Equal(disks, want) {
		t.Fatalf("disks %v, want %v", disks, want)
	}
	root := ceph.ImageSpec(testPool, spec.UUID+"_disk")
	parent, ok, err := f.admin.Parent(ctx, root)
	if err != nil || !ok || parent != ceph.SnapSpec("images", f.imageID, "snap") {
		t.Fatalf("root disk parent %v %v %v", parent, ok, err)
	}
	for name, size := range map[string]uint64{spec.UUID + "_disk": 1 << 30, spec.UUID + "_disk.eph0": 1 << 30, spec.UUID + "_disk.swap": 64 << 20} {
		got, err := f.admin.Size(ctx, ceph.ImageSpec(testPool, name))
		if err != nil || got != size {
			t.Fatalf("%s: size %d (%v), want %d", name, got, err, size)
		}
	}

	step("// The key is nowhere")
	// The key is nowhere: not in the domain XML, not on QEMU's command line.
	xmlDesc := domainXMLOf(t, f, spec.UUID)
	for _, part := range []string{`<secret type="ceph" uuid="` + testSecretUUID + `"`, `username="` + testUser + `"`, `protocol="rbd"`, `<host name=`} {
		if !strings.Contains(strings.ReplaceAll(xmlDesc, "'", `"`), part) {
			t.Fatalf("domain XML lacks %s:\n%s", part, xmlDesc)
		}
	}
	if strings.Contains(xmlDesc, f.key) {
		t.Fatal("the cephx key is in the domain XML")
	}
	cmdline := qemuCmdline(t, spec.Name)
	if strings.Contains(cmdline, f.key) {
		t.Fatal("the cephx key is on QEMU's command line")
	}
	if !strings.Contains(cmdline, "key-secret") && !strings.Contains(cmdline, "password-secret") {
		t.Logf("QEMU command line (no key-secret object?): %s", cmdline)
	}

	list, err := d.ListInstances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list, func(i virt.InstanceInfo) bool { return i.UUID == spec.UUID && i.State == virt.Running }) {
		t.Fatalf("ListInstances lacks the running instance: %+v", list)
	}
	// Another compute service on the same libvirtd (its own
	// instances_path) does not see this guest as one of its own.
	other, _ := newDriver(t)
	list, err = other.ListInstances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(list, func(i virt.InstanceInfo) bool { return i.UUID == spec.UUID }) {
		t.Fatal("a driver with another instances_path lists the guest")
	}

	step("// Power off (the")
	// Power off (the tiny guest ignores ACPI: the timeout forces it).
	if err := d.PowerOff(ctx, spec.UUID, time.Second); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Shutdown)
	if err := d.PowerOff(ctx, spec.UUID, time.Second); err != nil {
		t.Fatalf("power off a stopped guest: %v", err)
	}
	step("before := consoleNow")
	before := consoleNow(t, d, spec.UUID)
	if err := d.PowerOn(ctx, spec.UUID); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Running)
	out = waitBooted(t, d, spec.UUID, before)

	step("// Hard reboot, then")
	// Hard reboot, then soft (which falls back to hard after 2 s).
	for _, soft := range []bool{false, true} {
		before = consoleNow(t, d, spec.UUID)
		if err := d.Reboot(ctx, spec.UUID, soft); err != nil {
			t.Fatalf("reboot soft=%v: %v", soft, err)
		}
		out = waitBooted(t, d, spec.UUID, before)
		waitState(t, d, spec.UUID, virt.Running)
	}

	step("// Pause and unpause")
	// Pause and unpause: the guest keeps counting without rebooting.
	if err := d.Pause(ctx, spec.UUID); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Paused)
	if err := d.Unpause(ctx, spec.UUID); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Running)
	stillRunning(t, d, spec.UUID)

	step("// Suspend saves")
	// Suspend saves memory and stops; resume restores without a boot.
	if err := d.Suspend(ctx, spec.UUID); err != nil {
		t.Fatal(err)
	}
	if info := waitState(t, d, spec.UUID, virt.Shutdown); !info.Saved {
		t.Fatalf("suspended guest has no saved state: %+v", info)
	}
	if err := d.Unpause(ctx, spec.UUID); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("unpause a suspended guest: %v, want conflict", err)
	}
	if err := d.Resume(ctx, spec.UUID); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, spec.UUID, virt.Running)
	stillRunning(t, d, spec.UUID)

	step("// Destroy: no domain")
	// Destroy: no domain, no disks, no files; again is fine.
	if err := d.Destroy(ctx, spec.UUID, virt.DestroyOptions{}); err != nil {
		t.Fatal(err)
	}
	step("if domainExists(t, f, spec.UUI")
	if domainExists(t, f, spec.UUID) {
		t.Fatal("domain still defined after destroy")
	}
	if left := instanceDisks(t, f, spec.UUID); len(left) > 0 {
		t.Fatalf("disks left after destroy: %v", left)
	}
	if _, err := os.Stat(d.instanceDir(spec.UUID)); !os.IsNotExist(err) {
		t.Fatalf("instance directory left: %v", err)
	}
	if err := d.Destroy(ctx, spec.UUID, virt.DestroyOptions{}); err != nil {
		t.Fatalf("second destroy: %v", err)
	}
	if _, err := d.Info(ctx, spec.UUID); !virt.IsNotFound(err) {
		t.Fatalf("info after destroy: %v", err)
	}
}

// stillRunning checks that the guest keeps counting heartbeats without a
// new boot: after a pause or a resume from a saved state.
func stillRunning(t *testing.T, d *Driver, uuid string) {
	t.Helper()
	now := consoleNow(t, d, uuid)
	n := lastHeartbeat(now)
	boots := strings.Count(now, bootMarker)
	out := waitConsole(t, d, uuid, "a later heartbeat", func(out string) bool {
		if strings.HasPrefix(out, now) {
			return lastHeartbeat(out) > n
		}
		// A restored guest writes to a fresh log.
		return lastHeartbeat(out) > n || (n == 0 && lastHeartbeat(out) > 0)
	})
	if strings.HasPrefix(out, now) && strings.Count(out, bootMarker) != boots || !strings.HasPrefix(out, now) && strings.Contains(out, bootMarker) {
		t.Fatalf("the guest rebooted; console:\n%s", out)
	}
}

func consoleNow(t *testing.T, d *Driver, uuid string) string {
	t.Helper()
	out, err := d.ConsoleOutput(ctxFor(t), uuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, bootMarker) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func domainXMLOf(t *testing.T, f *fixture, uuid string) string {
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
	x, err := dom.GetXMLDesc(0)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// qemuCmdline returns the running QEMU's command line for the domain.
func qemuCmdline(t *testing.T, name string) string {
	t.Helper()
	pid, err := os.ReadFile(filepath.Join("/run/libvirt/qemu", name+".pid"))
	if err != nil {
		t.Fatalf("QEMU pid file: %v", err)
	}
	cmd, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "cmdline"))
	if err != nil {
		t.Fatalf("QEMU command line: %v", err)
	}
	return strings.ReplaceAll(string(cmd), "\x00", " ")
}
