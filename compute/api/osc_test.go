package api_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// These tests drive the dev cloud (`make dev`) with the real openstack
// client: the compute workflows of COMPAT §3.4-3.7 and the must-shows of
// issue 6, on real nova-api, conductor, scheduler, compute, libvirt and
// Ceph.

// newProjectUser makes a project and a user of it with one role, removed
// when the test ends, and returns the client acting as that user.
func newProjectUser(t *testing.T, admin testenv.OSC, name, role string) testenv.OSC {
	t.Helper()
	pw := "pw-" + name
	admin.Run("project", "create", name)
	admin.Run("user", "create", "--password", pw, "--project", name, name)
	admin.Run("role", "add", "--project", name, "--user", name, role)
	t.Cleanup(func() { admin.Quietly("user", "delete", name); admin.Quietly("project", "delete", name) })
	return testenv.OSC{T: t, Env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": pw, "OS_PROJECT_NAME": name}}
}

// poll calls fn until it returns true or the deadline passes.
func poll(t *testing.T, what string, d time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(2 * time.Second)
	}
}

// lastUptime is the uptime of the tiny guest's last heartbeat line
// ("tinyvm heartbeat N uptime S"), or a large number without one.
func lastUptime(log string) int {
	i := strings.LastIndex(log, "uptime ")
	if i < 0 {
		return 1 << 30
	}
	var n int
	for _, c := range log[i+len("uptime "):] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func rbdParent(t *testing.T, image string) (ceph.Spec, bool) {
	t.Helper()
	conf, user := testenv.Ceph(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, ok, err := c.Parent(ctx, ceph.ImageSpec("vms", image))
	if err != nil {
		return ceph.Spec{}, false
	}
	return p, ok
}

func virshDomains(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("virsh", "-c", testenv.LibvirtURI(t), "list", "--all", "--uuid").CombinedOutput()
	if err != nil {
		t.Fatalf("virsh list: %v\n%s", err, out)
	}
	return string(out)
}

// TestOpenStackClientCompute is the compute must-show: flavor, keypair,
// a server booted from its RBD clone, console, power actions, delete, and
// the admin views.
func TestOpenStackClientCompute(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, key, image, server := "osc-f-"+sfx, "osc-k-"+sfx, "osc-img-"+sfx, "osc-vm-"+sfx

	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	// The server lives in a project of its own, with a member user.
	user := newProjectUser(t, admin, "osc-cmp-"+sfx, "member")
	kp := user.Run("keypair", "create", key)
	t.Cleanup(func() { user.Quietly("keypair", "delete", key) })
	if !strings.Contains(kp, "PRIVATE KEY") {
		t.Errorf("keypair create printed no private key:\n%s", kp)
	}
	img := user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })

	created := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--key-name", key, "--network", "none", "--wait", server)
	id := created["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if created["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", created)
	}
	if p, ok := rbdParent(t, id+"_disk"); !ok || p.Pool != "images" || p.Image != imageID || p.Snap != "snap" {
		t.Errorf("vms/%s_disk parent = %+v (%v), want images/%s@snap", id, p, ok, imageID)
	}
	console := func() string { return user.Run("console", "log", "show", id) }
	poll(t, "the guest's boot marker on its console", 3*time.Minute, freshBoot(console, ""))

	show := admin.JSON("server", "show", id)
	if show["OS-EXT-SRV-ATTR:host"] == nil || show["OS-EXT-SRV-ATTR:host"] == "" {
		t.Errorf("admin server show has no host: %v", show)
	}
	if show["OS-EXT-STS:vm_state"] != "active" || show["OS-EXT-STS:power_state"] != "Running" && show["OS-EXT-STS:power_state"] != float64(1) {
		t.Errorf("server show: %v", show)
	}
	status := func(want string) func() bool {
		return func() bool { return user.JSON("server", "show", id)["status"] == want }
	}
	before := console()
	user.Run("server", "stop", id)
	poll(t, "SHUTOFF", 3*time.Minute, status("SHUTOFF"))
	user.Run("server", "start", id)
	poll(t, "ACTIVE after start", 2*time.Minute, status("ACTIVE"))
	poll(t, "a fresh boot marker after start", 3*time.Minute, freshBoot(console, before))
	poll(t, "a heartbeat after start", time.Minute, func() bool { return lastUptime(console()) >= 2 })
	before = console()
	user.Run("server", "reboot", "--hard", id)
	poll(t, "ACTIVE after reboot", 2*time.Minute, status("ACTIVE"))
	poll(t, "a fresh boot marker after reboot", 3*time.Minute, freshBoot(console, before))

	events := user.Run("server", "event", "list", id, "-f", "value", "-c", "Action")
	for _, a := range []string{"create", "stop", "start", "reboot"} {
		if !strings.Contains(events, a) {
			t.Errorf("server event list lacks %s:\n%s", a, events)
		}
	}
	for _, args := range [][]string{
		{"availability", "zone", "list", "--compute"},
		{"quota", "show"}, {"limits", "show", "--absolute"},
	} {
		if out := user.Run(args...); !strings.Contains(out, "|") {
			t.Errorf("%v printed no table:\n%s", args, out)
		}
	}
	for _, args := range [][]string{{"hypervisor", "list"}, {"compute", "service", "list"}, {"hypervisor", "stats", "show"}} {
		if out := admin.Run(args...); !strings.Contains(out, "|") {
			t.Errorf("%v printed no table:\n%s", args, out)
		}
	}
	hv := admin.Run("hypervisor", "list", "-f", "value", "-c", "ID")
	if first := strings.Fields(hv); len(first) > 0 {
		// OSC reads the host's uptime(1) line into uptime, users and
		// load_average.
		show := admin.JSON("hypervisor", "show", first[0])
		if up, _ := show["uptime"].(string); up == "" || show["load_average"] == nil {
			t.Errorf("hypervisor show has no uptime: %v", show)
		}
	}
	// The admin reads the guest's counters (libvirt's, before 2.48).
	if diag := admin.JSON("server", "show", "--diagnostics", id); diag["memory"] == nil || diag["cpu0_time"] == nil {
		t.Errorf("server show --diagnostics: %v", diag)
	}
	if out := admin.Run("compute", "service", "list", "-f", "value", "-c", "Binary", "-c", "State"); !strings.Contains(out, "nova-compute up") {
		t.Errorf("compute service list:\n%s", out)
	}

	user.Run("server", "delete", "--wait", id)
	if strings.Contains(virshDomains(t), id) {
		t.Errorf("a libvirt domain is left for %s", id)
	}
	if _, ok := rbdParent(t, id+"_disk"); ok {
		t.Errorf("vms/%s_disk is left after delete", id)
	}
}

// TestOpenStackClientComputeIsolationAndLimits: another project can
// neither see nor act on a server, a reader cannot create one, a quota
// is enforced with upstream's 403, and a flavor too small for the image
// is a 400.
func TestOpenStackClientComputeIsolationAndLimits(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "osc-iso-f-"+sfx, "osc-iso-img-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })

	member := newProjectUser(t, admin, "osc-member-"+sfx, "member")
	reader := newProjectUser(t, admin, "osc-reader-"+sfx, "reader")

	// The admin's server is invisible to another project.
	created := admin.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--network", "none", "osc-iso-vm-"+sfx)
	id := created["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if out := member.Fail("server", "show", id); !strings.Contains(out, "No server with a name or ID") && !strings.Contains(out, "404") {
		t.Errorf("another project's server show: %s", out)
	}
	if out := member.Fail("server", "stop", id); !strings.Contains(out, "No server with a name or ID") && !strings.Contains(out, "404") {
		t.Errorf("another project's server stop: %s", out)
	}
	member.Fail("server", "delete", id)
	if list := member.Run("server", "list", "-f", "value", "-c", "ID"); strings.Contains(list, id) {
		t.Errorf("another project lists the server")
	}

	// A reader cannot create.
	out := reader.Fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "r-"+sfx)
	if !strings.Contains(out, "403") || !strings.Contains(out, "os_compute_api:servers:create") {
		t.Errorf("reader create: %s", out)
	}

	// Quota: no instances for the member's project.
	project := member.Env["OS_PROJECT_NAME"]
	admin.Run("quota", "set", "--instances", "0", project)
	out = member.Fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "q-"+sfx)
	if !strings.Contains(out, "403") || !strings.Contains(out, "Quota exceeded for instances") {
		t.Errorf("over quota: %s", out)
	}
	admin.Run("quota", "set", "--instances", "10", project)

	// A flavor smaller than the image wants.
	admin.Run("image", "set", "--min-disk", "5", imageID)
	out = member.Fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "s-"+sfx)
	if !strings.Contains(out, "400") || !strings.Contains(out, "Flavor disk is 1073741824 bytes, minimum size is 5368709120 bytes") {
		t.Errorf("flavor too small: %s", out)
	}
}

// TestOpenStackClientQcow2ImageBoots: a qcow2 upload is stored raw by
// Glance (issue 4) and a server boots from it copy-on-write (issue 6).
func TestOpenStackClientQcow2ImageBoots(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image, server := "osc-qf-"+sfx, "osc-qcow2-"+sfx, "osc-qvm-"+sfx

	qcow2 := t.TempDir() + "/tiny.qcow2"
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", src, qcow2).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v\n%s", err, out)
	}
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", qcow2, "--disk-format", "qcow2", "--container-format", "bare", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	if got := admin.JSON("image", "show", imageID); got["disk_format"] != "raw" || got["status"] != "active" {
		t.Fatalf("a qcow2 upload is stored as %v/%v; want raw/active", got["disk_format"], got["status"])
	}

	created := admin.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", flavor,
		"--network", "none", "--wait", server)
	id := created["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if created["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", created)
	}
	if p, ok := rbdParent(t, id+"_disk"); !ok || p.Image != imageID {
		t.Errorf("vms/%s_disk parent = %+v (%v), want images/%s@snap", id, p, ok, imageID)
	}
	poll(t, "the converted image's guest booting", 3*time.Minute, func() bool {
		return strings.Contains(admin.Run("console", "log", "show", id), "tinyvm booted")
	})
}
