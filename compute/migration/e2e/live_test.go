package e2e

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLiveMigration: a guest on host A with a volume attached is
// live-migrated to host B by `openstack server migrate --live-migration
// --host B`. Its console counter keeps increasing on B with no boot
// marker (it never rebooted) and its uptime goes on; the server's host is
// B, the migration record completed, the guest runs on B and is gone from
// A, and the volume is still attached and in-use, in the guest's
// definition on B.
func TestLiveMigration(t *testing.T) {
	requireHosts(t)
	name := "lm-" + suffix()
	f := newFixture(t, name, 256)
	id := bootOn(t, f, hostA, name)
	vid := volumeOn(t, id, name)
	dom := domainName(t, id)
	before, _ := waitHeartbeat(t, id, 3)

	start := time.Now()
	osc(t).Run("server", "migrate", "--live-migration", "--host", hostB, id)
	m := waitMigration(t, id, "live-migration", 5*time.Minute, "completed", "error")
	if m["Status"] != "completed" {
		t.Fatalf("live migration ended %v: %v", m["Status"], osc(t).Run("server", "event", "list", id, "--long"))
	}
	waitServer(t, id, "ACTIVE", hostB, time.Minute)
	t.Logf("live migration A->B took %s (client view)", time.Since(start).Round(time.Millisecond))

	if m["Source Compute"] != hostA || m["Dest Compute"] != hostB {
		t.Errorf("migration record: source %v dest %v, want %s -> %s", m["Source Compute"], m["Dest Compute"], hostA, hostB)
	}

	after, console := waitHeartbeat(t, id, before.N+3)
	if strings.Contains(console, bootMarker) {
		t.Errorf("the console on %s shows %q: the guest rebooted\n%s", hostB, bootMarker, console)
	}
	first := heartbeatRE.FindStringSubmatch(console)
	if first == nil {
		t.Fatalf("no heartbeat on %s:\n%s", hostB, console)
	}
	if n, _ := strconv.Atoi(first[1]); n < before.N {
		t.Errorf("the counter went back: %d on %s before, %d first on %s", before.N, hostA, n, hostB)
	}
	if after.N <= before.N || after.Uptime <= before.Uptime {
		t.Errorf("heartbeat %+v on %s after %+v on %s: the counter and uptime must go on", after, hostB, before, hostA)
	}
	if st := virsh(t, hostB, "domstate", dom); !strings.Contains(st, "running") {
		t.Errorf("domain %s on %s: %s", dom, hostB, st)
	}
	if l := virsh(t, hostA, "list", "--all", "--name"); strings.Contains(l, dom) {
		t.Errorf("domain %s still defined on %s after the migration:\n%s", dom, hostA, l)
	}

	v := waitVolume(t, vid, "in-use", time.Minute, false)
	if !attachedTo(v, id) {
		t.Errorf("volume %s lost its attachment to %s: %v", vid, id, v["attachments"])
	}
	if h := attachedOn(v); h != hostB {
		t.Errorf("Cinder shows volume %s attached on %q, want %s (one attachment): %v", vid, h, hostB, v["attachments"])
	}
	if blk := virsh(t, hostB, "domblklist", dom); !strings.Contains(blk, "volume-"+vid) {
		t.Errorf("volume-%s is not a disk of %s on %s:\n%s", vid, dom, hostB, blk)
	}
	if ev := osc(t).Run("server", "event", "list", id); !strings.Contains(ev, "live-migration") {
		t.Errorf("no live-migration action recorded:\n%s", ev)
	}
}

// TestLiveMigrationAbort: a live migration throttled to 1 MiB/s (libvirt's
// migrate-setspeed on the source) is aborted with `openstack server
// migration abort` while it runs: the migration ends cancelled, the server
// stays ACTIVE on A, its guest runs there on, and B has nothing left.
func TestLiveMigrationAbort(t *testing.T) {
	requireHosts(t)
	name := "lma-" + suffix()
	f := newFixture(t, name, 256)
	id := bootOn(t, f, hostA, name)
	dom := domainName(t, id)
	before, _ := waitHeartbeat(t, id, 2)
	virsh(t, hostA, "migrate-setspeed", dom, "--bandwidth", "1")

	osc(t).Run("server", "migrate", "--live-migration", "--host", hostB, id)
	m := waitMigration(t, id, "live-migration", 3*time.Minute, "running")
	mid := fmt.Sprint(m["Id"])
	// the in-progress migration is shown by the migrations API too
	out := osc(t).Run("server", "migration", "show", id, mid, "-f", "json")
	var shown map[string]any
	if err := json.Unmarshal([]byte(out), &shown); err != nil || fmt.Sprint(shown["ID"]) != mid && fmt.Sprint(shown["Id"]) != mid {
		t.Errorf("server migration show %s %s: %v\n%s", id, mid, err, out)
	}
	osc(t).Run("server", "migration", "abort", id, mid)
	waitMigration(t, id, "live-migration", 2*time.Minute, "cancelled")
	waitServer(t, id, "ACTIVE", hostA, 2*time.Minute)

	after, console := waitHeartbeat(t, id, before.N+3)
	if strings.Count(console, bootMarker) != 1 {
		t.Errorf("the guest on %s booted again:\n%s", hostA, console)
	}
	if after.N <= before.N {
		t.Errorf("the counter stopped: %+v then %+v", before, after)
	}
	if st := virsh(t, hostA, "domstate", dom); !strings.Contains(st, "running") {
		t.Errorf("domain %s on %s: %s", dom, hostA, st)
	}
	if l := virsh(t, hostB, "list", "--all", "--name"); strings.Contains(l, dom) {
		t.Errorf("domain %s left on %s after the abort:\n%s", dom, hostB, l)
	}
}

// TestLiveMigrationDestinationRefuses: host B has not the memory for the
// guest (a filler server holds more than half of B's memory, the guest
// wants the rest and more): the live migration to B is refused, the
// migration ends in error, and the server stays ACTIVE on A with its
// guest running on (the counter goes on, no reboot).
func TestLiveMigrationDestinationRefuses(t *testing.T) {
	requireHosts(t)
	name := "lmr-" + suffix()
	freeB := freeRAM(t, hostB)
	size := freeB/2 + 256
	if freeA := freeRAM(t, hostA); size > freeA {
		t.Fatalf("host %s has %d MiB free, %d needed for the test guest", hostA, freeA, size)
	}
	f := newFixture(t, name, size)
	filler := bootOn(t, f, hostB, name+"-filler")
	_ = filler
	id := bootOn(t, f, hostA, name)
	before, _ := waitHeartbeat(t, id, 2)

	osc(t).Run("server", "migrate", "--live-migration", "--host", hostB, id)
	waitMigration(t, id, "live-migration", 2*time.Minute, "error")
	s := waitServer(t, id, "ACTIVE", hostA, time.Minute)
	if s["OS-EXT-SRV-ATTR:host"] != hostA {
		t.Errorf("server moved to %v", s["OS-EXT-SRV-ATTR:host"])
	}
	after, console := waitHeartbeat(t, id, before.N+2)
	if strings.Count(console, bootMarker) != 1 || after.Uptime <= before.Uptime {
		t.Errorf("the guest did not run on: %+v then %+v\n%s", before, after, console)
	}
	ev := osc(t).Run("server", "event", "list", id, "--long")
	if !strings.Contains(ev, "live-migration") {
		t.Errorf("no live-migration action:\n%s", ev)
	}
}

func freeRAM(t *testing.T, host string) int {
	t.Helper()
	h := osc(t).JSON("hypervisor", "show", host)
	n, err := strconv.Atoi(fmt.Sprint(h["free_ram_mb"]))
	if err != nil {
		t.Fatalf("hypervisor show %s: free_ram_mb %v", host, h["free_ram_mb"])
	}
	return n
}
