package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The dev cloud's two RBD backends, ceph and ceph2, share the pool
// volumes: a move between them changes the volume's host and keeps its
// image (volumes/volume-<id>) as it is. The copy into another pool is
// tested with the driver (volume/driver/rbd/migrate_test.go).

// waitMigration polls a volume as the admin until its migration_status
// is success or error, and returns it.
func (s *session) waitMigration(id string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		v := s.volume(id)
		if ms, _ := v["migration_status"].(string); ms == "success" || ms == "error" {
			return v
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("volume %s: migration_status %v after 2 minutes", id, v["migration_status"])
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// backendOf is host@backend of a volume's host@backend#pool.
func backendOf(v map[string]any) string {
	h, _ := v["os-vol-host-attr:host"].(string)
	b, _, _ := strings.Cut(h, "#")
	return b
}

// otherBackend is the dev cloud's other backend than host@backend.
func otherBackend(t *testing.T, backend string) string {
	t.Helper()
	node, name, ok := strings.Cut(backend, "@")
	if !ok {
		t.Fatalf("volume host %q is not host@backend", backend)
	}
	switch name {
	case "ceph":
		return node + "@ceph2"
	case "ceph2":
		return node + "@ceph"
	}
	t.Fatalf("volume on backend %q, not ceph or ceph2", name)
	return ""
}

// TestOpenStackClientMigrate drives os-migrate_volume and os-retype with
// migration through the real client: `openstack volume migrate --host`
// moves an available volume, then (with --lock-volume) back, and an
// in-use one, between the two backends; `openstack volume set --type
// --retype-policy on-demand` retypes a volume to a type of the other
// backend. The volume's data (written into its RBD image before, read
// with rbd export after), id, size and name stay; host, type and
// migration_status change. The refusals answer as cinder's.
func TestOpenStackClientMigrate(t *testing.T) {
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := func(s string) string { return "migrate-" + s + "-" + sfx }
	admin := client{t: t}
	api := adminSession(t)
	const size = 1 << 30
	// The volumes are a fresh project's (the admin project's quota is
	// shared with every other test); the admin migrates and retypes them.
	member, _ := newProject(t, admin, name("proj"))
	newVolume := func(args ...string) string {
		id := member.json(append([]string{"volume", "create", "--size", "1"}, args...)...)["id"].(string)
		t.Cleanup(func() {
			api.do("POST", "/volumes/"+id+"/action", "", map[string]any{"os-reset_status": map[string]any{"status": "available", "attach_status": "detached", "migration_status": "none"}})
			api.do("DELETE", "/volumes/"+id+"?cascade=true", "", nil)
			for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
				if code, _ := api.do("GET", "/volumes/"+id, "", nil); code == 404 {
					return
				}
			}
		})
		return id
	}

	// os-migrate_volume of an available volume of the default type.
	vol := newVolume(name("vol"))
	v := api.waitVolume(vol, "available")
	from := backendOf(v)
	to := otherBackend(t, from)
	writeRandom(t, vol, 0, 1<<20)
	writeRandom(t, vol, 900<<20, 1<<20)
	sum := rbdHash(t, vol, size)

	admin.osc("volume", "migrate", "--host", to, vol)
	v = api.waitMigration(vol)
	if v["migration_status"] != "success" || v["os-vol-mig-status-attr:migstat"] != "success" {
		t.Fatalf("migration to %s: migration_status %v", to, v["migration_status"])
	}
	if backendOf(v) != to || v["status"] != "available" || v["id"] != vol || v["size"] != float64(1) || v["name"] != name("vol") {
		t.Fatalf("after the migration: host %v status %v", v["os-vol-host-attr:host"], v["status"])
	}
	if v["os-vol-mig-status-attr:name_id"] != nil {
		t.Errorf("name_id %v: the RBD driver keeps the volume's own image", v["os-vol-mig-status-attr:name_id"])
	}
	if got := rbdHash(t, vol, size); got != sum {
		t.Fatalf("the volume's data changed in the migration")
	}
	shown := admin.json("volume", "show", vol)
	if shown["os-vol-host-attr:host"] != v["os-vol-host-attr:host"] || shown["migration_status"] != "success" {
		t.Errorf("openstack volume show after the migration: host %v, migration_status %v", shown["os-vol-host-attr:host"], shown["migration_status"])
	}

	// Refusals: the volume's own backend, a backend that does not exist,
	// no host, a non-admin.
	for _, tc := range []struct {
		host, want string
	}{
		{fmt.Sprint(v["os-vol-host-attr:host"]), "destination host/cluster must be different than the current one"},
		{"nowhere@nothing", "Invalid host: No available service named 'nowhere@nothing'"},
	} {
		out, err := admin.run("volume", "migrate", "--host", tc.host, vol)
		if err == nil || !strings.Contains(out, tc.want) || !strings.Contains(out, "HTTP 400") {
			t.Errorf("volume migrate --host %s: %v\n%s", tc.host, err, out)
		}
	}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "", map[string]any{"os-migrate_volume": map[string]any{}}); code != 400 ||
		!strings.Contains(errMessage(out), "'host' is a required property") {
		t.Errorf("os-migrate_volume without a host: %d %v", code, out)
	}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "3.16", map[string]any{"os-migrate_volume": map[string]any{"host": from, "cluster": "c"}}); code != 400 ||
		!strings.Contains(errMessage(out), "One and only one of cluster and host must be set.") {
		t.Errorf("os-migrate_volume with host and cluster: %d %v", code, out)
	}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "", map[string]any{"os-migrate_volume": map[string]any{"host": from, "force_host_copy": "maybe"}}); code != 400 {
		t.Errorf("os-migrate_volume with force_host_copy maybe: %d %v", code, out)
	}
	if out, err := member.run("volume", "migrate", "--host", from, vol); err == nil || !strings.Contains(out, "HTTP 403") {
		t.Errorf("volume migrate as a member: %v\n%s", err, out)
	}

	// Back, locked: the volume is in maintenance until the move ends.
	admin.osc("volume", "migrate", "--host", from, "--lock-volume", "--force-host-copy", vol)
	v = api.waitMigration(vol)
	if v["migration_status"] != "success" || backendOf(v) != from || v["status"] != "available" {
		t.Fatalf("locked migration back: migration_status %v host %v status %v", v["migration_status"], v["os-vol-host-attr:host"], v["status"])
	}
	if got := rbdHash(t, vol, size); got != sum {
		t.Fatalf("the volume's data changed in the migration back")
	}

	// A volume with a snapshot does not migrate.
	snap := member.json("volume", "snapshot", "create", "--volume", vol, name("snap"))["id"].(string)
	member.waitStatus(snapshot, snap, "available")
	if out, err := admin.run("volume", "migrate", "--host", to, vol); err == nil || !strings.Contains(out, "have snapshots") {
		t.Errorf("volume migrate of a volume with a snapshot: %v\n%s", err, out)
	}
	member.osc("volume", "snapshot", "delete", snap)
	member.waitGone(snapshot, snap)

	// An in-use volume moves within the pool.
	att := api.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{"volume_uuid": vol,
		"instance_uuid": "5e0b5f7a-4c1e-4b7e-9c55-1d2a8f0e0001", "connector": rbdConnector}})["attachment"].(map[string]any)
	api.must(204, "POST", "/attachments/"+att["id"].(string)+"/action", "3.44", map[string]any{"os-complete": nil})
	api.waitVolume(vol, "in-use")
	admin.osc("volume", "migrate", "--host", to, vol)
	v = api.waitMigration(vol)
	if v["migration_status"] != "success" || backendOf(v) != to || v["status"] != "in-use" {
		t.Fatalf("in-use migration: migration_status %v host %v status %v", v["migration_status"], v["os-vol-host-attr:host"], v["status"])
	}
	api.must(200, "DELETE", "/attachments/"+att["id"].(string), "3.44", nil)
	api.waitVolume(vol, "available")

	// Retype to a type of the other backend, on demand.
	typ := func(n, backend string) string {
		id := admin.json("volume", "type", "create", "--property", "volume_backend_name="+backend, n)["id"].(string)
		t.Cleanup(func() {
			// After the volume's delete, which is asynchronous.
			for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
				if _, err := admin.run("volume", "type", "delete", id); err == nil {
					return
				}
			}
		})
		return id
	}
	typ(name("on-ceph"), "ceph")
	typ(name("on-ceph2"), "ceph2")
	rv := newVolume("--type", name("on-ceph"), name("retype"))
	v = api.waitVolume(rv, "available")
	if b := backendOf(v); !strings.HasSuffix(b, "@ceph") {
		t.Fatalf("volume of type on-ceph on %s", b)
	}
	writeRandom(t, rv, 300<<20, 1<<20)
	rsum := rbdHash(t, rv, size)

	// Never: the scheduler finds no place and the volume keeps its type.
	admin.osc("volume", "set", "--type", name("on-ceph2"), "--retype-policy", "never", rv)
	deadline := time.Now().Add(time.Minute)
	for v = api.volume(rv); v["status"] != "available"; v = api.volume(rv) {
		if time.Now().After(deadline) {
			t.Fatalf("retype with policy never: status %v", v["status"])
		}
		time.Sleep(300 * time.Millisecond)
	}
	if v["volume_type"] != name("on-ceph") || v["migration_status"] != nil || !strings.HasSuffix(backendOf(v), "@ceph") {
		t.Fatalf("retype needing a migration with policy never: type %v, migration_status %v, host %v", v["volume_type"], v["migration_status"], v["os-vol-host-attr:host"])
	}

	admin.osc("volume", "set", "--type", name("on-ceph2"), "--retype-policy", "on-demand", rv)
	deadline = time.Now().Add(2 * time.Minute)
	for v = api.volume(rv); v["volume_type"] != name("on-ceph2") || v["status"] != "available"; v = api.volume(rv) {
		if time.Now().After(deadline) || v["migration_status"] == "error" {
			t.Fatalf("retype on demand: type %v, status %v, migration_status %v", v["volume_type"], v["status"], v["migration_status"])
		}
		time.Sleep(300 * time.Millisecond)
	}
	if v["migration_status"] != "success" || !strings.HasSuffix(backendOf(v), "@ceph2") || v["id"] != rv || v["name"] != name("retype") {
		t.Fatalf("after the retype: migration_status %v, host %v", v["migration_status"], v["os-vol-host-attr:host"])
	}
	if got := rbdHash(t, rv, size); got != rsum {
		t.Fatalf("the volume's data changed in the retype")
	}
	if shown := admin.json("volume", "show", rv); shown["type"] != name("on-ceph2") {
		t.Errorf("openstack volume show after the retype: type %v", shown["type"])
	}
}
