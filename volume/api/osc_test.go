package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// cli runs a real client (openstack, cinder) against the dev cloud with
// its admin credentials; it fails the test when the command fails.
func tryCLI(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	return runAs(t, nil, bin, args...)
}

// runAs runs a client with the admin credentials, overridden by env.
func runAs(t *testing.T, env map[string]string, bin string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err != nil {
		t.Fatalf("%s (python3-openstackclient / python3-cinderclient) is not installed: %v", bin, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	vars := testenv.OpenRC(t)
	for k, v := range env {
		vars[k] = v
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// client runs OSC as one identity (nil env: the admin).
type client struct {
	t   *testing.T
	env map[string]string
}

func (c client) run(args ...string) (string, error) {
	c.t.Helper()
	return runAs(c.t, c.env, "openstack", args...)
}

func (c client) osc(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (c client) json(args ...string) map[string]any {
	c.t.Helper()
	out := c.osc(append(args, "-f", "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		c.t.Fatalf("openstack %s: not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
	return m
}

// waitStatus polls `openstack <kind> show` until the status is want, and
// fails on an error status or after a minute.
func (c client) waitStatus(kind []string, id, want string) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		m := c.json(append(append([]string{}, kind...), "show", id)...)
		st, _ := m["status"].(string)
		if st == want {
			return m
		}
		if strings.HasPrefix(st, "error") || time.Now().After(deadline) {
			c.t.Fatalf("%s %s: status %q, want %q", strings.Join(kind, " "), id, st, want)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (c client) waitGone(kind []string, id string) {
	c.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := c.run(append(append([]string{}, kind...), "show", id)...)
		if err != nil && (strings.Contains(out, "No ") || strings.Contains(out, "could not be found")) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s %s still exists:\n%s", strings.Join(kind, " "), id, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// newProject makes a project with a member user and returns a client
// acting as that user.
func newProject(t *testing.T, admin client, name string) (client, string) {
	t.Helper()
	pid := admin.json("project", "create", name)["id"].(string)
	t.Cleanup(func() { _, _ = admin.run("project", "delete", pid) })
	uid := admin.json("user", "create", "--project", pid, "--password", "secret-"+name, name)["id"].(string)
	t.Cleanup(func() { _, _ = admin.run("user", "delete", uid) })
	admin.osc("role", "add", "--project", pid, "--user", uid, "member")
	return client{t: t, env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": "secret-" + name,
		"OS_PROJECT_NAME": name, "OS_PROJECT_ID": pid, "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default"}}, pid
}

var volume = []string{"volume"}
var snapshot = []string{"volume", "snapshot"}

// TestOpenStackClientVolumes drives the dev cloud's Cinder with the real
// clients through the workflows of issue 5's must-show list, as a member
// of a fresh project (types and quotas as the admin).
func TestOpenStackClientVolumes(t *testing.T) {
	raw := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := func(s string) string { return "osc-" + s + "-" + sfx }
	admin := client{t: t}
	u, project := newProject(t, admin, name("proj"))
	api := adminSession(t) // polls over HTTP: each CLI call costs a second or two
	var cleanups []func()
	t.Cleanup(func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	})
	del := func(c client, args ...string) func() {
		return func() { _, _ = c.run(args...) }
	}
	forceDel := func(id string) func() {
		return func() {
			if code, _ := api.do("GET", "/volumes/"+id, "", nil); code == 404 {
				return
			}
			api.do("POST", "/volumes/"+id+"/action", "", map[string]any{"os-force_delete": map[string]any{}})
		}
	}

	// Empty volume.
	v1 := u.json("volume", "create", "--size", "1", name("empty"))
	id1 := v1["id"].(string)
	cleanups = append(cleanups, forceDel(id1))
	if v1["size"] != float64(1) || v1["type"] != "__DEFAULT__" {
		t.Errorf("volume create: %v", v1)
	}
	api.wait("volumes", id1, "available")
	if info := testenv.RBD(t, "info", "volumes/volume-"+id1); !strings.Contains(info, "size 1 GiB") {
		t.Errorf("rbd info volume-%s:\n%s", id1, info)
	}
	if _, err := admin.run("volume", "show", id1); err != nil {
		t.Errorf("the admin cannot see the project's volume")
	}

	// From a raw image: a copy-on-write clone of images/<id>@snap.
	img := u.json("image", "create", "--file", raw, "--disk-format", "raw", "--container-format", "bare", name("img"))
	imgID := img["id"].(string)
	cleanups = append(cleanups, del(u, "image", "delete", imgID))
	vi := u.json("volume", "create", "--image", imgID, "--size", "2", name("fromimg"))
	idi := vi["id"].(string)
	cleanups = append(cleanups, forceDel(idi))
	shown := api.wait("volumes", idi, "available")
	if info := testenv.RBD(t, "info", "volumes/volume-"+idi); !strings.Contains(info, "parent: images/"+imgID+"@snap") {
		t.Errorf("volume from image is not a clone of images/%s@snap:\n%s", imgID, info)
	}
	if shown["bootable"] != "true" {
		t.Errorf("volume from image: bootable %v", shown["bootable"])
	}
	if md, _ := shown["volume_image_metadata"].(map[string]any); md["image_id"] != imgID {
		t.Errorf("volume_image_metadata: %v", shown["volume_image_metadata"])
	}

	// Snapshot, then a volume from it and one from the volume.
	sn := u.json("volume", "snapshot", "create", "--volume", idi, name("snap"))
	snID := sn["id"].(string)
	cleanups = append(cleanups, func() {
		if code, _ := api.do("GET", "/snapshots/"+snID, "", nil); code != 404 {
			api.do("DELETE", "/snapshots/"+snID, "", nil)
		}
	})
	api.wait("snapshots", snID, "available")
	vs := u.json("volume", "create", "--snapshot", snID, name("fromsnap"))
	ids := vs["id"].(string)
	cleanups = append(cleanups, forceDel(ids))
	vc := u.json("volume", "create", "--source", idi, name("clone"))
	idc := vc["id"].(string)
	cleanups = append(cleanups, forceDel(idc))
	api.wait("volumes", ids, "available")
	api.wait("volumes", idc, "available")
	if info := testenv.RBD(t, "info", "volumes/volume-"+ids); !strings.Contains(info, "parent: volumes/volume-"+idi+"@snapshot-"+snID) {
		t.Errorf("volume from snapshot:\n%s", info)
	}

	// list, set, show; other projects do not see them.
	if list := u.osc("volume", "list", "-f", "value", "-c", "ID"); !strings.Contains(list, idi) || !strings.Contains(list, id1) {
		t.Errorf("volume list misses volumes:\n%s", list)
	}
	if list := admin.osc("volume", "list", "-f", "value", "-c", "ID"); strings.Contains(list, idi) {
		t.Errorf("the admin's own volume list shows another project's volume:\n%s", list)
	}
	u.osc("volume", "set", "--name", name("renamed"), "--property", "k=v", "--description", "d", id1)
	got := u.json("volume", "show", name("renamed"))
	if got["id"] != id1 || got["description"] != "d" || !strings.Contains(toJSON(got["properties"]), `"k":"v"`) {
		t.Errorf("volume show after set: %v", got)
	}

	// Extend.
	u.osc("volume", "set", "--size", "2", id1)
	deadline := time.Now().Add(time.Minute)
	for api.volume(id1)["size"] != float64(2) {
		if time.Now().After(deadline) {
			t.Fatal("volume set --size 2 did not extend the volume")
		}
		time.Sleep(300 * time.Millisecond)
	}
	api.wait("volumes", id1, "available")
	if info := testenv.RBD(t, "info", "volumes/volume-"+id1); !strings.Contains(info, "size 2 GiB") {
		t.Errorf("after extend:\n%s", info)
	}

	// A type pinned to the second backend lands there.
	typ := admin.json("volume", "type", "create", "--property", "volume_backend_name=ceph2", name("type"))
	typID := typ["id"].(string)
	cleanups = append(cleanups, func() { api.do("DELETE", "/types/"+typID, "", nil) })
	vt := u.json("volume", "create", "--type", name("type"), "--size", "1", name("typed"))
	idt := vt["id"].(string)
	cleanups = append(cleanups, forceDel(idt))
	api.wait("volumes", idt, "available")
	shownT := admin.json("volume", "show", idt)
	if host, _ := shownT["os-vol-host-attr:host"].(string); !strings.HasSuffix(strings.Split(host, "#")[0], "@ceph2") {
		t.Errorf("volume of a volume_backend_name=ceph2 type is on %q", host)
	}
	if _, ok := u.json("volume", "show", idt)["os-vol-host-attr:host"]; ok {
		t.Errorf("a member sees os-vol-host-attr:host")
	}

	// Upload to an image.
	up := u.json("image", "create", "--volume", idt, name("upload"))
	upID, _ := up["image_id"].(string)
	if upID == "" {
		t.Fatalf("image create --volume: %v", up)
	}
	cleanups = append(cleanups, del(u, "image", "delete", upID))
	u.waitStatus([]string{"image"}, upID, "active")
	api.wait("volumes", idt, "available")

	// Quota: set with the cinder client (OSC's quota commands also call
	// Nova), then a create refused with 413.
	if _, err := runAs(t, nil, "cinder", "quota-update", "--gigabytes", "8", project); err != nil {
		t.Fatalf("cinder quota-update failed")
	}
	if q, _ := runAs(t, nil, "cinder", "quota-show", project); !regexp.MustCompile(`\| gigabytes\s+\| 8\s+\|`).MatchString(q) {
		t.Errorf("quota-show:\n%s", q)
	}
	out, err := u.run("volume", "create", "--size", "1", name("overquota"))
	if err == nil || !strings.Contains(out, "VolumeSizeExceedsAvailableQuota") || !strings.Contains(out, "HTTP 413") {
		t.Errorf("create over quota: err %v\n%s", err, out)
	}

	// Delete: a volume with a snapshot is refused; deleting the snapshot
	// and the source keeps their clones working.
	if out, err := u.run("volume", "delete", idi); err == nil {
		t.Errorf("deleting a volume with snapshots succeeded:\n%s", out)
	}
	u.osc("volume", "snapshot", "delete", snID)
	api.waitGone("snapshots", snID)
	u.osc("volume", "delete", idi)
	api.waitGone("volumes", idi)
	for _, id := range []string{ids, idc} {
		if info := testenv.RBD(t, "info", "volumes/volume-"+id); strings.Contains(info, "parent: volumes/volume-"+idi) {
			t.Errorf("volume-%s still depends on the deleted volume:\n%s", id, info)
		}
		api.wait("volumes", id, "available")
	}
	for _, id := range []string{ids, idc, idt, id1} {
		u.osc("volume", "delete", id)
	}
	for _, id := range []string{ids, idc, idt, id1} {
		api.waitGone("volumes", id)
	}
	if ls := testenv.RBD(t, "ls", "volumes"); strings.Contains(ls, id1) || strings.Contains(ls, idc) {
		t.Errorf("rbd ls volumes still lists deleted volumes:\n%s", ls)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
