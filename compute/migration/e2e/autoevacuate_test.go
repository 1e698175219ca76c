package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestAutoEvacuate: with the dev cloud's [auto_evacuate] enabled (only
// servers with metadata HA_Enabled=True), host A fails and an operator
// forces its service down; nobody asks for an evacuation, yet the opted-in
// server comes up ACTIVE on B from its same RBD disk, its migration an
// evacuation done and an "evacuate" action recorded, while the server
// without the metadata stays on A. When A comes back its nova-compute
// undefines the evacuated guest and keeps the other.
func TestAutoEvacuate(t *testing.T) {
	requireHosts(t)
	name := "aev-" + suffix()
	f := newFixture(t, name, 256)
	admin := osc(t)
	id := bootOn(t, f, hostA, name, "--property", "HA_Enabled=True")
	stay := bootOn(t, f, hostA, name+"-stay")
	dom, stayDom := domainName(t, id), domainName(t, stay)
	disk := rbdImage(id)
	imageID := rbdID(t, disk)
	waitHeartbeat(t, id, 2)

	failHost(t, "kill", hostA)
	downAt := time.Now()
	admin.Run("compute", "service", "set", "--down", hostA, "nova-compute")
	m := waitMigration(t, id, "evacuation", 5*time.Minute, "done", "error", "failed")
	if m["Status"] != "done" {
		t.Fatalf("automatic evacuation ended %v: %s", m["Status"], admin.Run("server", "event", "list", id, "--long"))
	}
	waitServer(t, id, "ACTIVE", hostB, 2*time.Minute)
	t.Logf("automatic evacuation: forced_down to ACTIVE on %s in %s", hostB, time.Since(downAt).Round(time.Millisecond))
	if got := rbdID(t, disk); got != imageID {
		t.Errorf("root disk %s is image %s now, was %s: it was re-created", disk, got, imageID)
	}
	if ev := admin.Run("server", "event", "list", id); !strings.Contains(ev, "evacuate") {
		t.Errorf("no evacuate action recorded:\n%s", ev)
	}
	waitHeartbeat(t, id, 1)
	if s := admin.JSON("server", "show", stay); s["OS-EXT-SRV-ATTR:host"] != hostA {
		t.Errorf("the server without HA_Enabled moved: host %v status %v", s["OS-EXT-SRV-ATTR:host"], s["status"])
	}

	hostSh(t, "start", hostIndex(hostA))
	waitUndefined(t, hostA, dom)
	if l := virsh(t, hostA, "list", "--all", "--name"); !strings.Contains(l, stayDom) {
		t.Errorf("%s lost the guest of the server that stayed (%s):\n%s", hostA, stayDom, l)
	}
	admin.Run("compute", "service", "set", "--up", hostA, "nova-compute")
}

// TestAutoEvacuateFenced: host A loses the control plane (only its
// nova-compute dies: its guests run on). Nothing is evacuated while it
// merely looks down; after service_down_time the conductor runs the dev
// cloud's fence_command (devstack/host.sh fence), which kills the host,
// forces its service down and evacuates the opted-in server to B.
func TestAutoEvacuateFenced(t *testing.T) {
	requireHosts(t)
	name := "fence-" + suffix()
	f := newFixture(t, name, 256)
	admin := osc(t)
	id := bootOn(t, f, hostA, name, "--property", "HA_Enabled=True")
	dom := domainName(t, id)
	waitHeartbeat(t, id, 2)

	failHost(t, "partition", hostA)
	cut := time.Now()
	m := waitMigration(t, id, "evacuation", 5*time.Minute, "done", "error", "failed")
	if m["Status"] != "done" {
		t.Fatalf("evacuation after fencing ended %v: %s", m["Status"], admin.Run("server", "event", "list", id, "--long"))
	}
	waitServer(t, id, "ACTIVE", hostB, 2*time.Minute)
	t.Logf("fenced and evacuated: %s from the partition to ACTIVE on %s", time.Since(cut).Round(time.Second), hostB)
	if since := time.Since(cut); since < 50*time.Second {
		t.Errorf("evacuated %s after the partition: before service_down_time, without fencing", since)
	}
	if out := admin.Run("compute", "service", "list", "--host", hostA, "--service", "nova-compute", "--long", "-f", "value", "-c", "Forced Down"); !strings.Contains(out, "True") {
		t.Errorf("the fenced host's service is not forced down: %q", out)
	}
	waitHeartbeat(t, id, 1)

	hostSh(t, "start", hostIndex(hostA))
	waitUndefined(t, hostA, dom)
	admin.Run("compute", "service", "set", "--up", hostA, "nova-compute")
}
