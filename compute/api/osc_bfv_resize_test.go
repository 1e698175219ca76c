package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestOpenStackClientResizeVolumeBacked: a server booted from a volume
// is resized to a flavor with more memory and a smaller root disk (its
// root volume, not the flavor, is its disk), boots on the new flavor in
// VERIFY_RESIZE, and the confirm leaves it ACTIVE with the root volume
// as it was.
func TestOpenStackClientResizeVolumeBacked(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfvz")
	big := "bfvz-big-" + e.sfx
	e.admin.Run("flavor", "create", "--ram", "192", "--disk", "0", "--vcpus", "1", big)
	t.Cleanup(func() { e.admin.Quietly("flavor", "delete", big) })
	s := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "--wait", "bfvz-"+e.sfx)
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
	before := bootedConsole(t, console)

	e.user.Run("server", "resize", "--flavor", big, id)
	var st map[string]any
	poll(t, "VERIFY_RESIZE", 3*time.Minute, func() bool {
		st = e.user.JSON("server", "show", id)
		if st["status"] == "ERROR" {
			t.Fatalf("resize of a volume-backed server went to ERROR: %v", st["fault"])
		}
		return st["status"] == "VERIFY_RESIZE"
	})
	if f, _ := st["flavor"].(string); !strings.Contains(f, big) {
		t.Errorf("flavor during VERIFY_RESIZE: %v", st["flavor"])
	}
	poll(t, "a boot on the new flavor", 3*time.Minute, freshBoot(console, before))
	e.user.Run("server", "resize", "confirm", id)
	poll(t, "ACTIVE after confirm", 3*time.Minute, func() bool {
		st = e.user.JSON("server", "show", id)
		return st["status"] == "ACTIVE" && st["OS-EXT-STS:task_state"] == nil
	})
	v := volumeJSON(e.user, rootID)
	if v["status"] != "in-use" || v["size"] != float64(1) || volumeAttachmentDevice(v, id) != "/dev/vda" {
		t.Errorf("root volume after the resize: status %v size %v device %q", v["status"], v["size"], volumeAttachmentDevice(v, id))
	}
}
