package libvirt

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestVolumeAttachDetach hot-plugs an RBD volume into a running guest,
// grows it, hot-unplugs it (the guest releases it), and does the same on a
// stopped guest's definition.
func TestVolumeAttachDetach(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	ctx := ctxFor(t)
	spec := f.spec()
	spawn(t, d, spec)

	volID := randomUUID()
	vol := ceph.ImageSpec("volumes", "volume-"+volID)
	if err := f.admin.Create(ctx, vol, 64<<20, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeImage(f.admin, vol) })
	mons, err := f.admin.MonAddrs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn := virt.VolumeConnection{VolumeID: volID, DriverVolumeType: "rbd", Name: vol.String(),
		// Cinder's user and secret are not on this host: the driver uses its own.
		AuthEnabled: true, AuthUsername: "cinder", SecretType: "ceph", SecretUUID: randomUUID(), Discard: true}
	for _, m := range mons {
		conn.Hosts, conn.Ports = append(conn.Hosts, m.Host), append(conn.Ports, m.Port)
	}
	waitBooted(t, d, spec.UUID, "") // hot-unplug needs a booted guest

	dev, err := d.AttachVolume(ctx, spec.UUID, conn)
	if err != nil {
		t.Fatal(err)
	}
	if dev != "/dev/vdb" {
		t.Fatalf("device %s, want /dev/vdb", dev)
	}
	if again, err := d.AttachVolume(ctx, spec.UUID, conn); err != nil || again != dev {
		t.Fatalf("second attach: %s, %v", again, err)
	}
	live, config := volumeDisks(t, f, spec.UUID, volID)
	if live != "vdb" || config != "vdb" {
		t.Fatalf("live %q config %q, want vdb in both", live, config)
	}
	if x := domainXMLOf(t, f, spec.UUID); strings.Contains(x, f.key) || !strings.Contains(strings.ReplaceAll(x, "'", `"`), `username="`+testUser+`"`) {
		t.Fatal("the volume's disk has no auth of the driver's user, or the key is in the XML")
	}
	other := conn
	other.VolumeID, other.Device = randomUUID(), "/dev/vda"
	if _, err := d.AttachVolume(ctx, spec.UUID, other); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("attach at /dev/vda: %v, want Conflict", err)
	}

	// Grow the volume (as Cinder does), then tell the guest.
	if err := f.admin.Resize(ctx, vol, 128<<20, ceph.ResizeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.ExtendVolume(ctx, spec.UUID, volID, 128<<20); err != nil {
		t.Fatal(err)
	}
	if got := blockCapacity(t, f, spec.UUID, "vdb"); got != 128<<20 {
		t.Fatalf("guest sees %d bytes, want %d", got, 128<<20)
	}

	t0 := time.Now()
	if err := d.DetachVolume(ctx, spec.UUID, volID); err != nil {
		t.Fatal(err)
	}
	t.Logf("live detach took %v", time.Since(t0))
	if live, config := volumeDisks(t, f, spec.UUID, volID); live != "" || config != "" {
		t.Fatalf("still attached: live %q config %q", live, config)
	}
	if err := d.DetachVolume(ctx, spec.UUID, volID); err != nil {
		t.Fatalf("second detach: %v", err)
	}

	// The VNC console of the running guest answers with the RFB banner.
	ep, err := d.VNCConsole(ctx, spec.UUID)
	if err != nil || ep.Host != "127.0.0.1" || ep.Port < 5900 {
		t.Fatalf("vnc console %+v, %v", ep, err)
	}
	rfb, err := net.DialTimeout("tcp", net.JoinHostPort(ep.Host, strconv.Itoa(ep.Port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	banner := make([]byte, 12)
	_ = rfb.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadFull(rfb, banner)
	rfb.Close()
	if err != nil || !strings.HasPrefix(string(banner), "RFB ") {
		t.Fatalf("vnc banner %q, %v", banner, err)
	}

	// A stopped guest: only its definition changes.
	if err := d.PowerOff(ctx, spec.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.VNCConsole(ctx, spec.UUID); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("vnc console of a stopped guest: %v, want Conflict", err)
	}
	conn.Device = "/dev/vdc"
	if dev, err := d.AttachVolume(ctx, spec.UUID, conn); err != nil || dev != "/dev/vdc" {
		t.Fatalf("attach to a stopped guest: %s, %v", dev, err)
	}
	if _, config := volumeDisks(t, f, spec.UUID, volID); config != "vdc" {
		t.Fatalf("config %q, want vdc", config)
	}
	if err := d.DetachVolume(ctx, spec.UUID, volID); err != nil {
		t.Fatal(err)
	}
	if _, config := volumeDisks(t, f, spec.UUID, volID); config != "" {
		t.Fatalf("still in the definition: %q", config)
	}
	// Destroying the instance leaves the volume alone.
	if err := d.Destroy(ctx, spec.UUID, virt.DestroyOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.admin.Exists(ctx, vol); err != nil || !ok {
		t.Fatalf("volume gone with the instance: %v %v", ok, err)
	}
}

// volumeDisks returns the target of the volume's disk in the live and the
// persistent definition ("" when absent).
func volumeDisks(t *testing.T, f *fixture, uuid, volID string) (live, config string) {
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
	cfg, lv, _, err := disksOf(dom)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := findSerial(lv, volID); ok {
		live = d.Target.Dev
	}
	if d, ok := findSerial(cfg, volID); ok {
		config = d.Target.Dev
	}
	return live, config
}

func blockCapacity(t *testing.T, f *fixture, uuid, dev string) uint64 {
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
	info, err := dom.GetBlockInfo(dev, 0)
	if err != nil {
		t.Fatal(err)
	}
	return info.Capacity
}
