package api_test

import (
	"fmt"
	"testing"
)

// faultMessage is the message and code of a cinder fault body.
func faultMessage(out map[string]any) (string, float64) {
	for _, v := range out {
		if f, ok := v.(map[string]any); ok {
			code, _ := f["code"].(float64)
			return fmt.Sprint(f["message"]), code
		}
	}
	return "", 0
}

// TestCinderMessages: the status codes and messages of cinder's
// validation for inputs a client gets wrong.
func TestCinderMessages(t *testing.T) {
	s := adminSession(t)
	for _, tc := range []struct {
		method, path string
		body         map[string]any
		code         int
		msg          string
	}{
		{"PUT", "/os-quota-sets/" + s.project, map[string]any{"quota_set": map[string]any{"volumes": -2}}, 400, "volumes must be >= -1"},
		{"PUT", "/os-quota-sets/" + s.project, map[string]any{"quota_set": map[string]any{"volumes": "abc"}}, 400, "volumes must be an integer"},
		{"PUT", "/os-quota-sets/" + s.project, map[string]any{"quota_set": map[string]any{"volumes": 1.5}}, 400, "volumes must be an integer"},
		{"PUT", "/os-quota-sets/" + s.project, map[string]any{"quota_set": map[string]any{"gigabytes": 99999999999}}, 400, "gigabytes must be <= 2147483647"},
		{"GET", "/volumes?marker=nonexist", nil, 404, "Volume nonexist could not be found."},
		{"GET", "/snapshots?marker=nonexist", nil, 404, "Snapshot nonexist could not be found."},
		{"GET", "/backups?marker=nonexist", nil, 404, "Backup nonexist could not be found."},
		{"GET", "/volumes?offset=abc", nil, 400, "offset must be an integer"},
		{"GET", "/volumes?offset=-1", nil, 400, "offset must be >= 0"},
		{"GET", "/volumes?sort=foo:asc", nil, 400, "Invalid input received: Invalid sort key"},
		{"POST", "/volumes", map[string]any{"volume": map[string]any{"size": 1, "snapshot_id": "nosuch"}}, 400, "Invalid input for field/attribute snapshot_id. Value: nosuch. 'nosuch' is not valid under any of the given schemas"},
		{"POST", "/volumes", map[string]any{"volume": map[string]any{"size": 1, "source_volid": "nosuch"}}, 400, "Invalid input for field/attribute source_volid. Value: nosuch. 'nosuch' is not valid under any of the given schemas"},
		{"POST", "/volumes", map[string]any{"volume": map[string]any{"size": 1, "availability_zone": "mars"}}, 400, "Availability zone 'mars' is invalid."},
		{"POST", "/volumes", map[string]any{"volume": map[string]any{"size": 1, "imageRef": "nosuch"}}, 400, "Invalid image identifier or unable to access requested image."},
		{"POST", "/volumes", map[string]any{"size": 1}, 400, "'volume' is a required property"},
	} {
		code, out := s.do(tc.method, tc.path, "", tc.body)
		if m, _ := faultMessage(out); code != tc.code || m != tc.msg {
			t.Errorf("%s %s %v: %d %q, want %d %q", tc.method, tc.path, tc.body, code, m, tc.code, tc.msg)
		}
	}
	def := s.must(200, "GET", "/types/default", "", nil)["volume_type"].(map[string]any)
	code, out := s.do("DELETE", "/types/"+def["id"].(string), "", nil)
	want := fmt.Sprintf("The volume type %s is a default volume type and cannot be deleted.", def["id"])
	if m, _ := faultMessage(out); code != 400 || m != want {
		t.Errorf("delete the default type: %d %q, want 400 %q", code, m, want)
	}
}

// TestQuotaUsageShape: os-quota-sets ?usage=True shows limit, in_use and
// reserved for each resource, as Zed (no "allocated").
func TestQuotaUsageShape(t *testing.T) {
	s := adminSession(t)
	qs := s.must(200, "GET", "/os-quota-sets/"+s.project+"?usage=True", "", nil)["quota_set"].(map[string]any)
	for k, v := range qs {
		if k == "id" {
			continue
		}
		m, _ := v.(map[string]any)
		if len(m) != 3 || m["limit"] == nil || m["in_use"] == nil || m["reserved"] == nil {
			t.Errorf("%s: %v, want limit, in_use and reserved", k, v)
		}
	}
}

// TestImageMetadataUnsetAll: a volume whose last image property is unset
// shows no volume_image_metadata at all, as cinder (OSC then has no such
// column), not an empty one.
func TestImageMetadataUnsetAll(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	osc := client{t: t}
	osc.osc("volume", "set", "--image-property", "foo=bar", id)
	if md, _ := s.volume(id)["volume_image_metadata"].(map[string]any); md["foo"] != "bar" {
		t.Fatalf("volume_image_metadata after set: %v", md)
	}
	osc.osc("volume", "unset", "--image-property", "foo", id)
	if md, ok := s.volume(id)["volume_image_metadata"]; ok {
		t.Errorf("volume_image_metadata after unsetting the last key: %v, want no such key", md)
	}
}
