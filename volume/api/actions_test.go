package api_test

import (
	"testing"
)

// TestActionErrors: the answers of cinder's action dispatch and status
// checks: an unknown action is a 400 whatever the id (checked first), a
// reset to an unknown status names the valid ones as cinder (before the
// lookup too), an empty volume update is a no-op, unknown update keys are
// quoted as Python would.
func TestActionErrors(t *testing.T) {
	s := adminSession(t)
	const missing = "0b0b0b0b-1111-2222-3333-444444444444"
	noSuch := "There is no such action: os-bogus. Verify the request body and Content-Type header and try again."
	volStatuses := "('creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing', 'attaching', 'in-use', 'detaching', 'maintenance', 'restoring-backup', 'error_restoring', 'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up', 'error_extending', 'downloading', 'uploading', 'retyping', 'extending')"
	for _, tc := range []struct {
		method, path, mv string
		body             map[string]any
		code             int
		msg              string
	}{
		{"POST", "/volumes/" + missing + "/action", "", map[string]any{"os-bogus": map[string]any{}}, 400, noSuch},
		{"POST", "/snapshots/" + missing + "/action", "", map[string]any{"os-bogus": map[string]any{}}, 400, noSuch},
		{"POST", "/backups/" + missing + "/action", "", map[string]any{"os-bogus": map[string]any{}}, 400, noSuch},
		{"POST", "/types/" + missing + "/action", "", map[string]any{"os-bogus": map[string]any{}}, 400, noSuch},
		{"POST", "/attachments/" + missing + "/action", "3.44", map[string]any{"os-bogus": map[string]any{}}, 400, noSuch},
		{"POST", "/volumes/" + missing + "/action", "", map[string]any{"os-reset_status": map[string]any{"status": "bogus"}}, 400,
			"Volume status: bogus is invalid, valid statuses are: " + volStatuses + "."},
		{"POST", "/volumes/" + missing + "/action", "", map[string]any{"os-reset_status": map[string]any{"attach_status": "bogus"}}, 400,
			"Volume attach status: bogus is invalid, valid statuses are: ['attached', 'detached']."},
		{"POST", "/snapshots/" + missing + "/action", "", map[string]any{"os-reset_status": map[string]any{"status": "bogus"}}, 400,
			"Snapshot status: bogus is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')."},
		{"POST", "/backups/" + missing + "/action", "", map[string]any{"os-reset_status": map[string]any{"status": "bogus"}}, 400,
			"Backup status: bogus is invalid, valid statuses are: ['available', 'error']."},
		{"POST", "/volumes/" + missing + "/action", "", map[string]any{"os-reset_status": map[string]any{"status": "error"}}, 404,
			"Volume " + missing + " could not be found."},
	} {
		code, out := s.do(tc.method, tc.path, tc.mv, tc.body)
		if m, _ := faultMessage(out); code != tc.code || m != tc.msg {
			t.Errorf("%s %s %v: %d %q, want %d %q", tc.method, tc.path, tc.body, code, m, tc.code, tc.msg)
		}
	}

	def := s.must(200, "GET", "/types/default", "", nil)["volume_type"].(map[string]any)
	if _, ok := def["os-volume-type-access:is_public"]; ok || def["is_public"] != true {
		t.Errorf("GET /types/default: %v, want is_public and no os-volume-type-access:is_public", def)
	}

	id := s.newVolume(map[string]any{"size": 1, "name": "upd"})
	s.waitVolume(id, "available")
	if out := s.must(200, "PUT", "/volumes/"+id, "", map[string]any{"volume": map[string]any{}}); out["volume"].(map[string]any)["name"] != "upd" {
		t.Errorf("empty update: %v", out)
	}
	code, out := s.do("PUT", "/volumes/"+id, "", map[string]any{"volume": map[string]any{"foo": "x"}})
	if m, _ := faultMessage(out); code != 400 || m != "Invalid input for field/attribute volume. Value: {'foo': 'x'}. Additional properties are not allowed ('foo' was unexpected)" {
		t.Errorf("update with an unknown key: %d %q", code, m)
	}
}
