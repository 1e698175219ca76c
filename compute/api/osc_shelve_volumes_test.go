package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestOpenStackClientShelveWithVolumes: a server with a volume attached
// is shelved and offloaded; a second volume is attached while it is
// offloaded (2.20: reserved and in-use in Cinder, no device yet); the
// unshelved guest boots with both volumes as disks, and both detach.
func TestOpenStackClientShelveWithVolumes(t *testing.T) {
	e := newBootFromVolumeEnv(t, "shv")
	s := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.imageID, "--flavor", e.flavor,
		"--network", "none", "--wait", "shv-"+e.sfx)
	id := s["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("server", "delete", "--wait", id) })
	t.Cleanup(func() { e.admin.Quietly("image", "delete", "shv-"+e.sfx+"-shelved") })
	if s["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", s)
	}
	var vols []string
	for _, n := range []string{"a", "b"} {
		v := e.user.JSON("volume", "create", "--size", "1", "shv-"+n+"-"+e.sfx)["id"].(string)
		t.Cleanup(func() { e.admin.Quietly("volume", "delete", "--force", v) })
		poll(t, "volume "+n+" available", 2*time.Minute, func() bool { return volumeJSON(e.user, v)["status"] == "available" })
		vols = append(vols, v)
	}
	e.user.Run("server", "add", "volume", id, vols[0])
	poll(t, "the guest to list vdb", 2*time.Minute, func() bool { return strings.Contains(e.console(id), "tinyvm disk add vdb") })

	e.user.Run("server", "shelve", id)
	poll(t, "SHELVED_OFFLOADED", 4*time.Minute, func() bool {
		st := e.user.JSON("server", "show", id)
		return st["status"] == "SHELVED_OFFLOADED" && st["OS-EXT-STS:task_state"] == nil
	})
	if out := e.user.Fail("--os-compute-api-version", "2.19", "server", "add", "volume", id, vols[1]); !strings.Contains(out, "409") {
		t.Errorf("attach to a shelved-offloaded server below 2.20: %s", out)
	}
	e.user.Run("--os-compute-api-version", "2.20", "server", "add", "volume", id, vols[1])
	if v := volumeJSON(e.user, vols[1]); v["status"] != "in-use" {
		t.Errorf("volume attached to the offloaded server: %v", v["status"])
	}

	e.user.Run("server", "unshelve", id)
	poll(t, "ACTIVE after unshelve", 4*time.Minute, func() bool {
		st := e.user.JSON("server", "show", id)
		if st["status"] == "SHELVED_OFFLOADED" && st["OS-EXT-STS:task_state"] == nil && st["fault"] != nil {
			t.Fatalf("unshelve failed: %v", st["fault"])
		}
		return st["status"] == "ACTIVE" && st["OS-EXT-STS:task_state"] == nil
	})
	poll(t, "the unshelved guest to list both volumes", 3*time.Minute, func() bool {
		c := e.console(id)
		return strings.Contains(c, "tinyvm disk add vdb") && strings.Contains(c, "tinyvm disk add vdc")
	})
	for _, v := range vols {
		if got := volumeJSON(e.user, v); got["status"] != "in-use" || volumeAttachmentDevice(got, id) == "" {
			t.Errorf("volume %s after unshelve: %v %v", v, got["status"], got["attachments"])
		}
		e.user.Run("server", "remove", "volume", id, v)
	}
	for _, v := range vols {
		poll(t, "volume "+v+" available after detach", 2*time.Minute, func() bool { return volumeJSON(e.user, v)["status"] == "available" })
	}
}
