package api_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestOpenStackClientMultiattach: a volume of a multiattach volume type
// is refused below compute 2.60 (nova's 400), attached to two running
// servers from 2.60 as a shareable disk with no host cache in both
// guests, and detached from both. From 2.85 `server volume update`
// changes an attachment's delete_on_termination.
func TestOpenStackClientMultiattach(t *testing.T) {
	e := newBootFromVolumeEnv(t, "ma")
	vtype := "ma-type-" + e.sfx
	e.admin.Run("volume", "type", "create", "--property", "multiattach=<is> True", vtype)
	t.Cleanup(func() { e.admin.Quietly("volume", "type", "delete", vtype) })
	vol := e.user.JSON("volume", "create", "--size", "1", "--type", vtype, "ma-vol-"+e.sfx)
	volID := vol["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("volume", "delete", "--force", volID) })
	poll(t, "the multiattach volume available", 2*time.Minute, func() bool { return volumeJSON(e.user, volID)["status"] == "available" })
	if v := volumeJSON(e.user, volID); v["multiattach"] != true {
		t.Fatalf("volume of type %s is not multiattach: %v", vtype, v["multiattach"])
	}
	var servers []string
	for _, n := range []string{"a", "b"} {
		s := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.imageID, "--flavor", e.flavor,
			"--network", "none", "--wait", "ma-"+n+"-"+e.sfx)
		id := s["id"].(string)
		t.Cleanup(func() { e.admin.Quietly("server", "delete", "--wait", id) })
		if s["status"] != "ACTIVE" {
			t.Fatalf("server %s: %v", n, s)
		}
		servers = append(servers, id)
	}

	if out := e.user.Fail("--os-compute-api-version", "2.59", "server", "add", "volume", servers[0], volID); !strings.Contains(out, "400") ||
		!strings.Contains(out, "only supported starting with compute API version 2.60") {
		t.Errorf("multiattach volume below 2.60: %s", out)
	}
	for _, id := range servers {
		e.user.Run("--os-compute-api-version", "2.60", "server", "add", "volume", id, volID)
	}
	v := volumeJSON(e.user, volID)
	if atts, _ := v["attachments"].([]any); v["status"] != "in-use" || len(atts) != 2 {
		t.Fatalf("volume after two attachments: %v %v", v["status"], v["attachments"])
	}
	for _, id := range servers {
		out, err := exec.Command("virsh", "-c", testenv.LibvirtURI(t), "dumpxml", id).CombinedOutput()
		if err != nil {
			t.Fatalf("virsh dumpxml %s: %v\n%s", id, err, out)
		}
		x := string(out)
		i := strings.Index(x, "volume-"+volID)
		start, end := strings.LastIndex(x[:max(i, 0)], "<disk"), strings.Index(x[max(i, 0):], "</disk>")
		if i < 0 || start < 0 || end < 0 {
			t.Fatalf("guest of %s has no disk volume-%s:\n%s", id, volID, x)
		}
		disk := x[start : i+end]
		if !strings.Contains(disk, "<shareable/>") || !strings.Contains(disk, "cache='none'") {
			t.Errorf("the multiattach disk of %s is not shareable with no cache:\n%s", id, disk)
		}
	}

	// 2.85: delete_on_termination of an attachment changes in place.
	e.user.Run("--os-compute-api-version", "2.85", "server", "volume", "update", "--delete-on-termination", servers[0], volID)
	rows := e.user.Run("--os-compute-api-version", "2.85", "server", "volume", "list", servers[0], "-f", "value", "-c", "Volume ID", "-c", "Delete On Termination?")
	if !strings.Contains(rows, volID+" True") {
		t.Errorf("server volume list after update --delete-on-termination:\n%s", rows)
	}
	e.user.Run("--os-compute-api-version", "2.85", "server", "volume", "update", "--preserve-on-termination", servers[0], volID)

	for _, id := range servers {
		e.user.Run("server", "remove", "volume", id, volID)
	}
	poll(t, "the volume available after both detaches", 2*time.Minute, func() bool { return volumeJSON(e.user, volID)["status"] == "available" })
}
