package api_test

import (
	"fmt"
	"testing"
)

// TestStatusMessages: the status checks of actions whose answers differ
// by status, as Zed's: a snapshot of a volume in error, of a volume in
// use without and with force, os-reserve, os-begin_detaching, a no-op
// os-roll_detaching, and os-update_readonly_flag (available only).
func TestStatusMessages(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	reset := func(st string) {
		s.action(id, "", 202, map[string]any{"os-reset_status": map[string]any{"status": st}})
	}
	check := func(what string, code int, out map[string]any, want string) {
		t.Helper()
		if m, c := faultMessage(out); int(c) != code || m != want {
			t.Errorf("%s: %d %q, want %d %q", what, int(c), m, code, want)
		}
	}
	snap := func(force bool) map[string]any {
		_, out := s.do("POST", "/snapshots", "", map[string]any{"snapshot": map[string]any{"volume_id": id, "force": force}})
		return out
	}

	reset("error")
	check("snapshot of a volume in error", 400, snap(true), "Invalid volume: The snapshot cannot be created when the volume is in error status.")
	check("reserve a volume in error", 400, s.action(id, "", 400, map[string]any{"os-reserve": map[string]any{}}),
		fmt.Sprintf("Invalid volume: Volume status must be available to reserve, but the status is error."))
	check("readonly flag of a volume in error", 400, s.action(id, "", 400, map[string]any{"os-update_readonly_flag": map[string]any{"readonly": true}}),
		fmt.Sprintf("Invalid volume: Volume %s status must be available to update readonly flag, but current status is: error.", id))
	check("begin_detaching a volume in error", 400, s.action(id, "", 400, map[string]any{"os-begin_detaching": map[string]any{}}),
		"Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
	s.action(id, "", 202, map[string]any{"os-roll_detaching": map[string]any{}}) // nothing to roll back: a no-op
	if v := s.volume(id); v["status"] != "error" {
		t.Errorf("os-roll_detaching of a volume in error changed it to %v", v["status"])
	}

	reset("reserved")
	check("snapshot of a reserved volume", 400, snap(false), fmt.Sprintf("Invalid volume: Volume %s status must be available, but current status is: reserved.", id))
	check("forced snapshot of a reserved volume", 400, snap(true), fmt.Sprintf("Invalid volume: Volume %s status must be available, in-use, but current status is: reserved.", id))
	reset("available")
}

// TestLegacyAttachMetadata: os-attach adds cinder's default readonly flag
// (False) beside attached_mode, and a read-only volume attached rw is
// cinder's InvalidVolumeAttachMode.
func TestLegacyAttachMetadata(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	attach := map[string]any{"os-attach": map[string]any{"instance_uuid": "0b0b0b0b-1111-2222-3333-444444444444", "mountpoint": "/dev/vdb", "mode": "rw"}}
	s.action(id, "", 202, map[string]any{"os-reserve": map[string]any{}})
	s.action(id, "", 202, attach)
	v := s.volume(id)
	if md, _ := v["metadata"].(map[string]any); v["status"] != "in-use" || md["readonly"] != "False" || md["attached_mode"] != "rw" {
		t.Errorf("after os-attach: %v %v, want in-use with readonly False and attached_mode rw", v["status"], v["metadata"])
	}
	s.action(id, "", 202, map[string]any{"os-detach": map[string]any{}})
	s.waitVolume(id, "available")
	s.action(id, "", 202, map[string]any{"os-update_readonly_flag": map[string]any{"readonly": true}})
	out := s.action(id, "", 400, attach)
	if m, _ := faultMessage(out); m != fmt.Sprintf("Invalid attaching mode 'rw' for volume %s.", id) {
		t.Errorf("rw attach of a read-only volume: %q", m)
	}
}
