package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// newProjectUser makes a project and a member user of it, removed when
// the test ends, and returns the client acting as that user.
func newProjectUser(t *testing.T, admin testenv.OSC, name string) testenv.OSC {
	t.Helper()
	pw := "pw-" + name
	admin.Run("project", "create", name)
	admin.Run("user", "create", "--password", pw, "--project", name, name)
	admin.Run("role", "add", "--project", name, "--user", name, "member")
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

// TestOpenStackClientFlatNetwork boots two servers on the default
// network `private` with the real client, as a member of a new project:
// they get distinct addresses by DHCP, ping each other (their default
// security group admits its members), show their address in `server
// show` and their port in `port list --server`; a rule opening TCP 22
// lets the host connect to a guest's listener, which it could not
// before.
func TestOpenStackClientFlatNetwork(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "net-f-"+sfx, "net-img-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	user := newProjectUser(t, admin, "net-"+sfx)

	// B's port first, so A knows whom to ping.
	portB := user.JSON("port", "create", "--network", "private", "net-pb-"+sfx)
	portBID := portB["id"].(string)
	t.Cleanup(func() { user.Quietly("port", "delete", portBID) })
	ipB := fixedIP(t, portB)

	a := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", "private",
		"--config-drive", "true", "--user-data", testenv.GuestUserData(t, ipB), "--wait", "net-a-"+sfx)
	idA := a["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idA) })
	if a["status"] != "ACTIVE" {
		t.Fatalf("server A: %v", a)
	}
	ipA := testenv.AddressOn(user.JSON("server", "show", idA), "private")
	if ipA == "" {
		t.Fatalf("server show A lists no address on private: %v", user.JSON("server", "show", idA))
	}
	b := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--port", portBID,
		"--config-drive", "true", "--user-data", testenv.GuestUserData(t, ipA), "--wait", "net-b-"+sfx)
	idB := b["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idB) })
	if b["status"] != "ACTIVE" {
		t.Fatalf("server B: %v", b)
	}
	if got := testenv.AddressOn(user.JSON("server", "show", idB), "private"); got != ipB {
		t.Fatalf("server B shows address %q, want its port's %s", got, ipB)
	}
	if ipA == ipB {
		t.Fatalf("both servers have address %s", ipA)
	}
	hostOf := func(id string) any { return admin.JSON("server", "show", id)["OS-EXT-SRV-ATTR:host"] }
	t.Logf("server A %s on %v, server B %s on %v", ipA, hostOf(idA), ipB, hostOf(idB))

	t.Run("port list --server", func(t *testing.T) {
		user, admin := testenv.OSC{T: t, Env: user.Env}, testenv.OSC{T: t}
		out := user.Run("port", "list", "--server", idA, "-f", "value", "-c", "ID", "-c", "Fixed IP Addresses")
		if strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, ipA) {
			t.Fatalf("port list --server A: want one port with %s:\n%s", ipA, out)
		}
		portA := strings.Fields(out)[0]
		p := admin.JSON("port", "show", portA)
		if p["device_id"] != idA || !strings.HasPrefix(fmt.Sprint(p["device_owner"]), "compute:") || p["binding_host_id"] == "" || p["binding_vif_type"] != "bridge" {
			t.Errorf("port of A: device_id %v owner %v host %v vif %v", p["device_id"], p["device_owner"], p["binding_host_id"], p["binding_vif_type"])
		}
		// the host's agent reports the tap plugged: the port is ACTIVE
		poll(t, "the port of A to be ACTIVE", time.Minute, func() bool {
			return admin.JSON("port", "show", portA)["status"] == "ACTIVE"
		})
		// and it is listed alive
		agents := admin.Run("network", "agent", "list", "--host", fmt.Sprint(p["binding_host_id"]), "-f", "value",
			"-c", "Agent Type", "-c", "Alive", "-c", "Binary")
		if !strings.Contains(agents, "Linux bridge agent") || !(strings.Contains(agents, "True") || strings.Contains(agents, ":-)")) || !strings.Contains(agents, "network-agent") {
			t.Errorf("network agent list --host %v: want the alive network-agent:\n%s", p["binding_host_id"], agents)
		}
	})

	t.Run("server list --ip", func(t *testing.T) {
		user := testenv.OSC{T: t, Env: user.Env}
		// The longer address is no substring of the other (nova's ip
		// filter matches substrings through the network service).
		ip, want, other := ipA, idA, idB
		if len(ipB) > len(ipA) {
			ip, want, other = ipB, idB, idA
		}
		out := user.Run("server", "list", "--ip", ip, "-f", "value", "-c", "ID")
		if !strings.Contains(out, want) || strings.Contains(out, other) {
			t.Errorf("server list --ip %s: want only %s:\n%s", ip, want, out)
		}
		if out := user.Run("server", "list", "--ip", "192.0.2.", "-f", "value", "-c", "ID"); strings.TrimSpace(out) != "" {
			t.Errorf("server list --ip 192.0.2.: want none:\n%s", out)
		}
	})

	t.Run("DHCP and ping", func(t *testing.T) {
		for _, s := range []struct{ id, ip, peer string }{{idA, ipA, ipB}, {idB, ipB, ipA}} {
			poll(t, "the console of "+s.ip+" to show its DHCP lease and a ping of "+s.peer, 8*time.Minute, func() bool {
				// errors retried: the dev stack may restart a daemon meanwhile
				out, _ := user.Cmd("console", "log", "show", s.id).Output()
				log := string(out)
				return strings.Contains(log, "tinyvm dhcp: eth0 "+s.ip+"/24 router 10.252.0.1") &&
					strings.Contains(log, "tinyvm ping "+s.peer+" ok")
			})
		}
	})

	t.Run("security group opens TCP 22", func(t *testing.T) {
		user := testenv.OSC{T: t, Env: user.Env}
		// The default group admits its members only: the host is not one.
		if got, err := testenv.TCPBanner(ipA); err == nil {
			t.Fatalf("TCP 22 of %s answered %q before any rule allows it", ipA, got)
		}
		// A prefix with host bits is kept as given (neutron); the host's
		// firewall uses its network, normalized_cidr.
		rule := user.JSON("security", "group", "rule", "create", "--ingress", "--protocol", "tcp", "--dst-port", "22",
			"--remote-ip", "10.252.0.1/24", "default")
		ruleID := rule["id"].(string)
		if rule["remote_ip_prefix"] != "10.252.0.1/24" {
			t.Errorf("rule remote_ip_prefix %v, want 10.252.0.1/24 as given", rule["remote_ip_prefix"])
		}
		var banner string
		poll(t, "TCP 22 of "+ipA+" to answer once the rule exists", 2*time.Minute, func() bool {
			got, err := testenv.TCPBanner(ipA)
			banner = got
			return err == nil && got != ""
		})
		if banner != "tinyvm-ssh-banner" {
			t.Errorf("TCP 22 answered %q", banner)
		}
		user.Run("security", "group", "rule", "delete", ruleID)
		poll(t, "TCP 22 of "+ipA+" to be closed again once the rule is gone", 2*time.Minute, func() bool {
			_, err := testenv.TCPBanner(ipA)
			return err != nil
		})
	})
}

// fixedIP is the first address of a port shown by OSC.
func fixedIP(t *testing.T, port map[string]any) string {
	t.Helper()
	switch f := port["fixed_ips"].(type) {
	case []any:
		if len(f) > 0 {
			if m, ok := f[0].(map[string]any); ok {
				return m["ip_address"].(string)
			}
		}
	case string:
		if m := regexp.MustCompile(`ip_address='([0-9.]+)'`).FindStringSubmatch(f); m != nil {
			return m[1]
		}
	}
	t.Fatalf("port has no fixed IP: %v", port)
	return ""
}

// TestOpenStackClientAddressExhaustion fills a two-address range: the
// server that finds no address is ERROR with neutron's message and no
// port left behind; deleting a server frees its port and address for
// the next one.
func TestOpenStackClientAddressExhaustion(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image, netName := "exh-f-"+sfx, "exh-img-"+sfx, "exh-net-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	project := "exh-" + sfx
	user := newProjectUser(t, admin, project)

	// A flat network of the project with a subnet of two addresses and
	// no gateway (nothing of it on the host).
	n := admin.JSON("network", "create", "--project", project, "--provider-network-type", "flat",
		"--provider-physical-network", "exh"+sfx, netName)
	netID := n["id"].(string)
	t.Cleanup(func() { admin.Quietly("network", "delete", netID) })
	admin.Run("subnet", "create", "--network", netID, "--subnet-range", "10.253.7.0/29", "--gateway", "none",
		"--allocation-pool", "start=10.253.7.2,end=10.253.7.3", "exh-sub-"+sfx)
	ports := func() []string {
		out := user.Run("port", "list", "--network", netID, "-f", "value", "-c", "ID")
		return strings.Fields(out)
	}

	c := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", netID, "--wait", "exh-c-"+sfx)
	idC := c["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idC) })
	ipC := testenv.AddressOn(user.JSON("server", "show", idC), netName)
	if c["status"] != "ACTIVE" || ipC != "10.253.7.2" {
		t.Fatalf("first server: status %v address %q, want ACTIVE on 10.253.7.2", c["status"], ipC)
	}
	p := user.JSON("port", "create", "--network", netID, "exh-p-"+sfx)
	portID := p["id"].(string)
	t.Cleanup(func() { user.Quietly("port", "delete", portID) })
	if ip := fixedIP(t, p); ip != "10.253.7.3" {
		t.Fatalf("port took %s, want the last address 10.253.7.3", ip)
	}

	// The range is full: the next server fails its build (OSC's --wait
	// prints "Error creating server" for it).
	out, _ := user.Cmd("server", "create", "--image", imageID, "--flavor", flavor, "--network", netID, "--wait",
		"exh-d-"+sfx).CombinedOutput()
	idOut, err := user.Cmd("server", "show", "exh-d-"+sfx, "-f", "value", "-c", "id").CombinedOutput()
	if err != nil {
		t.Fatalf("server on a full range: %v: %s\ncreate said: %s", err, idOut, out)
	}
	idD := strings.TrimSpace(string(idOut))
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idD) })
	var d map[string]any
	poll(t, "the server on a full range to finish building", 2*time.Minute, func() bool {
		d = user.JSON("server", "show", idD)
		return d["status"] != "BUILD"
	})
	if d["status"] != "ERROR" || !strings.Contains(fmt.Sprint(d["fault"]), "No more IP addresses available on network "+netID) {
		t.Fatalf("server on a full range: status %v fault %v; want ERROR with IpAddressGenerationFailure's message\n%s", d["status"], d["fault"], out)
	}
	if got := user.Run("port", "list", "--server", idD, "-f", "value", "-c", "ID"); strings.TrimSpace(got) != "" {
		t.Errorf("the failed server left ports: %s", got)
	}
	if got := ports(); len(got) != 2 {
		t.Errorf("ports on the network after the failure: %v, want the first server's and the manual one", got)
	}

	// Deleting the first server frees its port and address.
	user.Run("server", "delete", "--wait", idC)
	if got := ports(); len(got) != 1 || got[0] != portID {
		t.Errorf("ports after deleting the server: %v, want only %s", got, portID)
	}
	e := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", netID, "--wait", "exh-e-"+sfx)
	idE := e["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idE) })
	if ip := testenv.AddressOn(user.JSON("server", "show", idE), netName); e["status"] != "ACTIVE" || ip != ipC {
		t.Errorf("server after the release: status %v address %q, want ACTIVE on the freed %s", e["status"], ip, ipC)
	}
}
