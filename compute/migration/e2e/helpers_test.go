package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// The namespace hosts of `make dev HOSTS=2` and the availability zone
// they form (devstack/lib/hosts.sh hosts_zone_up).
const (
	hostA = "gsh1"
	hostB = "gsh2"
	zone  = "ha"
)

// microversion for every call: live migration with a host (2.30), the
// migrations API (2.23, abort 2.24), forced_down (2.11), evacuate without
// onSharedStorage (2.14).
const microversion = "2.58"

func osc(t testing.TB) testenv.OSC {
	return testenv.OSC{T: t, Env: map[string]string{"OS_COMPUTE_API_VERSION": microversion}}
}

func repoDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(testenv.Require(t, testenv.EnvStackDir))
}

// hostSh runs devstack/host.sh (kill, start, exec, dir N).
func hostSh(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(repoDir(t), "devstack", "host.sh")}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("devstack/host.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// failHost makes host fail (how: host.sh's kill or partition); whatever
// the test does next, the host comes back and its service is up again
// when it ends.
func failHost(t testing.TB, how, host string) {
	t.Helper()
	hostSh(t, how, hostIndex(host))
	t.Cleanup(func() {
		_ = exec.Command("bash", filepath.Join(repoDir(t), "devstack", "host.sh"), "start", hostIndex(host)).Run()
		osc(t).Quietly("compute", "service", "set", "--up", host, "nova-compute")
	})
}

func hostIndex(host string) string { return strings.TrimPrefix(host, "gsh") }

// virsh runs virsh inside a namespace host.
func virsh(t testing.TB, host string, args ...string) string {
	t.Helper()
	return hostSh(t, append([]string{"exec", hostIndex(host), "virsh", "-c", "qemu:///system"}, args...)...)
}

// requireHosts fails unless both namespace hosts' nova-compute are up.
func requireHosts(t testing.TB) {
	t.Helper()
	out := osc(t).Run("compute", "service", "list", "--service", "nova-compute", "-f", "json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("compute service list: %v\n%s", err, out)
	}
	up := map[string]bool{}
	for _, s := range list {
		up[fmt.Sprint(s["Host"])] = s["State"] == "up"
	}
	for _, h := range []string{hostA, hostB} {
		if !up[h] {
			t.Fatalf("nova-compute of namespace host %s is not up: these tests need `make dev HOSTS=2` (make test brings it up); services: %s", h, out)
		}
	}
}

func suffix() string { return strings.ReplaceAll(time.Now().Format("150405.000"), ".", "") }

// fixture is a flavor and the tiny image, made for one test.
type fixture struct {
	flavor, image string
}

func newFixture(t testing.TB, name string, ramMB int) fixture {
	t.Helper()
	admin := osc(t)
	admin.Run("flavor", "create", "--ram", strconv.Itoa(ramMB), "--disk", "1", "--vcpus", "1", name)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", name) })
	img := admin.JSON("image", "create", "--file", testenv.Require(t, "GOSTACK_TINY_IMAGE"), "--disk-format", "raw",
		"--container-format", "bare", name)
	id := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", id) })
	return fixture{flavor: name, image: id}
}

// bootOn boots a server on the network private on host (an admin's
// forced host ha:HOST), with more of `server create`'s options, and
// waits for ACTIVE.
func bootOn(t testing.TB, f fixture, host, name string, options ...string) string {
	t.Helper()
	admin := osc(t)
	args := append([]string{"server", "create", "--image", f.image, "--flavor", f.flavor, "--network", "private",
		"--availability-zone", zone + ":" + host, "--wait"}, options...)
	srv := admin.JSON(append(args, name)...)
	id := srv["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if srv["status"] != "ACTIVE" || srv["OS-EXT-SRV-ATTR:host"] != host {
		t.Fatalf("server create on %s: %v", host, srv)
	}
	return id
}

var heartbeatRE = regexp.MustCompile(`tinyvm heartbeat (\d+) uptime ([0-9.]+)`)

const bootMarker = "tinyvm booted:"

// heartbeat is the last heartbeat line of a console.
type heartbeat struct {
	N      int
	Uptime float64
}

func lastHeartbeat(console string) (heartbeat, bool) {
	m := heartbeatRE.FindAllStringSubmatch(console, -1)
	if len(m) == 0 {
		return heartbeat{}, false
	}
	last := m[len(m)-1]
	n, _ := strconv.Atoi(last[1])
	up, _ := strconv.ParseFloat(last[2], 64)
	return heartbeat{N: n, Uptime: up}, true
}

// waitHeartbeat waits for the guest to print a heartbeat of at least min.
func waitHeartbeat(t testing.TB, id string, min int) (heartbeat, string) {
	t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for {
		b, _ := osc(t).Cmd("console", "log", "show", id).Output()
		log := string(b)
		if hb, ok := lastHeartbeat(log); ok && hb.N >= min {
			return hb, log
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %s printed no heartbeat >= %d; console:\n%s", id, min, log)
		}
		time.Sleep(2 * time.Second)
	}
}

// try runs the client with -f json and decodes its answer into out,
// reporting whether it worked: polls survive a daemon restarting (the dev
// cloud is shared; `make dev` restarts what changed).
func try(t testing.TB, out any, args ...string) bool {
	b, err := osc(t).Cmd(append(args, "-f", "json")...).Output()
	return err == nil && json.Unmarshal(b, out) == nil
}

// waitServer waits until the server's status and host are as wanted.
func waitServer(t testing.TB, id, status, host string, within time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var s map[string]any
		if !try(t, &s, "server", "show", id) {
			if time.Now().After(deadline) {
				t.Fatalf("server show %s keeps failing", id)
			}
			time.Sleep(2 * time.Second)
			continue
		}
		if s["status"] == status && (host == "" || s["OS-EXT-SRV-ATTR:host"] == host) && s["OS-EXT-STS:task_state"] == nil {
			return s
		}
		if s["status"] == "ERROR" && status != "ERROR" {
			t.Fatalf("server %s went to ERROR: %v", id, s["fault"])
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %s not %s on %q within %s: status %v host %v task %v", id, status, host, within,
				s["status"], s["OS-EXT-SRV-ATTR:host"], s["OS-EXT-STS:task_state"])
		}
		time.Sleep(2 * time.Second)
	}
}

// migrations lists the server's migrations (os-migrations, newest first).
func migrations(t testing.TB, id string) []map[string]any {
	t.Helper()
	var list []map[string]any
	for i := 0; i < 30 && !try(t, &list, "server", "migration", "list", "--server", id); i++ {
		time.Sleep(2 * time.Second)
	}
	return list
}

// waitMigration waits for the server's newest migration of type to reach
// one of the statuses and returns it.
func waitMigration(t testing.TB, id, typ string, within time.Duration, statuses ...string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		for _, m := range migrations(t, id) {
			if m["Type"] != typ {
				continue
			}
			for _, s := range statuses {
				if m["Status"] == s {
					return m
				}
			}
			break // the newest of the type only
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s migration of %s reached %v within %s: %v", typ, id, statuses, within, migrations(t, id))
		}
		time.Sleep(time.Second)
	}
}

// waitUndefined waits until host's libvirtd no longer defines dom (a
// host that came back cleaning up after an evacuation).
func waitUndefined(t testing.TB, host, dom string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for strings.Contains(virsh(t, host, "list", "--all", "--name"), dom) {
		if time.Now().After(deadline) {
			t.Fatalf("%s still defines %s after its nova-compute started:\n%s", host, dom, virsh(t, host, "list", "--all"))
		}
		time.Sleep(2 * time.Second)
	}
}

// domainName is the libvirt domain of the server (OS-EXT-SRV-ATTR:instance_name).
func domainName(t testing.TB, id string) string {
	t.Helper()
	n, _ := osc(t).JSON("server", "show", id)["OS-EXT-SRV-ATTR:instance_name"].(string)
	if n == "" {
		t.Fatalf("server %s has no instance_name", id)
	}
	return n
}

// volumeOn creates a volume and attaches it to the server, waiting for in-use.
func volumeOn(t testing.TB, id, name string) string {
	t.Helper()
	admin := osc(t)
	vol := admin.JSON("volume", "create", "--size", "1", name)
	vid := vol["id"].(string)
	t.Cleanup(func() {
		admin.Quietly("server", "remove", "volume", id, vid)
		waitVolume(t, vid, "available", time.Minute, true)
		admin.Quietly("volume", "delete", vid)
	})
	waitVolume(t, vid, "available", 2*time.Minute, false)
	admin.Run("server", "add", "volume", id, vid)
	waitVolume(t, vid, "in-use", 2*time.Minute, false)
	return vid
}

func waitVolume(t testing.TB, vid, status string, within time.Duration, quiet bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		cmd := osc(t).Cmd("volume", "show", vid, "-f", "json")
		out, err := cmd.Output()
		var v map[string]any
		if err == nil && json.Unmarshal(out, &v) == nil && v["status"] == status {
			return v
		}
		if time.Now().After(deadline) {
			if quiet {
				return v
			}
			t.Fatalf("volume %s not %s within %s: %v", vid, status, within, v)
		}
		time.Sleep(2 * time.Second)
	}
}

// attachedTo reports whether the volume shows an attachment to the server.
func attachedTo(v map[string]any, server string) bool {
	b, _ := json.Marshal(v["attachments"])
	return strings.Contains(string(b), server)
}

// attachedOn reports the host Cinder records for the volume's one
// attachment ("" when there is not exactly one).
func attachedOn(v map[string]any) string {
	list, _ := v["attachments"].([]any)
	if len(list) != 1 {
		return ""
	}
	m, _ := list[0].(map[string]any)
	h, _ := m["host_name"].(string)
	return h
}

// nova runs novaclient's `nova` (for the verbs OSC 6.0 lacks or breaks:
// its `server evacuate` fails printing the answer) with the same
// credentials and microversion.
func nova(t testing.TB, args ...string) string {
	t.Helper()
	cmd := osc(t).Cmd()
	cmd.Path, cmd.Args = "", append([]string{"nova"}, args...)
	path, err := exec.LookPath("nova")
	if err != nil {
		t.Fatalf("novaclient's nova (python3-novaclient) is not installed: %v", err)
	}
	cmd.Path = path
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nova %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
