package api_test

import (
	"context"
	"encoding/json"
	"os"
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

type osc struct {
	t   *testing.T
	env map[string]string
}

func (o osc) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command("openstack", args...)
	cmd.Env = []string{"HOME=" + os.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range testenv.OpenRC(o.t) {
		if _, ok := o.env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// run runs the client and fails the test unless it succeeds.
func (o osc) run(args ...string) string {
	o.t.Helper()
	if _, err := exec.LookPath("openstack"); err != nil {
		o.t.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	out, err := o.cmd(args...).CombinedOutput()
	if err != nil {
		o.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// fail runs the client expecting a failure and returns its output.
func (o osc) fail(args ...string) string {
	o.t.Helper()
	out, err := o.cmd(args...).CombinedOutput()
	if err == nil {
		o.t.Fatalf("openstack %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

func (o osc) json(args ...string) map[string]any {
	o.t.Helper()
	out := o.run(append(args, "-f", "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		o.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return m
}

// newProjectUser makes a project and a user of it with one role, removed
// when the test ends, and returns the client acting as that user.
func newProjectUser(t *testing.T, admin osc, name, role string) osc {
	t.Helper()
	pw := "pw-" + name
	admin.run("project", "create", name)
	admin.run("user", "create", "--password", pw, "--project", name, name)
	admin.run("role", "add", "--project", name, "--user", name, role)
	t.Cleanup(func() { admin.quietly("user", "delete", name); admin.quietly("project", "delete", name) })
	return osc{t: t, env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": pw, "OS_PROJECT_NAME": name}}
}

// quietly runs a cleanup command, ignoring failures.
func (o osc) quietly(args ...string) { _ = o.cmd(args...).Run() }

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
	admin := osc{t: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, key, image, server := "osc-f-"+sfx, "osc-k-"+sfx, "osc-img-"+sfx, "osc-vm-"+sfx

	admin.run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.quietly("flavor", "delete", flavor) })
	// The server lives in a project of its own, with a member user.
	user := newProjectUser(t, admin, "osc-cmp-"+sfx, "member")
	kp := user.run("keypair", "create", key)
	t.Cleanup(func() { user.quietly("keypair", "delete", key) })
	if !strings.Contains(kp, "PRIVATE KEY") {
		t.Errorf("keypair create printed no private key:\n%s", kp)
	}
	img := user.json("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.quietly("image", "delete", imageID) })

	created := user.json("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--key-name", key, "--network", "none", "--wait", server)
	id := created["id"].(string)
	t.Cleanup(func() { admin.quietly("server", "delete", "--wait", id) })
	if created["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", created)
	}
	if p, ok := rbdParent(t, id+"_disk"); !ok || p.Pool != "images" || p.Image != imageID || p.Snap != "snap" {
		t.Errorf("vms/%s_disk parent = %+v (%v), want images/%s@snap", id, p, ok, imageID)
	}
	console := func() string { return user.run("console", "log", "show", id) }
	// freshBoot is true once the console shows a boot after the log
	// "before": one more boot marker, or a log started anew (libvirt may
	// truncate it when the guest starts) with a marker and a lower uptime.
	freshBoot := func(before string) func() bool {
		return func() bool {
			now := console()
			if !strings.Contains(now, "tinyvm booted") {
				return false
			}
			return strings.Count(now, "tinyvm booted") > strings.Count(before, "tinyvm booted") ||
				lastUptime(now) < lastUptime(before)
		}
	}
	poll(t, "the guest's boot marker on its console", 3*time.Minute, freshBoot(""))

	show := admin.json("server", "show", id)
	if show["OS-EXT-SRV-ATTR:host"] == nil || show["OS-EXT-SRV-ATTR:host"] == "" {
		t.Errorf("admin server show has no host: %v", show)
	}
	if show["OS-EXT-STS:vm_state"] != "active" || show["OS-EXT-STS:power_state"] != "Running" && show["OS-EXT-STS:power_state"] != float64(1) {
		t.Errorf("server show: %v", show)
	}
	status := func(want string) func() bool {
		return func() bool { return user.json("server", "show", id)["status"] == want }
	}
	before := console()
	user.run("server", "stop", id)
	poll(t, "SHUTOFF", 3*time.Minute, status("SHUTOFF"))
	user.run("server", "start", id)
	poll(t, "ACTIVE after start", 2*time.Minute, status("ACTIVE"))
	poll(t, "a fresh boot marker after start", 3*time.Minute, freshBoot(before))
	poll(t, "a heartbeat after start", time.Minute, func() bool { return lastUptime(console()) >= 2 })
	before = console()
	user.run("server", "reboot", "--hard", id)
	poll(t, "ACTIVE after reboot", 2*time.Minute, status("ACTIVE"))
	poll(t, "a fresh boot marker after reboot", 3*time.Minute, freshBoot(before))

	events := user.run("server", "event", "list", id, "-f", "value", "-c", "Action")
	for _, a := range []string{"create", "stop", "start", "reboot"} {
		if !strings.Contains(events, a) {
			t.Errorf("server event list lacks %s:\n%s", a, events)
		}
	}
	for _, args := range [][]string{
		{"availability", "zone", "list", "--compute"},
		{"quota", "show"}, {"limits", "show", "--absolute"},
	} {
		if out := user.run(args...); !strings.Contains(out, "|") {
			t.Errorf("%v printed no table:\n%s", args, out)
		}
	}
	for _, args := range [][]string{{"hypervisor", "list"}, {"compute", "service", "list"}, {"hypervisor", "stats", "show"}} {
		if out := admin.run(args...); !strings.Contains(out, "|") {
			t.Errorf("%v printed no table:\n%s", args, out)
		}
	}
	hv := admin.run("hypervisor", "list", "-f", "value", "-c", "ID")
	if first := strings.Fields(hv); len(first) > 0 {
		admin.run("hypervisor", "show", first[0])
	}
	if out := admin.run("compute", "service", "list", "-f", "value", "-c", "Binary", "-c", "State"); !strings.Contains(out, "nova-compute up") {
		t.Errorf("compute service list:\n%s", out)
	}

	user.run("server", "delete", "--wait", id)
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
	admin := osc{t: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "osc-iso-f-"+sfx, "osc-iso-img-"+sfx
	admin.run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.quietly("flavor", "delete", flavor) })
	img := admin.json("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.quietly("image", "delete", imageID) })

	member := newProjectUser(t, admin, "osc-member-"+sfx, "member")
	reader := newProjectUser(t, admin, "osc-reader-"+sfx, "reader")

	// The admin's server is invisible to another project.
	created := admin.json("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor,
		"--network", "none", "osc-iso-vm-"+sfx)
	id := created["id"].(string)
	t.Cleanup(func() { admin.quietly("server", "delete", "--wait", id) })
	if out := member.fail("server", "show", id); !strings.Contains(out, "No server with a name or ID") && !strings.Contains(out, "404") {
		t.Errorf("another project's server show: %s", out)
	}
	if out := member.fail("server", "stop", id); !strings.Contains(out, "No server with a name or ID") && !strings.Contains(out, "404") {
		t.Errorf("another project's server stop: %s", out)
	}
	member.fail("server", "delete", id)
	if list := member.run("server", "list", "-f", "value", "-c", "ID"); strings.Contains(list, id) {
		t.Errorf("another project lists the server")
	}

	// A reader cannot create.
	out := reader.fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "r-"+sfx)
	if !strings.Contains(out, "403") || !strings.Contains(out, "os_compute_api:servers:create") {
		t.Errorf("reader create: %s", out)
	}

	// Quota: no instances for the member's project.
	project := member.env["OS_PROJECT_NAME"]
	admin.run("quota", "set", "--instances", "0", project)
	out = member.fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "q-"+sfx)
	if !strings.Contains(out, "403") || !strings.Contains(out, "Quota exceeded for instances") {
		t.Errorf("over quota: %s", out)
	}
	admin.run("quota", "set", "--instances", "10", project)

	// A flavor smaller than the image wants.
	admin.run("image", "set", "--min-disk", "5", imageID)
	out = member.fail("--os-compute-api-version", "2.37", "server", "create", "--image", image, "--flavor", flavor, "--network", "none", "s-"+sfx)
	if !strings.Contains(out, "400") || !strings.Contains(out, "Flavor disk is 1073741824 bytes, minimum size is 5368709120 bytes") {
		t.Errorf("flavor too small: %s", out)
	}
}

// TestOpenStackClientQcow2ImageBoots: a qcow2 upload is stored raw by
// Glance (issue 4) and a server boots from it copy-on-write (issue 6).
func TestOpenStackClientQcow2ImageBoots(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := osc{t: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image, server := "osc-qf-"+sfx, "osc-qcow2-"+sfx, "osc-qvm-"+sfx

	qcow2 := t.TempDir() + "/tiny.qcow2"
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", src, qcow2).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v\n%s", err, out)
	}
	admin.run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.quietly("flavor", "delete", flavor) })
	img := admin.json("image", "create", "--file", qcow2, "--disk-format", "qcow2", "--container-format", "bare", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.quietly("image", "delete", imageID) })
	if got := admin.json("image", "show", imageID); got["disk_format"] != "raw" || got["status"] != "active" {
		t.Fatalf("a qcow2 upload is stored as %v/%v; want raw/active", got["disk_format"], got["status"])
	}

	created := admin.json("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", flavor,
		"--network", "none", "--wait", server)
	id := created["id"].(string)
	t.Cleanup(func() { admin.quietly("server", "delete", "--wait", id) })
	if created["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", created)
	}
	if p, ok := rbdParent(t, id+"_disk"); !ok || p.Image != imageID {
		t.Errorf("vms/%s_disk parent = %+v (%v), want images/%s@snap", id, p, ok, imageID)
	}
	poll(t, "the converted image's guest booting", 3*time.Minute, func() bool {
		return strings.Contains(admin.run("console", "log", "show", id), "tinyvm booted")
	})
}
