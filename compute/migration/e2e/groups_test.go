package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMovesHonourServerGroup: the two members of an anti-affinity group
// booted in zone ha are spread over its two hosts by the scheduler, and a
// third finds no host (ERROR, "No valid host"); a live migration of one to the other's host (a requested destination,
// judged by the filters) and a cold migration (the scheduler's choice)
// both find no host: the migrations end in error and the member stays
// ACTIVE where it was.
func TestMovesHonourServerGroup(t *testing.T) {
	requireHosts(t)
	name := "grp-" + suffix()
	f := newFixture(t, name, 256)
	admin := osc(t)
	g := admin.JSON("server", "group", "create", "--policy", "anti-affinity", name)
	gid := g["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "group", "delete", gid) })
	var ids, hosts []string
	for i := range 2 {
		s := admin.JSON("server", "create", "--image", f.image, "--flavor", f.flavor, "--network", "none",
			"--availability-zone", zone, "--hint", "group="+gid, "--wait", name+"-"+string(rune('a'+i)))
		id := s["id"].(string)
		t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
		if s["status"] != "ACTIVE" {
			t.Fatalf("member %d: %v", i, s["status"])
		}
		ids = append(ids, id)
		hosts = append(hosts, s["OS-EXT-SRV-ATTR:host"].(string))
	}
	if hosts[0] == hosts[1] {
		t.Fatalf("anti-affinity members on one host %s", hosts[0])
	}
	third := admin.JSON("server", "create", "--image", f.image, "--flavor", f.flavor, "--network", "none",
		"--availability-zone", zone, "--hint", "group="+gid, name+"-c")
	thirdID := third["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", thirdID) })
	s := waitServer(t, thirdID, "ERROR", "", 2*time.Minute)
	if fault, _ := s["fault"].(map[string]any); fault == nil || !strings.Contains(fmt.Sprint(fault["message"]), "No valid host") {
		t.Errorf("a third anti-affinity member on two hosts: fault %v", s["fault"])
	}

	admin.Run("server", "migrate", "--live-migration", "--host", hosts[1], ids[0])
	m := waitMigration(t, ids[0], "live-migration", 2*time.Minute, "error", "completed")
	if m["Status"] != "error" {
		t.Errorf("live migration onto the other member's host: %v", m["Status"])
	}
	waitServer(t, ids[0], "ACTIVE", hosts[0], time.Minute)

	admin.Run("server", "migrate", ids[0])
	m = waitMigration(t, ids[0], "migration", 2*time.Minute, "error", "finished")
	if m["Status"] != "error" {
		t.Errorf("cold migration of an anti-affinity member with no free host: %v", m["Status"])
	}
	waitServer(t, ids[0], "ACTIVE", hosts[0], time.Minute)
	if ev := admin.Run("server", "event", "list", ids[0], "--long", "-f", "value", "-c", "Action", "-c", "Message"); !strings.Contains(ev, "migrate Error") {
		t.Errorf("the refused cold migration's action is not in error:\n%s", ev)
	}
}
