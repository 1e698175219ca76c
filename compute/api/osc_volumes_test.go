package api_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// These tests drive boot from volume and volume attachments through the
// real openstack client against `make dev` (issue 7): nova-api, conductor,
// scheduler, compute with libvirt hot-plug, Cinder's attachments API and
// RBD volumes, the tiny guest reporting its disks on its console.

// volumeJSON is `volume show` as JSON.
func volumeJSON(o testenv.OSC, id string) map[string]any {
	return o.JSON("--os-volume-api-version", "3.44", "volume", "show", id)
}

// volumeAttachmentDevice is the device Cinder records for the volume's
// attachment to server ("" when there is none).
func volumeAttachmentDevice(v map[string]any, server string) string {
	list, _ := v["attachments"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		if m["server_id"] == server {
			d, _ := m["device"].(string)
			if d == "" {
				d = "attached"
			}
			return d
		}
	}
	return ""
}

// rbdImages lists a pool's RBD images.
func rbdImages(t *testing.T, pool string) string { return testenv.RBD(t, "ls", pool) }

// bootFromVolumeEnv is a project with a member user, a flavor and the tiny
// image, for the tests below.
type bootFromVolumeEnv struct {
	admin, user         testenv.OSC
	flavor, image, sfx  string
	imageID, projectSfx string
}

func newBootFromVolumeEnv(t *testing.T, prefix string) bootFromVolumeEnv {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	e := bootFromVolumeEnv{admin: testenv.OSC{T: t}}
	e.sfx = strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	e.flavor, e.image = prefix+"-f-"+e.sfx, prefix+"-img-"+e.sfx
	e.admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", e.flavor)
	t.Cleanup(func() { e.admin.Quietly("flavor", "delete", e.flavor) })
	e.user = newProjectUser(t, e.admin, prefix+"-p-"+e.sfx, "member")
	img := e.user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", e.image)
	e.imageID = img["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", e.imageID) })
	return e
}

// console returns the server's console log.
func (e bootFromVolumeEnv) console(id string) string { return e.user.Run("console", "log", "show", id) }

// serverVolumes are the ids in the server's volumes_attached.
func (e bootFromVolumeEnv) serverVolumes(id string) string {
	return fmt.Sprint(e.user.JSON("server", "show", id)["volumes_attached"])
}

// TestOpenStackClientBootFromVolume is issue 7's boot-from-volume and
// attachment must-show: `server create --boot-from-volume 1` reaches ACTIVE
// with the guest's boot marker, its root is a copy-on-write clone of the
// image in the volumes pool and the server shows no image; `server add
// volume` / `remove volume` on a running and on a stopped server, the
// guest's console listing the disk appear, grow (volume extend through
// os-server-external-events) and go; a volume in use elsewhere is refused
// with 400 (nova's InvalidInput from Cinder's refusal); the root volume
// cannot be detached (400); delete_on_termination volumes leave no RBD
// image, the others are left available.
func TestOpenStackClientBootFromVolume(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfv")
	user, admin := e.user, e.admin

	// A: --boot-from-volume (delete_on_termination not sent: false).
	a := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "--wait", "bfv-a-"+e.sfx)
	aID := a["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", aID) })
	if a["status"] != "ACTIVE" {
		t.Fatalf("server create --boot-from-volume --wait: %v", a)
	}
	poll(t, "the boot marker of the server booted from a volume", 3*time.Minute, func() bool {
		return strings.Contains(e.console(aID), "tinyvm booted")
	})
	show := user.JSON("server", "show", aID)
	if img, _ := show["image"].(string); !strings.Contains(img, "booted from volume") {
		t.Errorf("server show image = %v, want OSC's rendering of image \"\" (N/A (booted from volume))", show["image"])
	}
	vols, _ := show["volumes_attached"].([]any)
	if len(vols) != 1 {
		t.Fatalf("volumes_attached = %v, want the root volume", show["volumes_attached"])
	}
	rootID := vols[0].(map[string]any)["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", rootID) })
	root := volumeJSON(user, rootID)
	if root["status"] != "in-use" || volumeAttachmentDevice(root, aID) != "/dev/vda" {
		t.Errorf("root volume %s: status %v, attachment device %q, want in-use on /dev/vda", rootID, root["status"], volumeAttachmentDevice(root, aID))
	}
	// Cinder cloned the image copy-on-write; nova made no vms/<uuid>_disk.
	if info := testenv.RBD(t, "info", "volumes/volume-"+rootID); !strings.Contains(info, "parent: images/"+e.imageID+"@snap") {
		t.Errorf("volumes/volume-%s is not a clone of images/%s@snap:\n%s", rootID, e.imageID, info)
	}
	if strings.Contains(rbdImages(t, "vms"), aID+"_disk") {
		t.Errorf("vms/%s_disk exists for a server booted from a volume", aID)
	}
	// The root volume cannot be detached: 400.
	if out := user.Fail("server", "remove", "volume", aID, rootID); !strings.Contains(out, "Cannot detach a root device volume") || !strings.Contains(out, "400") {
		t.Errorf("detaching the root volume: %s", out)
	}

	// Attach to the running server: the guest sees vdb appear.
	data := user.JSON("volume", "create", "--size", "1", "data-"+e.sfx)
	dataID := data["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", dataID) })
	poll(t, "the data volume available", 2*time.Minute, func() bool { return volumeJSON(user, dataID)["status"] == "available" })
	user.Run("server", "add", "volume", aID, dataID)
	dv := volumeJSON(user, dataID)
	if dv["status"] != "in-use" || volumeAttachmentDevice(dv, aID) != "/dev/vdb" {
		t.Errorf("after server add volume: status %v, cinder attachment device %q, want in-use on /dev/vdb", dv["status"], volumeAttachmentDevice(dv, aID))
	}
	if !strings.Contains(e.serverVolumes(aID), dataID) {
		t.Errorf("server show volumes_attached lacks %s: %s", dataID, e.serverVolumes(aID))
	}
	var att map[string]any
	raw := admin.Run("--os-compute-api-version", "2.58", "server", "volume", "list", aID, "-f", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		t.Fatalf("server volume list: %v\n%s", err, raw)
	}
	for _, r := range rows {
		if r["Volume ID"] == dataID {
			att = r
		}
	}
	if att == nil || att["Device"] != "/dev/vdb" || att["ID"] != dataID {
		t.Errorf("nova's os-volume_attachments for %s: %v", dataID, rows)
	}
	poll(t, "the guest to list vdb", 2*time.Minute, func() bool {
		return strings.Contains(e.console(aID), "tinyvm disk add vdb size 1073741824")
	})

	// Extend the in-use volume: Cinder tells Nova (volume-extended), the
	// guest sees the new size.
	user.Run("--os-volume-api-version", "3.42", "volume", "set", "--size", "2", dataID)
	poll(t, "the guest to see vdb grow to 2 GiB", 2*time.Minute, func() bool {
		return strings.Contains(e.console(aID), "tinyvm disk resize vdb size 2147483648")
	})

	// B: booted from a volume with delete_on_termination.
	b := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--flavor", e.flavor, "--network", "none", "--image", e.image,
		"--block-device", "uuid="+e.imageID+",source_type=image,destination_type=volume,volume_size=1,boot_index=0,delete_on_termination=true",
		"--wait", "bfv-b-"+e.sfx)
	bID := b["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", bID) })
	if b["status"] != "ACTIVE" {
		t.Fatalf("server create --block-device ... --wait: %v", b)
	}
	bVols, _ := user.JSON("server", "show", bID)["volumes_attached"].([]any)
	if len(bVols) != 1 {
		t.Fatalf("server B volumes_attached: %v", bVols)
	}
	bRoot := bVols[0].(map[string]any)["id"].(string)

	// A volume in use elsewhere is refused: Cinder will not reserve it.
	if out := user.Fail("server", "add", "volume", bID, dataID); !strings.Contains(out, "400") || !strings.Contains(out, "in-use") {
		t.Errorf("attaching a volume in use by another server: %s", out)
	}
	if got := volumeAttachmentDevice(volumeJSON(user, dataID), bID); got != "" {
		t.Errorf("the refused attach left an attachment to B: %q", got)
	}

	// Swapping the volume (novaclient's volume-update, admin only):
	// nova's 404 for the volume in the URL, 400 for the one in the body,
	// 400 for a new volume in use or smaller; a swap that passes the
	// checks is refused (RBD volumes cannot be swapped by libvirt).
	novaAdmin := func(args ...string) string {
		cmd := admin.Cmd()
		cmd.Path, _ = exec.LookPath("nova")
		cmd.Args = append([]string{"nova"}, args...)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("nova %s succeeded:\n%s", strings.Join(args, " "), out)
		}
		return string(out)
	}
	missing := "3f1c4b5e-2a3b-4c5d-8e9f-0a1b2c3d4e5f"
	// (404: the volume in the URL is not found, or, from 2.85, has no
	// mapping on the server)
	if out := novaAdmin("volume-update", aID, missing, dataID); !strings.Contains(out, "HTTP 404") {
		t.Errorf("swap of a volume that does not exist: %s", out)
	}
	if out := novaAdmin("volume-update", aID, dataID, missing); !strings.Contains(out, "HTTP 400") || !strings.Contains(out, "could not be found") {
		t.Errorf("swap to a volume that does not exist: %s", out)
	}
	if out := novaAdmin("volume-update", aID, dataID, bRoot); !strings.Contains(out, "HTTP 400") || !strings.Contains(out, "must be detached") {
		t.Errorf("swap to a volume in use: %s", out)
	}
	spare := user.JSON("volume", "create", "--size", "2", "spare-"+e.sfx)["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", spare) })
	poll(t, "the spare volume available", 2*time.Minute, func() bool { return volumeJSON(user, spare)["status"] == "available" })
	if out := novaAdmin("volume-update", aID, dataID, spare); !strings.Contains(out, "HTTP 400") || !strings.Contains(out, "Swapping volumes is not supported") {
		t.Errorf("swap to an available volume: %s", out)
	}

	// Detach from the running server: the guest sees vdb go.
	user.Run("server", "remove", "volume", aID, dataID)
	poll(t, "the guest to drop vdb", 2*time.Minute, func() bool { return strings.Contains(e.console(aID), "tinyvm disk remove vdb") })
	if st := volumeJSON(user, dataID)["status"]; st != "available" {
		t.Errorf("volume after server remove volume: %v, want available", st)
	}
	if strings.Contains(e.serverVolumes(aID), dataID) {
		t.Errorf("volumes_attached still lists %s after detach", dataID)
	}

	// Attach and detach on the stopped server B: the disk is there when
	// it starts.
	user.Run("server", "stop", bID)
	poll(t, "B SHUTOFF", 3*time.Minute, func() bool { return user.JSON("server", "show", bID)["status"] == "SHUTOFF" })
	user.Run("server", "add", "volume", bID, dataID)
	if st := volumeJSON(user, dataID)["status"]; st != "in-use" {
		t.Errorf("volume attached to a stopped server: %v, want in-use", st)
	}
	user.Run("server", "start", bID)
	poll(t, "B ACTIVE", 3*time.Minute, func() bool { return user.JSON("server", "show", bID)["status"] == "ACTIVE" })
	poll(t, "B's guest to list vdb at boot", 3*time.Minute, func() bool {
		return strings.Contains(e.console(bID), "tinyvm disk add vdb size 2147483648")
	})
	user.Run("server", "stop", bID)
	poll(t, "B SHUTOFF again", 3*time.Minute, func() bool { return user.JSON("server", "show", bID)["status"] == "SHUTOFF" })
	user.Run("server", "remove", "volume", bID, dataID)
	if st := volumeJSON(user, dataID)["status"]; st != "available" {
		t.Errorf("volume detached from a stopped server: %v, want available", st)
	}

	// Delete: B's root (delete_on_termination) is gone with its RBD image;
	// A's root is detached and left available, as upstream.
	user.Run("server", "delete", "--wait", bID, aID)
	poll(t, "B's root volume deleted", 2*time.Minute, func() bool {
		return !strings.Contains(rbdImages(t, "volumes"), "volume-"+bRoot)
	})
	if out := user.Cmd("volume", "show", bRoot).Run(); out == nil {
		t.Errorf("volume %s (delete_on_termination) still exists", bRoot)
	}
	poll(t, "A's root volume available", 2*time.Minute, func() bool { return volumeJSON(user, rootID)["status"] == "available" })
}

// TestOpenStackClientBootFromVolumeFailures: bad mappings are refused with
// upstream's 400s, and a volume Cinder will not create puts the server in
// ERROR with a fault and leaves no volume.
func TestOpenStackClientBootFromVolumeFailures(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfvf")
	user, admin := e.user, e.admin
	create := func(bdm string) string {
		return user.Fail("--os-compute-api-version", "2.37", "server", "create", "--flavor", e.flavor, "--network", "none",
			"--image", e.image, "--block-device", bdm, "bad-"+e.sfx)
	}
	for _, c := range []struct{ bdm, want string }{
		{"uuid=" + e.imageID + ",source_type=image,destination_type=volume,boot_index=0", "need to have a non-zero size specified"},
		{"uuid=00000000-0000-0000-0000-000000000001,source_type=volume,destination_type=volume,boot_index=0", "failed to get volume"},
		{"uuid=" + e.imageID + ",source_type=image,destination_type=volume,volume_size=1,boot_index=2", "Boot sequence"},
	} {
		if out := create(c.bdm); !strings.Contains(out, c.want) || !strings.Contains(out, "400") {
			t.Errorf("--block-device %s: %s (want 400 with %q)", c.bdm, out, c.want)
		}
	}
	// Cinder refuses the volume (the project's volume quota is 0): ERROR
	// with a fault, nothing left.
	project := "bfvf-p-" + e.sfx
	admin.Run("quota", "set", "--volumes", "0", project)
	s := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "bfv-err-"+e.sfx)
	id := s["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	poll(t, "the server in ERROR", 3*time.Minute, func() bool { return user.JSON("server", "show", id)["status"] == "ERROR" })
	show := user.JSON("server", "show", id)
	if f := fmt.Sprint(show["fault"]); !strings.Contains(f, "Volume could not be created") {
		t.Errorf("fault = %s", f)
	}
	if v := user.Run("volume", "list", "-f", "value", "-c", "ID"); strings.TrimSpace(v) != "" {
		t.Errorf("volumes left after a failed boot from volume:\n%s", v)
	}
	if strings.Contains(rbdImages(t, "vms"), id) {
		t.Errorf("an RBD disk is left for %s", id)
	}
}

// TestOpenStackClientBootFromVolumeSnapshot: `server image create` of a
// server booted from volume makes a Cinder snapshot and an image whose
// block_device_mapping names it; a new server booted from that image gets
// a volume made from the snapshot and reaches ACTIVE with its boot marker.
func TestOpenStackClientBootFromVolumeSnapshot(t *testing.T) {
	e := newBootFromVolumeEnv(t, "bfvs")
	user, admin := e.user, e.admin
	a := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", e.image, "--flavor", e.flavor,
		"--boot-from-volume", "1", "--network", "none", "--wait", "bfvs-a-"+e.sfx)
	aID := a["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", aID) })
	if a["status"] != "ACTIVE" {
		t.Fatalf("server create --boot-from-volume --wait: %v", a)
	}
	vols, _ := user.JSON("server", "show", aID)["volumes_attached"].([]any)
	if len(vols) != 1 {
		t.Fatalf("volumes_attached: %v", vols)
	}
	rootA := vols[0].(map[string]any)["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", rootA) })

	img := user.JSON("server", "image", "create", "--name", "bfvs-snap-"+e.sfx, "--wait", aID)
	snapImage := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", snapImage) })
	props := fmt.Sprint(user.JSON("image", "show", snapImage)["properties"])
	if !strings.Contains(props, "block_device_mapping") || !strings.Contains(props, "snapshot_id") {
		t.Fatalf("the snapshot image has no block_device_mapping naming a snapshot: %s", props)
	}
	snaps := strings.Fields(user.Run("volume", "snapshot", "list", "-f", "value", "-c", "ID"))
	if len(snaps) != 1 {
		t.Fatalf("volume snapshots: %v, want the one of %s", snaps, rootA)
	}
	t.Cleanup(func() { admin.Quietly("volume", "snapshot", "delete", snaps[0]) })

	b := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", snapImage, "--flavor", e.flavor,
		"--network", "none", "--wait", "bfvs-b-"+e.sfx)
	bID := b["id"].(string)
	if b["status"] != "ACTIVE" {
		admin.Quietly("server", "delete", "--wait", bID)
		t.Fatalf("server create from the snapshot image --wait: %v", b)
	}
	bVols, _ := user.JSON("server", "show", bID)["volumes_attached"].([]any)
	var rootB string
	if len(bVols) == 1 {
		rootB = bVols[0].(map[string]any)["id"].(string)
	}
	t.Cleanup(func() {
		admin.Quietly("server", "delete", "--wait", bID)
		if rootB != "" {
			admin.Quietly("volume", "delete", "--force", rootB)
			deadline := time.Now().Add(time.Minute)
			for time.Now().Before(deadline) && admin.Cmd("volume", "show", rootB).Run() == nil {
				time.Sleep(2 * time.Second)
			}
		}
	})
	if rootB == "" {
		t.Fatalf("the server booted from the snapshot image has volumes %v", bVols)
	}
	if sid := fmt.Sprint(volumeJSON(user, rootB)["snapshot_id"]); sid != snaps[0] {
		t.Errorf("root volume of B made from snapshot %s, want %s", sid, snaps[0])
	}
	poll(t, "the boot marker of the server booted from the snapshot", 3*time.Minute, func() bool {
		return strings.Contains(e.console(bID), "tinyvm booted")
	})
}
