package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestRevertToSnapshot drives the revert action (3.40) on the dev cloud's
// Cinder with the real cinder client (OSC 6 has no revert command): what
// was written after the volume's latest snapshot is gone once the volume
// is available again, and the snapshot is available again. Refused as
// cinder refuses: below 3.40 (404), a snapshot not the latest or of
// another volume, a volume without snapshots or of another size than the
// snapshot (400), a volume not available (409).
func TestRevertToSnapshot(t *testing.T) {
	api := adminSession(t)
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	const n = 1 << 20
	vol := api.newVolume(map[string]any{"size": 1, "name": "revert-" + sfx})
	api.wait("volumes", vol, "available")
	other := api.newVolume(map[string]any{"size": 1, "name": "revert-other-" + sfx})
	api.wait("volumes", other, "available")
	revert := func(id, mv, snap string) (int, string) {
		code, out := api.do("POST", "/volumes/"+id+"/action", mv, map[string]any{"revert": map[string]any{"snapshot_id": snap}})
		return code, errMessage(out)
	}
	snapshot := func(id, name string) string {
		out := api.must(202, "POST", "/snapshots", "", map[string]any{"snapshot": map[string]any{"volume_id": id, "name": name}})
		sid := out["snapshot"].(map[string]any)["id"].(string)
		api.wait("snapshots", sid, "available")
		return sid
	}

	if code, msg := revert(other, "3.40", "8d5a7d2e-0000-4000-8000-000000000000"); code != 400 || msg != "Volume "+other+" doesn't have any snapshots." {
		t.Errorf("revert of a volume without snapshots: %d %q", code, msg)
	}

	writeRandom(t, vol, 0, n)
	hashA := headHash(t, vol, n)
	s1 := snapshot(vol, "revert-s1-"+sfx)
	writeRandom(t, vol, 0, n)
	hashB := headHash(t, vol, n)
	time.Sleep(10 * time.Millisecond) // created_at orders the snapshots
	s2 := snapshot(vol, "revert-s2-"+sfx)
	writeRandom(t, vol, 0, n)
	if hashA == hashB || headHash(t, vol, n) == hashB {
		t.Fatal("the writes did not change the volume")
	}
	s3 := snapshot(other, "revert-other-s-"+sfx)

	if code, msg := revert(vol, "3.39", s2); code != 404 {
		t.Errorf("revert at 3.39: %d %q, want 404", code, msg)
	}
	if code, msg := revert(vol, "3.40", s1); code != 400 || msg != "Specified snapshot "+s1+" is None or not the latest one of volume "+vol+"." {
		t.Errorf("revert to a snapshot not the latest: %d %q", code, msg)
	}
	if code, msg := revert(vol, "3.40", s3); code != 400 || !strings.Contains(msg, "is None or not the latest one of volume "+vol) {
		t.Errorf("revert to another volume's snapshot: %d %q", code, msg)
	}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "3.40", map[string]any{"revert": map[string]any{}}); code != 400 || errMessage(out) != "Specified snapshot None is None or not the latest one of volume "+vol+"." {
		t.Errorf("revert without snapshot_id: %d %v", code, out)
	}

	// Not available: in error, then reserved by an attachment.
	notAvail := "Invalid volume: Can't revert volume " + vol + " to its latest snapshot " + s2 + ". Volume's status must be 'available'."
	api.action(vol, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "error"}})
	if code, msg := revert(vol, "3.40", s2); code != 409 || msg != notAvail {
		t.Errorf("revert of a volume in error: %d %q", code, msg)
	}
	api.action(vol, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "available"}})
	att := api.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{
		"volume_uuid": vol, "instance_uuid": "6f0f6c0e-1f49-4a3c-9d4c-2f7a52c0a002"}})["attachment"].(map[string]any)
	if code, msg := revert(vol, "3.40", s2); code != 409 || msg != notAvail {
		t.Errorf("revert of a reserved volume: %d %q", code, msg)
	}
	api.must(200, "DELETE", "/attachments/"+att["id"].(string), "3.44", nil)
	api.wait("volumes", vol, "available")
	if s := api.wait("snapshots", s2, "available"); s["status"] != "available" {
		t.Errorf("refused reverts changed the snapshot: %v", s["status"])
	}

	// The real client reverts to the latest snapshot: the last write is gone.
	if out, err := tryCLI(t, "cinder", "--os-volume-api-version", "3.40", "revert-to-snapshot", s2); err != nil {
		t.Fatalf("cinder revert-to-snapshot: %v\n%s", err, out)
	}
	api.wait("volumes", vol, "available")
	api.wait("snapshots", s2, "available")
	if got := headHash(t, vol, n); got != hashB {
		t.Errorf("after the revert to %s the volume's first MiB hashes to %s, want %s", s2, got, hashB)
	}

	// With s2 gone, s1 is the latest: back to the first write.
	api.must(202, "DELETE", "/snapshots/"+s2, "", nil)
	api.waitGone("snapshots", s2)
	if code, msg := revert(vol, "3.40", s1); code != 202 {
		t.Fatalf("revert to %s: %d %q", s1, code, msg)
	}
	api.wait("volumes", vol, "available")
	api.wait("snapshots", s1, "available")
	if got := headHash(t, vol, n); got != hashA {
		t.Errorf("after the revert to %s the volume's first MiB hashes to %s, want %s", s1, got, hashA)
	}

	// Extended since the snapshot: the sizes differ.
	api.action(vol, "", 202, map[string]any{"os-extend": map[string]any{"new_size": 2}})
	api.wait("volumes", vol, "available")
	if code, msg := revert(vol, "3.40", s1); code != 400 || msg != "Can't revert volume "+vol+" to its latest snapshot "+s1+". The volume size must be equal to the snapshot size." {
		t.Errorf("revert of an extended volume: %d %q", code, msg)
	}
}
