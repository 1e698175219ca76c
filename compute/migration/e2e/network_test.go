package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// gateway is the dev host's address on the flat network `private`.
const gateway = "10.252.0.1"

// poll retries fn every 2 s until it holds or d has passed.
func poll(t testing.TB, what string, d time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(2 * time.Second)
	}
}

// portOf returns `port show` of the server's one port.
func portOf(t testing.TB, id string) map[string]any {
	t.Helper()
	out := strings.Fields(osc(t).Run("port", "list", "--server", id, "-f", "value", "-c", "ID"))
	if len(out) != 1 {
		t.Fatalf("server %s has ports %v, want one", id, out)
	}
	return osc(t).JSON("port", "show", out[0])
}

// TestLiveMigrationKeepsNetwork: a guest on the flat network `private`
// on host A, in a security group opening TCP 22, is live-migrated to
// host B. It keeps its address and its port (now bound to B and ACTIVE,
// so B's agent filters and serves it); the dev host still reaches its
// TCP 22 through B, the guest goes on pinging the gateway from B, and
// deleting the rule closes TCP 22 (B enforces the group).
func TestLiveMigrationKeepsNetwork(t *testing.T) {
	requireHosts(t)
	name := "lmn-" + suffix()
	f := newFixture(t, name, 256)
	admin := osc(t)
	sg := admin.JSON("security", "group", "create", name)
	sgID := sg["id"].(string)
	t.Cleanup(func() { admin.Quietly("security", "group", "delete", sgID) })
	rule := admin.JSON("security", "group", "rule", "create", "--ingress", "--protocol", "tcp", "--dst-port", "22",
		"--remote-ip", "10.252.0.0/24", sgID)

	srv := admin.JSON("server", "create", "--image", f.image, "--flavor", f.flavor, "--network", "private",
		"--security-group", sgID, "--config-drive", "true", "--user-data", testenv.GuestUserData(t, gateway),
		"--availability-zone", zone+":"+hostA, "--wait", name)
	id := srv["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if srv["status"] != "ACTIVE" || srv["OS-EXT-SRV-ATTR:host"] != hostA {
		t.Fatalf("server create on %s: %v", hostA, srv)
	}
	ip := testenv.AddressOn(admin.JSON("server", "show", id), "private")
	if ip == "" {
		t.Fatalf("server %s shows no address on private", id)
	}
	port := portOf(t, id)
	if port["binding_host_id"] != hostA {
		t.Errorf("port %v bound to %v, want %s", port["id"], port["binding_host_id"], hostA)
	}
	pings := func() int {
		b, _ := admin.Cmd("console", "log", "show", id).Output()
		return strings.Count(string(b), "tinyvm ping "+gateway+" ok")
	}
	reachable := func() bool {
		got, err := testenv.TCPBanner(ip)
		return err == nil && got == "tinyvm-ssh-banner"
	}
	poll(t, "the guest on "+hostA+" to take "+ip+" by DHCP and ping the gateway", 4*time.Minute, func() bool { return pings() > 0 })
	poll(t, "TCP 22 of "+ip+" on "+hostA, 2*time.Minute, reachable)

	admin.Run("server", "migrate", "--live-migration", "--host", hostB, id)
	m := waitMigration(t, id, "live-migration", 5*time.Minute, "completed", "error")
	if m["Status"] != "completed" {
		t.Fatalf("live migration ended %v: %v", m["Status"], admin.Run("server", "event", "list", id, "--long"))
	}
	s := waitServer(t, id, "ACTIVE", hostB, time.Minute)
	if got := testenv.AddressOn(s, "private"); got != ip {
		t.Errorf("address after the live migration = %q, want %s", got, ip)
	}
	after := portOf(t, id)
	if after["id"] != port["id"] || after["mac_address"] != port["mac_address"] {
		t.Errorf("port after the migration %v %v, want the same port %v %v", after["id"], after["mac_address"], port["id"], port["mac_address"])
	}
	if after["binding_host_id"] != hostB {
		t.Errorf("port bound to %v after the migration, want %s", after["binding_host_id"], hostB)
	}
	poll(t, "the port to be ACTIVE on "+hostB, time.Minute, func() bool {
		var p map[string]any
		return try(t, &p, "port", "show", after["id"].(string)) && p["status"] == "ACTIVE"
	})
	n := pings()
	poll(t, "the guest to go on pinging the gateway from "+hostB, 2*time.Minute, func() bool { return pings() > n+2 })
	poll(t, "TCP 22 of "+ip+" through "+hostB, 2*time.Minute, reachable)

	// B's agent filters the guest now: without the rule TCP 22 closes.
	admin.Run("security", "group", "rule", "delete", rule["id"].(string))
	poll(t, "TCP 22 of "+ip+" to close on "+hostB+" once the rule is gone", 2*time.Minute, func() bool { return !reachable() })
}
