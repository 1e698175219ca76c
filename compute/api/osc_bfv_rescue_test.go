package api_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestOpenStackClientRescueVolumeBacked: a server booted from a volume
// cannot be rescued below 2.87 (nova's 400), nor from 2.87 with a rescue
// image that does not ask for stable device rescue; with one that sets
// hw_rescue_bus it goes to RESCUE booted from a rescue disk that joins its
// root volume (still attached), and unrescue boots it from its volume
// again and removes the rescue disk.
func TestOpenStackClientRescueVolumeBacked(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfvr")
	s := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "--wait", "bfvr-"+e.sfx)
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
	console := func() string { return e.console(id) }
	poll(t, "the boot marker", 3*time.Minute, func() bool { return strings.Contains(console(), "tinyvm booted") })

	if out := e.user.Fail("server", "rescue", id); !strings.Contains(out, "Cannot rescue a volume-backed instance") {
		t.Errorf("rescue of a volume-backed server below 2.87: %s", out)
	}
	if out := e.user.Fail("--os-compute-api-version", "2.87", "server", "rescue", "--image", e.imageID, id); !strings.Contains(out, "hw_rescue_bus") {
		t.Errorf("rescue with an image without hw_rescue_*: %s", out)
	}
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	rescueImg := e.user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare",
		"--property", "hw_rescue_bus=virtio", "bfvr-rescue-"+e.sfx)["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", rescueImg) })

	before := bootedConsole(t, console)
	e.user.Run("--os-compute-api-version", "2.87", "server", "rescue", "--image", rescueImg, id)
	poll(t, "RESCUE", 3*time.Minute, func() bool { return e.user.JSON("server", "show", id)["status"] == "RESCUE" })
	poll(t, "a boot from the rescue disk", 3*time.Minute, freshBoot(console, before))
	blk, err := exec.Command("virsh", "-c", testenv.LibvirtURI(t), "domblklist", id).CombinedOutput()
	if err != nil || !strings.Contains(string(blk), "vms/"+id+"_disk.rescue") || !strings.Contains(string(blk), "volume-"+rootID) {
		t.Errorf("the rescued guest's disks: %v\n%s", err, blk)
	}
	// the rescue disk boots first (per-device boot order)
	x, _ := exec.Command("virsh", "-c", testenv.LibvirtURI(t), "dumpxml", id).CombinedOutput()
	if i := strings.Index(string(x), id+"_disk.rescue"); i < 0 || !strings.Contains(string(x)[i:min(len(x), i+600)], "<boot order='1'/>") {
		t.Errorf("the rescue disk does not boot first:\n%s", x)
	}
	if v := volumeJSON(e.user, rootID); v["status"] != "in-use" {
		t.Errorf("root volume during rescue: %v", v["status"])
	}

	before = bootedConsole(t, console)
	e.user.Run("server", "unrescue", id)
	poll(t, "ACTIVE after unrescue", 3*time.Minute, func() bool { return e.user.JSON("server", "show", id)["status"] == "ACTIVE" })
	poll(t, "a boot from the volume", 3*time.Minute, freshBoot(console, before))
	if strings.Contains(testenv.RBD(t, "ls", "vms"), id+"_disk.rescue") {
		t.Errorf("the rescue disk outlived unrescue")
	}
}
