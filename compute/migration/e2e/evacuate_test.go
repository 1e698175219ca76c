package e2e

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// markerOffset is where the test writes into the guest's root disk: past
// the tiny image's data, inside the flavor's 1 GiB.
const markerOffset = "900M"

// rbdImage is the name of a guest's root disk in the shared pool.
func rbdImage(id string) string { return "vms/" + id + "_disk" }

// rbdID is the RBD image's internal id: the same id means the same image
// (not a new clone of the same name).
func rbdID(t testing.TB, image string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*id: (\S+)`).FindStringSubmatch(testenv.RBD(t, "info", image))
	if m == nil {
		t.Fatalf("rbd info %s shows no id", image)
	}
	return m[1]
}

func qemuIO(t testing.TB, image string, cmd string) string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	out, err := exec.Command("qemu-io", "-f", "raw", "rbd:"+image+":id="+user+":conf="+conf, "-c", cmd).CombinedOutput()
	if err != nil || strings.Contains(string(out), "failed") {
		t.Fatalf("qemu-io %s %q: %v\n%s", image, cmd, err, out)
	}
	return string(out)
}

// writeMarker writes marker into the disk at markerOffset (through librbd,
// while the guest runs).
func writeMarker(t testing.TB, image, marker string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "marker")
	if err := os.WriteFile(f, []byte(marker), 0o600); err != nil {
		t.Fatal(err)
	}
	qemuIO(t, image, "write -s "+f+" "+markerOffset+" 512")
}

// readMarker reads 512 bytes at markerOffset.
func readMarker(t testing.TB, image string) string {
	t.Helper()
	out := qemuIO(t, image, "read -v "+markerOffset+" 512")
	var raw []byte
	line := regexp.MustCompile(`(?m)^[0-9a-f]+:\s+((?:[0-9a-f]{2}\s)+)`)
	for _, m := range line.FindAllStringSubmatch(out, -1) {
		b, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
		if err != nil {
			t.Fatalf("qemu-io read -v: %v\n%s", err, out)
		}
		raw = append(raw, b...)
	}
	return string(raw)
}

// qemuStarts counts the QEMU starts of a domain on a host (libvirt's
// per-domain log gets a "starting up" line each time).
func qemuStarts(t testing.TB, host, dom string) int {
	t.Helper()
	dir := strings.TrimSpace(hostSh(t, "dir", hostIndex(host)))
	b, err := os.ReadFile(filepath.Join(dir, "log", "libvirt", "qemu", dom+".log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Count(string(b), "starting up")
}

// TestEvacuate: host A fails (its nova-compute, libvirtd, virtlogd and the
// guest's QEMU are killed), an admin marks its service down (`compute
// service set --down`) and evacuates the server (novaclient's `nova
// evacuate SERVER B`: OSC 6.0's `server evacuate` fails printing the
// answer). The server is ACTIVE on B, rebuilt from the same RBD image (same
// image id, the marker written before is still there), its guest runs and
// its volume is attached (in-use, in the guest's definition on B); the
// migration record is an evacuation, done. When A comes back, its
// nova-compute undefines the stale guest without starting it and leaves
// the disk alone.
func TestEvacuate(t *testing.T) {
	requireHosts(t)
	name := "ev-" + suffix()
	f := newFixture(t, name, 256)
	id := bootOn(t, f, hostA, name)
	vid := volumeOn(t, id, name)
	dom := domainName(t, id)
	ip := testenv.AddressOn(osc(t).JSON("server", "show", id), "private")
	port := portOf(t, id)
	waitHeartbeat(t, id, 2)

	disk := rbdImage(id)
	imageID := rbdID(t, disk)
	marker := "gostack evacuation marker " + name
	writeMarker(t, disk, marker)
	if got := readMarker(t, disk); !strings.HasPrefix(got, marker) {
		t.Fatalf("marker not written: %q", got[:len(marker)])
	}
	startsOnA := qemuStarts(t, hostA, dom)

	failHost(t, "kill", hostA)
	// Evacuation is refused while the source service looks up.
	cmd := osc(t).Cmd()
	cmd.Args = []string{"nova", "evacuate", id, hostB}
	cmd.Path, _ = exec.LookPath("nova")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "still in use") {
		t.Errorf("evacuate with %s's service up: %v %s", hostA, err, out)
	}
	downAt := time.Now()
	osc(t).Run("compute", "service", "set", "--down", hostA, "nova-compute")
	nova(t, "evacuate", id, hostB)
	m := waitMigration(t, id, "evacuation", 5*time.Minute, "done", "error", "failed")
	if m["Status"] != "done" {
		t.Fatalf("evacuation ended %v: %s", m["Status"], osc(t).Run("server", "event", "list", id, "--long"))
	}
	s := waitServer(t, id, "ACTIVE", hostB, 2*time.Minute)
	t.Logf("evacuation: forced_down to ACTIVE on %s in %s", hostB, time.Since(downAt).Round(time.Millisecond))
	if m["Source Compute"] != hostA || m["Dest Compute"] != hostB {
		t.Errorf("evacuation record: %v -> %v", m["Source Compute"], m["Dest Compute"])
	}
	// Its port follows: same address and MAC, bound to B, a NIC of the
	// guest there.
	if got := testenv.AddressOn(s, "private"); ip == "" || got != ip {
		t.Errorf("address after the evacuation = %q, want %q", got, ip)
	}
	if p := portOf(t, id); p["id"] != port["id"] || p["binding_host_id"] != hostB {
		t.Errorf("port after the evacuation: %v bound to %v, want %v bound to %s", p["id"], p["binding_host_id"], port["id"], hostB)
	}
	if nics := virsh(t, hostB, "domiflist", dom); !strings.Contains(nics, port["mac_address"].(string)) {
		t.Errorf("the guest on %s lacks its NIC %v:\n%s", hostB, port["mac_address"], nics)
	}

	if got := rbdID(t, disk); got != imageID {
		t.Errorf("root disk %s is image %s now, was %s: it was re-created", disk, got, imageID)
	}
	if got := readMarker(t, disk); !strings.HasPrefix(got, marker) {
		t.Errorf("the marker is gone from %s: %q", disk, got[:len(marker)])
	}
	waitHeartbeat(t, id, 2)
	if st := virsh(t, hostB, "domstate", dom); !strings.Contains(st, "running") {
		t.Errorf("domain %s on %s: %s", dom, hostB, st)
	}
	v := waitVolume(t, vid, "in-use", time.Minute, false)
	if !attachedTo(v, id) {
		t.Errorf("volume %s lost its attachment to %s: %v", vid, id, v["attachments"])
	}
	if h := attachedOn(v); h != hostB {
		t.Errorf("Cinder shows volume %s attached on %q, want %s (one attachment): %v", vid, h, hostB, v["attachments"])
	}
	if blk := virsh(t, hostB, "domblklist", dom); !strings.Contains(blk, "volume-"+vid) {
		t.Errorf("volume-%s is not a disk of %s on %s:\n%s", vid, dom, hostB, blk)
	}

	// Host A comes back: its libvirtd still has the guest's definition;
	// nova-compute finds the instance on B and undefines it, unstarted.
	hostSh(t, "start", hostIndex(hostA))
	waitUndefined(t, hostA, dom)
	if n := qemuStarts(t, hostA, dom); n != startsOnA {
		t.Errorf("QEMU of %s started on %s after the evacuation (%d starts, %d before)", dom, hostA, n, startsOnA)
	}
	if got := rbdID(t, disk); got != imageID {
		t.Errorf("the cleanup on %s touched the root disk: image %s, was %s", hostA, got, imageID)
	}
	if got := readMarker(t, disk); !strings.HasPrefix(got, marker) {
		t.Errorf("the marker is gone from %s after %s's cleanup", disk, hostA)
	}
	waitServer(t, id, "ACTIVE", hostB, time.Minute)
	before, _ := waitHeartbeat(t, id, 1)
	waitHeartbeat(t, id, before.N+2)
	osc(t).Run("compute", "service", "set", "--up", hostA, "nova-compute")
}
