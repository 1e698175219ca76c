package libvirt

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs from the golden file (run with -update after checking):\n%s", name, got)
	}
}

func testGuest() Guest {
	mons := []Monitor{{Host: "10.0.0.1", Port: "6789"}, {Host: "10.0.0.2", Port: "6789"}}
	disk := func(img, dev string) Disk {
		return Disk{Pool: "vms", Image: img, Dev: dev, Bus: "virtio", Monitors: mons, AuthUser: "nova",
			SecretUUID: "457eb676-33da-42ec-9a8c-9293d545c337"}
	}
	return Guest{
		VirtType:  "qemu",
		Name:      "instance-0000002a",
		UUID:      "6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11",
		MemoryMiB: 512,
		VCPUs:     2,
		Disks: []Disk{
			disk("6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11_disk", "vda"),
			disk("6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11_disk.eph0", "vdb"),
			disk("6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11_disk.swap", "vdc"),
		},
		ConsoleLog: "/var/lib/nova/instances/6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11/console.log",
		Meta: virt.Metadata{
			DisplayName: `web <1> & "db"`,
			CreatedAt:   time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
			FlavorName:  "m1.small",
			UserID:      "u1", UserName: "alice", ProjectID: "p1", ProjectName: "demo",
		},
		FlavorDisk: Flavor{Name: "m1.small", MemoryMiB: 512, RootGB: 1, SwapMiB: 64, EphemeralGB: 1, VCPUs: 2},
		ImageID:    "c6e0a0b5-4d5f-4b8e-8f0e-3d3b8a4f8a77",
	}
}

func TestDomainXMLGolden(t *testing.T) {
	g := testGuest()
	got, err := DomainXML(g)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "guest-rbd-qemu.xml", got)
	if p := ConsoleLogPaths(got); len(p) != 1 || p[0] != g.ConsoleLog {
		t.Fatalf("ConsoleLogPaths = %v", p)
	}

	g.VirtType = "kvm"
	g.Disks = g.Disks[:1]
	g.Disks[0].Bus, g.Disks[0].Dev = "scsi", "sda"
	g.GuestAgent = true
	g.Interfaces = []virt.Interface{{MACAddress: "fa:16:3e:00:00:01", Bridge: "br-os", TapName: "tap12345678-9a", MTU: 1450}}
	got, err = DomainXML(g)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "guest-rbd-kvm-scsi-nic.xml", got)
}

func TestDomainXMLRefuses(t *testing.T) {
	g := testGuest()
	g.Disks[0].Bus = "floppy"
	if _, err := DomainXML(g); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("bus floppy: %v", err)
	}
	g = testGuest()
	g.VirtType = "xen"
	if _, err := DomainXML(g); err == nil {
		t.Fatal("virt type xen accepted")
	}
	g = testGuest()
	g.Disks[0].SecretUUID = ""
	if _, err := DomainXML(g); err == nil {
		t.Fatal("auth without secret accepted")
	}
}

func TestDeviceName(t *testing.T) {
	for _, c := range []struct {
		bus  string
		n    int
		want string
	}{{"virtio", 0, "vda"}, {"virtio", 2, "vdc"}, {"scsi", 1, "sdb"}, {"ide", 3, "hdd"}, {"virtio", 26, "vdaa"}} {
		got, err := DeviceName(c.bus, c.n)
		if err != nil || got != c.want {
			t.Errorf("DeviceName(%s, %d) = %q, %v; want %q", c.bus, c.n, got, err, c.want)
		}
	}
	if _, err := DeviceName("ide", 4); err == nil {
		t.Error("ide 4: want an error")
	}
}

func TestSecretXML(t *testing.T) {
	got := SecretXML("457eb676-33da-42ec-9a8c-9293d545c337", "nova")
	want := `<secret ephemeral="no" private="yes"><uuid>457eb676-33da-42ec-9a8c-9293d545c337</uuid><usage type="ceph"><name>client.nova secret</name></usage></secret>`
	if got != want {
		t.Fatalf("got %s", got)
	}
}

func TestSwapHeader(t *testing.T) {
	h, err := SwapHeader(64<<20, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(h[4086:]) != "SWAPSPACE2" {
		t.Fatalf("magic %q", h[4086:])
	}
	if h[1024] != 1 || h[1028] != 0xff || h[1029] != 0x3f { // version 1, last page 16383
		t.Fatalf("header % x", h[1024:1032])
	}
	if _, err := SwapHeader(4096, ""); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("tiny swap: %v", err)
	}
}

func TestTailLines(t *testing.T) {
	data := []byte("a\nb\nc\n")
	// nova's _tail_log: the last n pieces of the log split at newlines, so
	// a final newline ends an empty last piece (tempest's
	// test_get_console_output wants 3 pieces for length 3).
	for n, want := range map[int]string{0: "a\nb\nc\n", 1: "", 2: "c\n", 3: "b\nc\n", 4: "a\nb\nc\n", 9: "a\nb\nc\n"} {
		if got := string(TailLines(data, n)); got != want {
			t.Errorf("TailLines(%d) = %q, want %q", n, got, want)
		}
	}
	if got := string(TailLines([]byte("a\nb"), 1)); got != "b" {
		t.Errorf("unterminated: %q", got)
	}
}

func TestPowerStateNumbers(t *testing.T) {
	if virt.Running != 1 || virt.Paused != 3 || virt.Shutdown != 4 || virt.Crashed != 6 || virt.Suspended != 7 {
		t.Fatal("power state numbers differ from nova's")
	}
	if !strings.Contains(virt.Crashed.String(), "crashed") {
		t.Fatal(virt.Crashed.String())
	}
}

// TestDiskXMLShareable: a multiattach volume's disk is shareable with no
// host cache (several guests write it); others keep writeback and are
// not shareable.
func TestDiskXMLShareable(t *testing.T) {
	base := Disk{Pool: "volumes", Image: "volume-1", Dev: "vdb", Monitors: []Monitor{{Host: "10.0.0.1", Port: "6789"}}}
	plain, err := DiskXML(base)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain, "<shareable") || !strings.Contains(plain, `cache="writeback"`) {
		t.Errorf("a volume that is not multiattach:\n%s", plain)
	}
	base.Shareable = true
	shared, err := DiskXML(base)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shared, "<shareable></shareable>") && !strings.Contains(shared, "<shareable/>") || !strings.Contains(shared, `cache="none"`) {
		t.Errorf("a multiattach volume:\n%s", shared)
	}
}
