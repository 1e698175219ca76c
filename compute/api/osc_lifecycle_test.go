package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// The server lifecycle after the first boot (issue 7), with the real
// openstack client against the dev cloud: createImage and a boot from the
// snapshot, rebuild, resize with confirm and revert, the resize failures,
// shelve/unshelve and rescue/unrescue; and no RBD image left behind.

// lifecycleEnv is one test's project user, image and flavor.
type lifecycleEnv struct {
	t      *testing.T
	admin  testenv.OSC
	user   testenv.OSC
	sfx    string
	image  string // the tiny image's id
	flavor string // 128 MB, 1 GB disk
}

func newLifecycleEnv(t *testing.T, name string) *lifecycleEnv {
	t.Helper()
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	e := &lifecycleEnv{t: t, admin: testenv.OSC{T: t}}
	e.sfx = strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	e.user = newProjectUser(t, e.admin, "lc-"+name+"-"+e.sfx, "member")
	e.flavor = e.newFlavor("f1", "--ram", "128", "--disk", "1", "--vcpus", "1")
	img := e.user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "lc-img-"+e.sfx)
	e.image = img["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", e.image) })
	return e
}

func (e *lifecycleEnv) newFlavor(name string, args ...string) string {
	e.t.Helper()
	full := "lc-" + name + "-" + e.sfx
	e.admin.Run(append(append([]string{"flavor", "create"}, args...), full)...)
	e.t.Cleanup(func() { e.admin.Quietly("flavor", "delete", full) })
	return full
}

// boot creates a server on the network private and waits for its boot
// marker on the console.
func (e *lifecycleEnv) boot(name, image, flavor string) string {
	e.t.Helper()
	created := e.user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--network", "private", "--wait", "lc-"+name+"-"+e.sfx)
	id := created["id"].(string)
	e.t.Cleanup(func() { e.admin.Quietly("server", "delete", "--wait", id) })
	if created["status"] != "ACTIVE" {
		e.t.Fatalf("server create --wait: %v", created)
	}
	poll(e.t, "the boot marker of "+name, 3*time.Minute, func() bool { return strings.Contains(e.console(id), "tinyvm booted") })
	return id
}

// keepsNIC fails the test unless the guest's definition still has the
// server's port (its MAC) after step: a redefined guest keeps its NICs.
func (e *lifecycleEnv) keepsNIC(id, step string) {
	e.t.Helper()
	mac := strings.TrimSpace(e.retry(e.admin, "port", "list", "--server", id, "-f", "value", "-c", "MAC Address"))
	if mac == "" {
		e.t.Errorf("after %s server %s has no port", step, id)
		return
	}
	out, err := exec.Command("virsh", "-c", testenv.LibvirtURI(e.t), "domiflist", id).CombinedOutput()
	if err != nil || !strings.Contains(string(out), mac) {
		e.t.Errorf("after %s the guest of %s lacks its port's NIC %s: %v\n%s", step, id, mac, err, out)
	}
}

// retry runs the client until it succeeds, for up to a minute: the dev
// cloud's daemons restart now and then while others work on it.
func (e *lifecycleEnv) retry(o testenv.OSC, args ...string) string {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := o.Cmd(args...).CombinedOutput()
		if err == nil {
			return string(out)
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		time.Sleep(3 * time.Second)
	}
}

func (e *lifecycleEnv) console(id string) string {
	return e.retry(e.user, "console", "log", "show", id)
}

func (e *lifecycleEnv) show(id string) map[string]any {
	e.t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(e.retry(e.admin, "server", "show", id, "-f", "json")), &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *lifecycleEnv) waitStatus(id, want string, d time.Duration) map[string]any {
	e.t.Helper()
	var last map[string]any
	poll(e.t, id+" "+want, d, func() bool {
		last = e.show(id)
		if last["status"] == "ERROR" && want != "ERROR" {
			e.t.Fatalf("server %s went to ERROR waiting for %s: %v", id, want, last["fault"])
		}
		return last["status"] == want && last["OS-EXT-STS:task_state"] == nil
	})
	return last
}

// flavorName is the flavor server show names ("name (id)" or the name).
func flavorName(s map[string]any) string {
	f, _ := s["flavor"].(string)
	name, _, _ := strings.Cut(f, " (")
	return name
}

// bootedConsole waits until the guest has booted and its init is
// through (a heartbeat line: acpid already runs, so a clean shutdown is
// heard) and returns its console.
func (e *lifecycleEnv) bootedConsole(id string) string {
	e.t.Helper()
	return bootedConsole(e.t, func() string { return e.console(id) })
}

// freshBootAfter: freshBoot of the server's console.
func (e *lifecycleEnv) freshBootAfter(id, before string) func() bool {
	return freshBoot(func() string { return e.console(id) }, before)
}

// bootedConsole waits until a guest has booted and printed a heartbeat
// and returns its console.
func bootedConsole(t *testing.T, console func() string) string {
	t.Helper()
	var out string
	poll(t, "the guest booted and beating", 3*time.Minute, func() bool {
		out = console()
		i := strings.LastIndex(out, "tinyvm booted")
		return i >= 0 && strings.Contains(out[i:], "tinyvm heartbeat")
	})
	return out
}

// freshBoot is true once the console shows a boot other than before's
// last one: the tiny guest prints its kernel's random boot_id with its
// boot marker, so a restarted guest is told apart whether its log was
// started anew (append="off") or kept, however long it has been up.
func freshBoot(console func() string, before string) func() bool {
	last := lastBootID(before)
	return func() bool {
		id := lastBootID(console())
		return id != "" && id != last
	}
}

// lastBootID is the boot_id on the last "tinyvm booted: kernel K boot ID"
// line of a console log, or "" when it has none.
func lastBootID(log string) string {
	i := strings.LastIndex(log, "tinyvm booted")
	if i < 0 {
		return ""
	}
	line, _, _ := strings.Cut(log[i:], "\n")
	_, id, ok := strings.Cut(line, " boot ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(id)
}

// failedResize waits until a resize that failed is over: the server ACTIVE
// with no task and its newest migration in error. It returns the server
// and the fault of the resize action, as the action's events show it
// (server show shows a fault only for ERROR servers, as upstream).
func (e *lifecycleEnv) failedResize(id string) (map[string]any, string) {
	e.t.Helper()
	var s map[string]any
	poll(e.t, "the failed resize to end", 3*time.Minute, func() bool {
		s = e.show(id)
		migs := e.retry(e.admin, "server", "migration", "list", "--server", id, "-f", "value", "-c", "Status")
		first, _, _ := strings.Cut(strings.TrimSpace(migs), "\n")
		return s["status"] == "ACTIVE" && s["OS-EXT-STS:task_state"] == nil && first == "error"
	})
	var req string
	for _, line := range strings.Split(e.user.Run("server", "event", "list", "--long", id, "-f", "value", "-c", "Request ID", "-c", "Action", "-c", "Message"), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[1] == "resize" && f[2] == "Error" {
			req = f[0]
		}
	}
	if req == "" {
		e.t.Fatalf("no resize action in Error for %s", id)
	}
	return s, e.admin.Run("server", "event", "show", id, req, "-f", "json")
}

// rbdLeft fails the test if a pool still holds an image whose name
// contains one of ids.
func rbdLeft(t *testing.T, ids ...string) {
	t.Helper()
	for _, pool := range []string{"vms", "images"} {
		out := testenv.RBD(t, "ls", pool)
		for _, id := range ids {
			if strings.Contains(out, id) {
				t.Errorf("pool %s still holds an image of %s:\n%s", pool, id, out)
			}
		}
	}
}

// TestOSCLifecycleSnapshotAndRebuild: `server image create` of an
// image-backed server makes an active Glance image whose data is a
// flattened RBD copy in the images pool, a new server boots from it, and
// `server rebuild --image` makes the root disk anew (fresh boot marker,
// same id, new image).
func TestOSCLifecycleSnapshotAndRebuild(t *testing.T) {
	e := newLifecycleEnv(t, "snap")
	id := e.boot("vm", e.image, e.flavor)

	snap := e.user.JSON("server", "image", "create", "--name", "lc-snap-"+e.sfx, "--wait", id)
	snapID := snap["id"].(string)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", snapID) })
	if snap["status"] != "active" {
		t.Fatalf("snapshot image: %v", snap)
	}
	props, _ := snap["properties"].(map[string]any)
	if props["image_type"] != "snapshot" || props["instance_uuid"] != id || props["base_image_ref"] != e.image {
		t.Errorf("snapshot properties: %v", props)
	}
	info := testenv.RBD(t, "info", "images/"+snapID)
	if strings.Contains(info, "parent:") {
		t.Errorf("images/%s is not flattened:\n%s", snapID, info)
	}
	if s := e.show(id); s["status"] != "ACTIVE" || s["OS-EXT-STS:task_state"] != nil {
		t.Errorf("server after the snapshot: %v %v", s["status"], s["OS-EXT-STS:task_state"])
	}

	// The snapshot boots.
	id2 := e.boot("from-snap", snapID, e.flavor)
	if p, ok := rbdParent(t, id2+"_disk"); !ok || p.Pool != "images" || p.Image != snapID {
		t.Errorf("vms/%s_disk parent = %+v (%v), want images/%s@snap", id2, p, ok, snapID)
	}
	e.user.Run("server", "delete", "--wait", id2)

	// Rebuild from the snapshot: same server, new image, fresh boot.
	before := e.bootedConsole(id)
	e.user.Run("server", "rebuild", "--image", snapID, "--wait", id)
	s := e.waitStatus(id, "ACTIVE", 3*time.Minute)
	if img, _ := s["image"].(string); !strings.Contains(img, snapID) {
		t.Errorf("server image after rebuild: %v", s["image"])
	}
	poll(t, "a fresh boot marker after rebuild", 3*time.Minute, e.freshBootAfter(id, before))
	e.keepsNIC(id, "rebuild")
	if p, ok := rbdParent(t, id+"_disk"); !ok || p.Image != snapID {
		t.Errorf("vms/%s_disk parent after rebuild = %+v, want images/%s@snap", id, p, snapID)
	}
	events := e.user.Run("server", "event", "list", id, "-f", "value", "-c", "Action")
	for _, a := range []string{"createImage", "rebuild"} {
		if !strings.Contains(events, a) {
			t.Errorf("server event list lacks %s:\n%s", a, events)
		}
	}

	e.user.Run("server", "delete", "--wait", id)
	e.user.Run("image", "delete", snapID)
	rbdLeft(t, id, id2, snapID)
}

// TestOSCLifecycleResize: resize + --confirm and resize + --revert with
// the flavor shown at each step; the refusals (smaller disk, same flavor:
// 400) and two failed resizes (the hypervisor refuses to shrink the
// ephemeral disk; no host has the memory) that leave the server ACTIVE on
// its old flavor with a fault, and nothing orphaned.
func TestOSCLifecycleResize(t *testing.T) {
	e := newLifecycleEnv(t, "resize")
	big := e.newFlavor("f2", "--ram", "192", "--disk", "2", "--vcpus", "1")
	bigger := e.newFlavor("f3", "--ram", "256", "--disk", "3", "--vcpus", "2")
	id := e.boot("vm", e.image, e.flavor)

	// resize + confirm
	before := e.bootedConsole(id)
	e.user.Run("server", "resize", "--flavor", big, "--wait", id)
	s := e.waitStatus(id, "VERIFY_RESIZE", 3*time.Minute)
	if flavorName(s) != big {
		t.Errorf("flavor during VERIFY_RESIZE = %q, want %s", s["flavor"], big)
	}
	poll(t, "a boot on the new flavor", 3*time.Minute, e.freshBootAfter(id, before))
	e.keepsNIC(id, "resize")
	if out := testenv.RBD(t, "info", "vms/"+id+"_disk"); !strings.Contains(out, "size 2 GiB") {
		t.Errorf("root disk after resize:\n%s", out)
	}
	migs := e.admin.Run("server", "migration", "list", "--server", id, "-f", "value", "-c", "Status", "-c", "Type")
	if !strings.Contains(migs, "finished") {
		t.Errorf("os-migrations during VERIFY_RESIZE:\n%s", migs)
	}
	e.user.Run("server", "resize", "confirm", id)
	s = e.waitStatus(id, "ACTIVE", 2*time.Minute)
	if flavorName(s) != big {
		t.Errorf("flavor after confirm = %q, want %s", s["flavor"], big)
	}
	if out := testenv.RBD(t, "snap", "ls", "vms/"+id+"_disk"); strings.Contains(out, "nova-resize") {
		t.Errorf("the revert point outlived the confirm:\n%s", out)
	}

	// resize + revert: back to the confirmed flavor and disk
	e.user.Run("server", "resize", "--flavor", bigger, "--wait", id)
	s = e.waitStatus(id, "VERIFY_RESIZE", 3*time.Minute)
	if flavorName(s) != bigger {
		t.Errorf("flavor during the second VERIFY_RESIZE = %q, want %s", s["flavor"], bigger)
	}
	e.user.Run("server", "resize", "revert", id)
	s = e.waitStatus(id, "ACTIVE", 3*time.Minute)
	if flavorName(s) != big {
		t.Errorf("flavor after revert = %q, want %s", s["flavor"], big)
	}
	e.keepsNIC(id, "revert resize")
	if out := testenv.RBD(t, "info", "vms/"+id+"_disk"); !strings.Contains(out, "size 2 GiB") {
		t.Errorf("root disk after revert:\n%s", out)
	}
	migs = e.admin.Run("server", "migration", "list", "--server", id, "-f", "value", "-c", "Status")
	if strings.Count(migs, "confirmed") != 1 || strings.Count(migs, "reverted") != 1 {
		t.Errorf("migrations after confirm and revert:\n%s", migs)
	}

	// Refusals: a smaller disk, the same flavor.
	if out := e.user.Fail("server", "resize", "--flavor", e.flavor, id); !strings.Contains(out, "Resize to a smaller disk is not allowed") || !strings.Contains(out, "400") {
		t.Errorf("resize to a smaller disk:\n%s", out)
	}
	if out := e.user.Fail("server", "resize", "--flavor", big, id); !strings.Contains(out, "must change flavor") {
		t.Errorf("resize to the same flavor:\n%s", out)
	}

	// A resize no host has the memory for: NoValidHost, ACTIVE, old flavor, fault.
	huge := e.newFlavor("huge", "--ram", "4000000", "--disk", "3", "--vcpus", "1")
	// Past the quota the resize would be refused (403) before scheduling.
	e.admin.Run("quota", "set", "--ram", "-1", e.user.Env["OS_PROJECT_NAME"])
	e.user.Run("server", "resize", "--flavor", huge, id)
	s, fault := e.failedResize(id)
	if !strings.Contains(fault, "No valid host") {
		t.Errorf("the failed resize's events do not say why:\n%s", fault)
	}
	if flavorName(s) != big {
		t.Errorf("flavor after a failed resize = %q, want %s", s["flavor"], big)
	}
	e.user.Run("server", "delete", "--wait", id)
	rbdLeft(t, id)
}

// TestOSCLifecycleFailedResize: the hypervisor refuses a resize that
// would shrink the ephemeral disk (nova's "Unable to resize disk down"):
// the server is ACTIVE again on its old flavor, with a fault, its guest
// running, and no revert point, claim or image left behind.
func TestOSCLifecycleFailedResize(t *testing.T) {
	e := newLifecycleEnv(t, "fail")
	withEph := e.newFlavor("eph", "--ram", "128", "--disk", "1", "--ephemeral", "1", "--vcpus", "1")
	noEph := e.newFlavor("noeph", "--ram", "192", "--disk", "2", "--vcpus", "1")
	id := e.boot("vm", e.image, withEph)
	e.user.Run("server", "resize", "--flavor", noEph, id)
	s, fault := e.failedResize(id)
	if !strings.Contains(fault, "Unable to resize disk down") {
		t.Errorf("the refused resize's events do not say why:\n%s", fault)
	}
	if flavorName(s) != withEph {
		t.Errorf("flavor after the refused resize = %q, want %s", s["flavor"], withEph)
	}
	if s["OS-EXT-STS:power_state"] != "Running" && s["OS-EXT-STS:power_state"] != float64(1) {
		t.Errorf("power state after the refused resize: %v", s["OS-EXT-STS:power_state"])
	}
	if out := testenv.RBD(t, "snap", "ls", "vms/"+id+"_disk"); strings.Contains(out, "nova-resize") {
		t.Errorf("a revert point is left:\n%s", out)
	}
	e.user.Run("server", "delete", "--wait", id)
	rbdLeft(t, id)
}

// TestOSCLifecycleShelveAndRescue: shelve keeps the disk in the
// <name>-shelved image and offloads the server (no guest, no disk),
// unshelve boots it from that image and deletes it; rescue boots the
// server from its image with its disk attached second (RESCUE, an
// adminPass), unrescue boots it from its own disk.
func TestOSCLifecycleShelveAndRescue(t *testing.T) {
	e := newLifecycleEnv(t, "shelve")
	id := e.boot("vm", e.image, e.flavor)
	name := "lc-vm-" + e.sfx

	e.user.Run("server", "shelve", id)
	t.Cleanup(func() { e.admin.Quietly("image", "delete", name+"-shelved") })
	s := e.waitStatus(id, "SHELVED_OFFLOADED", 3*time.Minute)
	if h := s["OS-EXT-SRV-ATTR:host"]; h != nil && h != "" {
		t.Errorf("an offloaded server has host %v", h)
	}
	shelved := e.user.JSON("image", "show", name+"-shelved")
	shelvedID := shelved["id"].(string)
	if shelved["status"] != "active" {
		t.Errorf("shelved image: %v", shelved)
	}
	if strings.Contains(virshDomains(t), id) {
		t.Errorf("an offloaded server keeps its libvirt domain")
	}
	if out := testenv.RBD(t, "ls", "vms"); strings.Contains(out, id) {
		t.Errorf("an offloaded server keeps its disks:\n%s", out)
	}

	e.user.Run("server", "unshelve", id)
	e.waitStatus(id, "ACTIVE", 4*time.Minute)
	poll(t, "the boot marker after unshelve", 3*time.Minute, func() bool { return strings.Contains(e.console(id), "tinyvm booted") })
	e.keepsNIC(id, "unshelve")
	poll(t, "the shelved image deleted", time.Minute, func() bool {
		return !strings.Contains(e.user.Run("image", "list", "-f", "value", "-c", "ID"), shelvedID)
	})

	// rescue / unrescue. A fresh boot shows as a lower uptime than the
	// console had before: let the guest be up a while first, or a new
	// boot could count past it between two polls.
	before := e.bootedConsole(id)
	e.user.Run("server", "rescue", id)
	e.waitStatus(id, "RESCUE", 3*time.Minute)
	if out := testenv.RBD(t, "ls", "vms"); !strings.Contains(out, id+"_disk.rescue") {
		t.Errorf("no rescue disk:\n%s", out)
	}
	poll(t, "the rescue boot", 3*time.Minute, e.freshBootAfter(id, before))
	e.keepsNIC(id, "rescue")
	before = e.bootedConsole(id)
	e.user.Run("server", "unrescue", id)
	e.waitStatus(id, "ACTIVE", 3*time.Minute)
	poll(t, "the boot after unrescue", 3*time.Minute, e.freshBootAfter(id, before))
	e.keepsNIC(id, "unrescue")
	if out := testenv.RBD(t, "ls", "vms"); strings.Contains(out, id+"_disk.rescue") {
		t.Errorf("the rescue disk outlived unrescue:\n%s", out)
	}
	e.user.Run("server", "delete", "--wait", id)
	rbdLeft(t, id, shelvedID)
}

// BenchmarkCreateImageAPI measures createImage through the API for a
// server with a 1 GiB root disk: from POST createImage to the Glance image
// active (the direct snapshot's clone and flatten, and the location
// registered), then the image deleted.
//
// Run: CI=true go test -tags pacific -run '^$' -bench CreateImageAPI -benchtime 3x ./compute/api/
func BenchmarkCreateImageAPI(b *testing.B) {
	src := testenv.Require(b, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: b}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image, server := "lcb-f-"+sfx, "lcb-img-"+sfx, "lcb-vm-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	b.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", image)
	b.Cleanup(func() { admin.Quietly("image", "delete", img["id"].(string)) })
	created := admin.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--network", "none", "--wait", server)
	id := created["id"].(string)
	b.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	token := strings.TrimSpace(admin.Run("token", "issue", "-f", "value", "-c", "id"))
	nova := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
	glance := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "image", "--interface", "public", "-f", "value", "-c", "URL"))
	do := func(method, url, body string, hdr map[string]string) (int, []byte) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		code, data := do("POST", nova+"/servers/"+id+"/action", `{"createImage": {"name": "lcb-snap-`+sfx+`"}}`,
			map[string]string{"OpenStack-API-Version": "compute 2.45", "X-OpenStack-Nova-API-Version": "2.45"})
		if code != http.StatusAccepted {
			b.Fatalf("createImage: %d %s", code, data)
		}
		var out struct {
			ImageID string `json:"image_id"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.ImageID == "" {
			b.Fatalf("createImage answered %s", data)
		}
		for {
			_, data := do("GET", glance+"/v2/images/"+out.ImageID, "", nil)
			var im struct {
				Status string `json:"status"`
			}
			_ = json.Unmarshal(data, &im)
			if im.Status == "active" {
				break
			}
			if im.Status == "killed" || im.Status == "deleted" || im.Status == "" {
				b.Fatalf("snapshot image: %s", data)
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.StopTimer()
		do("DELETE", glance+"/v2/images/"+out.ImageID, "", nil)
		// the server's task must be over before the next snapshot
		for admin.JSON("server", "show", id)["OS-EXT-STS:task_state"] != nil {
			time.Sleep(200 * time.Millisecond)
		}
		b.StartTimer()
	}
}

// TestOSCLifecycleDeleteShelved: deleting a shelved-offloaded server (it
// has no host, nova-api deletes it alone) releases its port and deletes
// its shelved image.
func TestOSCLifecycleDeleteShelved(t *testing.T) {
	e := newLifecycleEnv(t, "delshelved")
	id := e.boot("vm", e.image, e.flavor)
	port := strings.TrimSpace(e.retry(e.admin, "port", "list", "--server", id, "-f", "value", "-c", "ID"))
	if port == "" {
		t.Fatalf("server %s has no port", id)
	}
	e.user.Run("server", "shelve", id)
	e.waitStatus(id, "SHELVED_OFFLOADED", 3*time.Minute)
	e.user.Run("server", "delete", "--wait", id)
	if out, err := e.admin.Cmd("port", "show", port).CombinedOutput(); err == nil {
		t.Errorf("the port of the deleted shelved server is left:\n%s", out)
	}
	if out := e.user.Run("image", "list", "-f", "value", "-c", "Name"); strings.Contains(out, "lc-vm-"+e.sfx+"-shelved") {
		t.Errorf("the shelved image is left:\n%s", out)
	}
}
