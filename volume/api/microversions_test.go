package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestMicroversions345To366 checks over HTTP against the dev cloud what
// the microversions between 3.45 and 3.66 change in what is served: the
// volume list count (3.45), the volume detail fields (3.48, 3.63, 3.65),
// the backends' state in os-services (3.49), the types' extra specs
// filter (3.52), time comparison filters (3.60) and snapshots of in-use
// volumes without force (3.66).
func TestMicroversions345To366(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1, "name": "mv-fields"})
	s.waitVolume(id, "available")

	v := s.must(200, "GET", "/volumes/"+id, "3.44", nil)["volume"].(map[string]any)
	for _, k := range []string{"shared_targets", "service_uuid", "volume_type_id", "consumes_quota", "cluster_name"} {
		if _, ok := v[k]; ok {
			t.Errorf("volume at 3.44 has %s", k)
		}
	}
	v = s.must(200, "GET", "/volumes/"+id, "3.68", nil)["volume"].(map[string]any)
	if v["shared_targets"] != false || v["consumes_quota"] != true || v["cluster_name"] != nil {
		t.Errorf("volume at 3.68: shared_targets %v consumes_quota %v cluster_name %v", v["shared_targets"], v["consumes_quota"], v["cluster_name"])
	}
	if _, ok := v["service_uuid"]; !ok {
		t.Errorf("volume at 3.68 has no service_uuid")
	}
	if tid, _ := v["volume_type_id"].(string); len(tid) != 36 {
		t.Errorf("volume at 3.68: volume_type_id %v", v["volume_type_id"])
	}

	list := s.must(200, "GET", "/volumes?with_count=true&limit=1&name=mv-fields", "3.45", nil)
	if list["count"] != float64(1) || len(list["volumes"].([]any)) != 1 {
		t.Errorf("with_count at 3.45: %v", list)
	}
	if list := s.must(200, "GET", "/volumes?with_count=true&name=mv-fields", "3.44", nil); list["count"] != nil {
		t.Errorf("with_count at 3.44: %v", list)
	}

	// 3.60: created_at / updated_at comparisons.
	future := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05")
	count := func(mv, query string) int {
		return len(s.must(200, "GET", "/volumes?name=mv-fields&"+query, mv, nil)["volumes"].([]any))
	}
	if n := count("3.60", "created_at=gt:"+future); n != 0 {
		t.Errorf("created_at=gt:%s at 3.60: %d volumes", future, n)
	}
	if n := count("3.60", "created_at=lte:"+future+",gt:2020-01-01T00:00:00Z"); n != 1 {
		t.Errorf("created_at=lte:%s,gt:2020-01-01T00:00:00Z at 3.60: %d volumes", future, n)
	}
	if n := count("3.59", "created_at=gt:"+future); n != 1 {
		t.Errorf("created_at filter at 3.59 (not applied): %d volumes", n)
	}
	if code, out := s.do("GET", "/volumes?created_at=after:"+future, "3.60", nil); code != 400 || errMessage(out) != "Invalid after operator" {
		t.Errorf("created_at=after:... at 3.60: %d %v", code, out)
	}

	// 3.52: types filtered on their extra specs.
	typ := s.must(200, "POST", "/types", "", map[string]any{"volume_type": map[string]any{"name": "mv-type-" + time.Now().Format("150405.000"),
		"extra_specs": map[string]any{"mv_test": "352"}}})["volume_type"].(map[string]any)
	defer s.do("DELETE", "/types/"+typ["id"].(string), "", nil)
	types := func(mv string) []any {
		return s.must(200, "GET", "/types?extra_specs="+url.QueryEscape(`{"mv_test":"352"}`), mv, nil)["volume_types"].([]any)
	}
	if got := types("3.52"); len(got) != 1 || got[0].(map[string]any)["id"] != typ["id"] {
		t.Errorf("types with extra_specs mv_test=352 at 3.52: %v", got)
	}
	if got := types("3.51"); len(got) < 2 {
		t.Errorf("types at 3.51 (extra_specs not applied): %d", len(got))
	}

	// 3.49: cinder-volume services carry their backend's state.
	svcs := s.must(200, "GET", "/os-services?binary=cinder-volume", "3.49", nil)["services"].([]any)
	if len(svcs) == 0 {
		t.Fatal("no cinder-volume service")
	}
	for _, x := range svcs {
		if m := x.(map[string]any); m["state"] == "up" && m["backend_state"] != "up" {
			t.Errorf("cinder-volume service at 3.49: %v", m)
		}
	}
	for _, x := range s.must(200, "GET", "/os-services?binary=cinder-volume", "3.48", nil)["services"].([]any) {
		if _, ok := x.(map[string]any)["backend_state"]; ok {
			t.Errorf("cinder-volume service at 3.48 has backend_state")
		}
	}

	// An in-use volume: a snapshot needs force before 3.66, not from it,
	// where force false is refused.
	server := "31111111-2222-3333-4444-555555555555"
	att := s.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{"volume_uuid": id, "instance_uuid": server}})["attachment"].(map[string]any)
	attID := att["id"].(string)
	s.must(200, "PUT", "/attachments/"+attID, "3.44", map[string]any{"attachment": map[string]any{"connector": rbdConnector}})
	s.must(204, "POST", "/attachments/"+attID+"/action", "3.44", map[string]any{"os-complete": nil})
	defer s.do("DELETE", "/attachments/"+attID, "3.44", nil)
	snap := func(mv string, body map[string]any) (int, map[string]any) {
		body["volume_id"] = id
		return s.do("POST", "/snapshots", mv, map[string]any{"snapshot": body})
	}
	if code, out := snap("3.65", map[string]any{"name": "mv-no-force"}); code != 400 {
		t.Errorf("snapshot of an in-use volume at 3.65 without force: %d %v", code, out)
	}
	code, out := snap("3.66", map[string]any{"name": "mv-force-false", "force": false})
	if code != 400 || !strings.Contains(errMessage(out), "Since microversion 3.66 the 'force' flag is invalid") {
		t.Errorf("snapshot at 3.66 with force false: %d %v", code, out)
	}
	code, out = snap("3.66", map[string]any{"name": "mv-in-use"})
	if code != 202 {
		t.Fatalf("snapshot of an in-use volume at 3.66: %d %v", code, out)
	}
	sn := out["snapshot"].(map[string]any)
	shown := s.wait("snapshots", sn["id"].(string), "available")
	if _, ok := shown["consumes_quota"]; ok {
		t.Errorf("snapshot at no microversion shows consumes_quota")
	}
	if got := s.must(200, "GET", "/snapshots/"+sn["id"].(string), "3.65", nil)["snapshot"].(map[string]any); got["consumes_quota"] != true {
		t.Errorf("snapshot at 3.65: consumes_quota %v", got["consumes_quota"])
	}
	s.must(202, "DELETE", "/snapshots/"+sn["id"].(string), "", nil)
	s.waitGone("snapshots", sn["id"].(string))
}
