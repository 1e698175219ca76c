package api_test

import (
	"strings"
	"testing"
	"time"
)

// newType makes a public volume type with extra specs, removed at the end.
func (s *session) newTypeSpecs(name string, specs map[string]string) string {
	s.t.Helper()
	out := s.must(200, "POST", "/types", "", map[string]any{"volume_type": map[string]any{"name": name}})
	id := out["volume_type"].(map[string]any)["id"].(string)
	s.t.Cleanup(func() { s.do("DELETE", "/types/"+id, "", nil) })
	if len(specs) > 0 {
		s.must(200, "POST", "/types/"+id+"/extra_specs", "", map[string]any{"extra_specs": specs})
	}
	return id
}

// waitSettled polls a volume until its status is one of want and stays
// so (a retype answers 202 before the scheduler has decided).
func (s *session) waitSettled(id string, want ...string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		v := s.waitVolume(id, want...)
		time.Sleep(time.Second)
		again := s.volume(id)
		if again["status"] == v["status"] {
			return again
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("volume %s does not settle: %v", id, again["status"])
		}
	}
}

// TestRetypeThroughScheduler: os-retype asks the scheduler, as cinder's.
// A type no backend satisfies, or one of another backend without a
// migration policy, leaves the volume available with its type; with
// --retype-policy on-demand the volume moves to the other backend (the
// same RBD pool: only its host changes) and takes the type; same type and
// a bad policy are cinder's 400s.
func TestRetypeThroughScheduler(t *testing.T) {
	s := adminSession(t)
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	onCeph := s.newTypeSpecs("rt-ceph-"+sfx, map[string]string{"volume_backend_name": "ceph"})
	onCeph2 := s.newTypeSpecs("rt-ceph2-"+sfx, map[string]string{"volume_backend_name": "ceph2"})
	nowhere := s.newTypeSpecs("rt-nowhere-"+sfx, map[string]string{"k": "v"})
	alsoCeph := s.newTypeSpecs("rt-ceph-too-"+sfx, map[string]string{"volume_backend_name": "ceph", "storage_protocol": "ceph"})

	id := s.newVolume(map[string]any{"size": 1, "volume_type": onCeph, "name": "rt-" + sfx})
	v := s.waitVolume(id, "available")
	if h, _ := v["os-vol-host-attr:host"].(string); !strings.HasSuffix(h, "@ceph#ceph") {
		t.Fatalf("host %q, want <host>@ceph#ceph (the pool of an RBD backend is its volume_backend_name)", h)
	}

	// No backend has capability k: nothing changes.
	s.action(id, "", 202, map[string]any{"os-retype": map[string]any{"new_type": nowhere}})
	v = s.waitSettled(id, "available")
	if v["volume_type"] != "rt-ceph-"+sfx {
		t.Errorf("retype to a type no backend satisfies: type %v, want unchanged", v["volume_type"])
	}
	// Another backend, migration policy never (the default): unchanged.
	s.action(id, "", 202, map[string]any{"os-retype": map[string]any{"new_type": onCeph2}})
	v = s.waitSettled(id, "available")
	if v["volume_type"] != "rt-ceph-"+sfx || !strings.HasSuffix(v["os-vol-host-attr:host"].(string), "@ceph#ceph") {
		t.Errorf("retype needing a migration without a policy: %v on %v, want unchanged", v["volume_type"], v["os-vol-host-attr:host"])
	}
	// In place: the current backend satisfies the new type.
	s.action(id, "", 202, map[string]any{"os-retype": map[string]any{"new_type": alsoCeph, "migration_policy": "never"}})
	v = s.waitSettled(id, "available")
	if v["volume_type"] != "rt-ceph-too-"+sfx || !strings.HasSuffix(v["os-vol-host-attr:host"].(string), "@ceph#ceph") {
		t.Errorf("retype in place: %v on %v", v["volume_type"], v["os-vol-host-attr:host"])
	}
	// On demand, with OSC.
	client{t: t}.osc("volume", "set", "--type", "rt-ceph2-"+sfx, "--retype-policy", "on-demand", id)
	deadline := time.Now().Add(time.Minute)
	for {
		v = s.waitSettled(id, "available")
		if v["volume_type"] == "rt-ceph2-"+sfx || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if v["volume_type"] != "rt-ceph2-"+sfx || !strings.HasSuffix(v["os-vol-host-attr:host"].(string), "@ceph2#ceph2") ||
		v["migration_status"] != "success" {
		t.Errorf("retype on-demand: type %v host %v migration_status %v, want rt-ceph2, <host>@ceph2#ceph2, success",
			v["volume_type"], v["os-vol-host-attr:host"], v["migration_status"])
	}
	// The volume still works on its new backend.
	s.action(id, "", 202, map[string]any{"os-extend": map[string]any{"new_size": 2}})
	if v = s.waitSettled(id, "available"); v["size"] != float64(2) {
		t.Errorf("extend after the migration: size %v", v["size"])
	}

	for _, tc := range []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"same type", map[string]any{"new_type": onCeph2}, "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change."},
		{"bad policy", map[string]any{"new_type": onCeph, "migration_policy": "bogus"}, "Invalid input for field/attribute migration_policy. Value: bogus. 'bogus' is not one of ['on-demand', 'never']"},
	} {
		out := s.action(id, "", 400, map[string]any{"os-retype": tc.body})
		if m, code := faultMessage(out); m != tc.msg || code != 400 {
			t.Errorf("%s: %d %q, want %q", tc.name, int(code), m, tc.msg)
		}
	}
}
