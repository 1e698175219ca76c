package api_test

import (
	"strings"
	"testing"
)

// TestCreateValidation: cinder's schema answers for the create bodies of
// snapshots (volume_id required, a uuid or null, null looked up as
// "None" as tempest expects), transfers (volume_id a uuid) and types
// (name required, 1-255, not blank).
func TestCreateValidation(t *testing.T) {
	s := adminSession(t)
	for _, tc := range []struct {
		path string
		body map[string]any
		code int
		msg  string
	}{
		{"/snapshots", map[string]any{"snapshot": map[string]any{}}, 400, "Invalid input for field/attribute snapshot. Value: {}. 'volume_id' is a required property"},
		{"/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": nil, "display_name": "x"}}, 404, "Volume None could not be found."},
		{"/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": "nosuch"}}, 400, "Invalid input for field/attribute volume_id. Value: nosuch. 'nosuch' is not valid under any of the given schemas"},
		{"/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": "0b0b0b0b-1111-2222-3333-444444444444"}}, 404, "Volume 0b0b0b0b-1111-2222-3333-444444444444 could not be found."},
		{"/os-volume-transfer", map[string]any{"transfer": map[string]any{"volume_id": "nosuch"}}, 400, "Invalid input for field/attribute volume_id. Value: nosuch. 'nosuch' is not a 'uuid'"},
		{"/types", map[string]any{"volume_type": map[string]any{}}, 400, "Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property"},
		{"/types", map[string]any{"volume_type": map[string]any{"name": ""}}, 400, "Invalid input for field/attribute name. Value: . '' is too short"},
		{"/types", map[string]any{"volume_type": map[string]any{"name": "   "}}, 400, "An invalid 'name' value was provided. The 'name' can not be empty."},
		{"/types", map[string]any{"volume_type": map[string]any{"name": strings.Repeat("x", 256)}}, 400, "' is too long"},
	} {
		code, out := s.do("POST", tc.path, "", tc.body)
		if m, _ := faultMessage(out); code != tc.code || !strings.HasSuffix(m, tc.msg) {
			t.Errorf("POST %s %v: %d %q, want %d %q", tc.path, tc.body, code, m, tc.code, tc.msg)
		}
	}
}
