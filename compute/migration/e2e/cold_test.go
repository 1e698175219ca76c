package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestColdMigration: a guest on host A with a volume attached is
// cold-migrated by `openstack server migrate --host B --wait` (2.56): it
// waits in VERIFY_RESIZE on B with a migration of type "migration", its
// root disk is the same RBD image (nothing copied), it booted again on B
// and A keeps its stopped definition for a revert. `openstack server
// migration confirm` removes that definition; the volume is attached on
// B in Cinder and in the guest. A second `server migrate` without a host
// lets the scheduler choose (A, the other host of the zone) and `server
// migration revert` brings the guest back to B. Migrating to the
// server's own host or an unknown one is refused with nova's 400s.
func TestColdMigration(t *testing.T) {
	requireHosts(t)
	name := "cold-" + suffix()
	f := newFixture(t, name, 256)
	id := bootOn(t, f, hostA, name)
	vid := volumeOn(t, id, name)
	dom := domainName(t, id)
	disk := rbdID(t, rbdImage(id))
	waitHeartbeat(t, id, 2)
	admin := osc(t)

	if out := admin.Fail("server", "migrate", "--host", hostA, id); !strings.Contains(out, "Cannot migrate to the host where the server exists") || !strings.Contains(out, "400") {
		t.Errorf("migrate to its own host: %s", out)
	}
	if out := admin.Fail("server", "migrate", "--host", "nowhere", id); !strings.Contains(out, "Compute host nowhere could not be found") || !strings.Contains(out, "400") {
		t.Errorf("migrate to an unknown host: %s", out)
	}

	start := time.Now()
	admin.Run("server", "migrate", "--host", hostB, "--wait", id)
	s := waitServer(t, id, "VERIFY_RESIZE", hostB, 3*time.Minute)
	t.Logf("cold migration A->B to VERIFY_RESIZE took %s (client view)", time.Since(start).Round(time.Millisecond))
	m := waitMigration(t, id, "migration", time.Minute, "finished")
	if m["Source Compute"] != hostA || m["Dest Compute"] != hostB {
		t.Errorf("migration record: source %v dest %v, want %s -> %s", m["Source Compute"], m["Dest Compute"], hostA, hostB)
	}
	if fl, _ := s["flavor"].(map[string]any); fl["original_name"] != f.flavor {
		t.Errorf("flavor after the migration: %v, want %s", s["flavor"], f.flavor)
	}
	if got := rbdID(t, rbdImage(id)); got != disk {
		t.Errorf("the root disk changed: RBD image id %s before, %s after (a cold migration on shared storage copies nothing)", disk, got)
	}
	if st := virsh(t, hostB, "domstate", dom); !strings.Contains(st, "running") {
		t.Errorf("domain %s on %s: %s", dom, hostB, st)
	}
	if st := virsh(t, hostA, "domstate", dom); !strings.Contains(st, "shut off") {
		t.Errorf("domain %s on %s must stay defined and stopped until the confirm: %s", dom, hostA, st)
	}
	if _, console := waitHeartbeat(t, id, 1); !strings.Contains(console, bootMarker) {
		t.Errorf("no boot on %s after the cold migration:\n%s", hostB, console)
	}

	admin.Run("server", "migration", "confirm", id)
	waitServer(t, id, "ACTIVE", hostB, 2*time.Minute)
	waitMigration(t, id, "migration", time.Minute, "confirmed")
	if l := virsh(t, hostA, "list", "--all", "--name"); strings.Contains(l, dom) {
		t.Errorf("domain %s still defined on %s after the confirm:\n%s", dom, hostA, l)
	}
	v := waitVolume(t, vid, "in-use", time.Minute, false)
	if h := attachedOn(v); h != hostB {
		t.Errorf("Cinder shows volume %s attached on %q, want %s: %v", vid, h, hostB, v["attachments"])
	}
	if blk := virsh(t, hostB, "domblklist", dom); !strings.Contains(blk, "volume-"+vid) {
		t.Errorf("volume-%s is not a disk of %s on %s:\n%s", vid, dom, hostB, blk)
	}

	// The scheduler's choice (the zone's other host), then a revert.
	admin.Run("server", "migrate", "--wait", id)
	waitServer(t, id, "VERIFY_RESIZE", hostA, 3*time.Minute)
	admin.Run("server", "migration", "revert", id)
	waitServer(t, id, "ACTIVE", hostB, 3*time.Minute)
	waitMigration(t, id, "migration", time.Minute, "reverted")
	if st := virsh(t, hostB, "domstate", dom); !strings.Contains(st, "running") {
		t.Errorf("domain %s on %s after the revert: %s", dom, hostB, st)
	}
	if l := virsh(t, hostA, "list", "--all", "--name"); strings.Contains(l, dom) {
		t.Errorf("domain %s still defined on %s after the revert:\n%s", dom, hostA, l)
	}
	v = waitVolume(t, vid, "in-use", time.Minute, false)
	if h := attachedOn(v); h != hostB {
		t.Errorf("after the revert Cinder shows volume %s attached on %q, want %s: %v", vid, h, hostB, v["attachments"])
	}
	if ev := admin.Run("server", "event", "list", id); !strings.Contains(ev, "migrate") || !strings.Contains(ev, "confirmResize") || !strings.Contains(ev, "revertResize") {
		t.Errorf("instance actions:\n%s", ev)
	}
}
