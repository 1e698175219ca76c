package api_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// sdkRebuild rebuilds a server with another image at compute 2.93 through
// openstacksdk (the Python SDK under OSC) with the user's credentials:
// OSC 6.0 and novaclient 18.1 stop at 2.92, so `openstack
// --os-compute-api-version 2.93 server rebuild` is refused by the client
// itself. The SDK's session posts nova's rebuild action at 2.93 and waits
// for the server to be ACTIVE (failing on ERROR), as `--wait` does.
const sdkRebuild = `
import sys, openstack
conn = openstack.connect()
server, image = sys.argv[1], sys.argv[2]
r = conn.compute.post('/servers/%s/action' % server, json={'rebuild': {'imageRef': image}}, microversion='2.93')
openstack.exceptions.raise_from_response(r)
print(r.headers.get('OpenStack-API-Version'), r.status_code)
conn.compute.wait_for_server(conn.compute.get_server(server), status='ACTIVE', failures=['ERROR'], interval=2, wait=300)
`

// oscPython is the Python interpreter of the openstack command (its
// shebang), the one that has openstacksdk.
func oscPython(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("openstack")
	if err != nil {
		t.Fatalf("the openstack client is not installed: %v", err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	py := strings.TrimSpace(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || strings.Contains(py, " ") {
		t.Fatalf("cannot tell the Python of %s from %q", bin, line)
	}
	return py
}

// TestOpenStackClientRebuildVolumeBacked is 2.93: a server booted from a
// volume made from image X is rebuilt with image Y. At 2.92 the real
// client gets nova's 400; at 2.93 the server comes back ACTIVE from a
// fresh boot, still on the same root volume (in-use, attached on
// /dev/vda, one Cinder attachment) whose data is now image Y's (its RBD
// image a clone of images/Y@snap) and whose volume_image_metadata name Y,
// while the server shows no image, as nova for volume-backed servers. At
// 2.92 the volume's own image rebuilds the guest without a reimage. A
// reimage Cinder fails puts the server in ERROR with nothing orphaned.
func TestOpenStackClientRebuildVolumeBacked(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfvrb")
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	imgY := e.user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare",
		"--property", "rebuild_test=y", "bfvrb-y-"+e.sfx)["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", imgY) })

	s := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "--wait", "bfvrb-"+e.sfx)
	id := s["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("server", "delete", "--wait", id) })
	if s["status"] != "ACTIVE" {
		t.Fatalf("server create --boot-from-volume --wait: %v", s)
	}
	vols, _ := e.user.JSON("server", "show", id)["volumes_attached"].([]any)
	if len(vols) != 1 {
		t.Fatalf("volumes_attached: %v", vols)
	}
	rootID := vols[0].(map[string]any)["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("volume", "delete", "--force", rootID) })
	if info := testenv.RBD(t, "info", "volumes/volume-"+rootID); !strings.Contains(info, "parent: images/"+e.imageID+"@snap") {
		t.Fatalf("root volume before the rebuild is not a clone of image X:\n%s", info)
	}
	console := func() string { return e.console(id) }
	poll(t, "the boot marker", 3*time.Minute, func() bool { return strings.Contains(console(), "tinyvm booted") })
	before := bootedConsole(t, console)

	// 2.92: nova's refusal of another image for a volume-backed server.
	out := e.user.Fail("--os-compute-api-version", "2.92", "server", "rebuild", "--image", imgY, id)
	if !strings.Contains(out, "Image "+imgY+" is unacceptable: Unable to rebuild with a different image for a volume-backed server.") ||
		!strings.Contains(out, "HTTP 400") {
		t.Errorf("rebuild of a volume-backed server at 2.92:\n%s", out)
	}
	if st := e.user.JSON("server", "show", id); st["status"] != "ACTIVE" || st["OS-EXT-STS:task_state"] != nil {
		t.Fatalf("after the refused rebuild: %v %v", st["status"], st["OS-EXT-STS:task_state"])
	}

	// 2.93: the root volume is reimaged with Y and the guest boots again.
	cmd := e.user.Cmd()
	py := oscPython(t)
	cmd.Path, cmd.Args = py, []string{"python3", "-c", sdkRebuild, id, imgY}
	start := time.Now()
	if b, err := cmd.CombinedOutput(); err != nil {
		st := e.user.JSON("server", "show", id)
		t.Fatalf("rebuild at 2.93: %v\n%s\nserver: %v %v", err, b, st["status"], st["fault"])
	} else if !strings.Contains(string(b), "compute 2.93 202") {
		t.Errorf("rebuild at 2.93 answered: %s", b)
	}
	t.Logf("volume-backed rebuild (1 GiB root volume) to ACTIVE: %s", time.Since(start).Round(time.Millisecond))
	st := e.user.JSON("server", "show", id)
	if st["status"] != "ACTIVE" || st["OS-EXT-STS:task_state"] != nil {
		t.Errorf("server after the rebuild: %v %v", st["status"], st["OS-EXT-STS:task_state"])
	}
	if st["image"] != "N/A (booted from volume)" {
		t.Errorf("server image after the rebuild: %v (nova shows none for volume-backed servers)", st["image"])
	}
	if fmtVols := e.serverVolumes(id); !strings.Contains(fmtVols, rootID) {
		t.Errorf("volumes_attached after the rebuild: %s", fmtVols)
	}
	v := volumeJSON(e.user, rootID)
	if v["status"] != "in-use" || volumeAttachmentDevice(v, id) != "/dev/vda" {
		t.Errorf("root volume after the rebuild: status %v device %q", v["status"], volumeAttachmentDevice(v, id))
	}
	if atts, _ := v["attachments"].([]any); len(atts) != 1 {
		t.Errorf("root volume attachments after the rebuild: %v", v["attachments"])
	}
	md, _ := v["volume_image_metadata"].(map[string]any)
	if md["image_id"] != imgY || md["rebuild_test"] != "y" {
		t.Errorf("root volume_image_metadata after the rebuild: %v", v["volume_image_metadata"])
	}
	if info := testenv.RBD(t, "info", "volumes/volume-"+rootID); !strings.Contains(info, "parent: images/"+imgY+"@snap") {
		t.Errorf("root volume after the rebuild is not image Y's data:\n%s", info)
	}
	poll(t, "a fresh boot after the rebuild", 3*time.Minute, freshBoot(console, before))
	events := e.user.Run("server", "event", "list", id)
	if !strings.Contains(events, "rebuild") {
		t.Errorf("server event list has no rebuild:\n%s", events)
	}

	// Below 2.93 the root volume's own image rebuilds the guest on the
	// volume as it is (no reimage): the real client's rebuild --wait.
	before = bootedConsole(t, console)
	e.user.Run("--os-compute-api-version", "2.92", "server", "rebuild", "--image", imgY, "--wait", id)
	if rb := e.user.JSON("server", "show", id); rb["status"] != "ACTIVE" {
		t.Errorf("rebuild at 2.92 with the volume's image: %v", rb["status"])
	}
	poll(t, "a fresh boot after the rebuild at 2.92", 3*time.Minute, freshBoot(console, before))
	if n := cinderAttachments(t, e.admin, rootID); n != 1 {
		t.Errorf("root volume after the rebuild at 2.92: %d attachments", n)
	}
	if info := testenv.RBD(t, "info", "volumes/volume-"+rootID); !strings.Contains(info, "parent: images/"+imgY+"@snap") {
		t.Errorf("root volume after the rebuild at 2.92:\n%s", info)
	}

	// A reimage Cinder cannot do (the root volume has a snapshot): Cinder
	// tells Nova at once (a failed volume-reimaged), the server goes to
	// ERROR with a fault, its root volume keeps one attachment (the
	// rebuild's), and deleting the server leaves none.
	snapID := e.user.JSON("volume", "snapshot", "create", "--force", "--volume", rootID, "bfvrb-snap-"+e.sfx)["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("volume", "snapshot", "delete", "--force", snapID) })
	poll(t, "the snapshot", time.Minute, func() bool {
		return e.user.JSON("volume", "snapshot", "show", snapID)["status"] == "available"
	})
	cmd = e.user.Cmd()
	cmd.Path, cmd.Args = py, []string{"python3", "-c", sdkRebuild, id, e.imageID}
	start = time.Now()
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("rebuild of a server whose root volume has a snapshot reached ACTIVE:\n%s", b)
	}
	st = e.user.JSON("server", "show", id)
	if st["status"] != "ERROR" {
		t.Fatalf("failed rebuild: server %v", st["status"])
	}
	t.Logf("failed volume-backed rebuild to ERROR: %s", time.Since(start).Round(time.Millisecond))
	if f := fmtAny(st["fault"]); !strings.Contains(f, "Failed to rebuild volume backed instance") {
		t.Errorf("fault of the failed rebuild: %s", f)
	}
	v = volumeJSON(e.admin, rootID)
	if n := cinderAttachments(t, e.admin, rootID); n != 1 {
		t.Errorf("root volume after the failed rebuild: status %v, %d attachments, want the rebuild's one", v["status"], n)
	}
	e.admin.Run("server", "delete", "--wait", id)
	if n := cinderAttachments(t, e.admin, rootID); n != 0 {
		t.Errorf("root volume after the server's delete: %d attachments", n)
	}
}

// fmtAny prints a decoded JSON value.
func fmtAny(v any) string { return fmt.Sprint(v) }

// cinderAttachments counts the volume's attachments in Cinder's
// attachments API (reserved ones included, which volume show omits).
func cinderAttachments(t *testing.T, admin testenv.OSC, volumeID string) int {
	t.Helper()
	out := admin.Run("--os-volume-api-version", "3.27", "volume", "attachment", "list", "--all-projects", "--volume-id", volumeID, "-f", "value", "-c", "ID")
	return len(strings.Fields(out))
}
