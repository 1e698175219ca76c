package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestVolumeProxyRealCinder drives nova's deprecated os-volumes and
// os-snapshots (2.1) against the dev cloud's Cinder with a user's token:
// a volume made through nova is available in Cinder and listed by nova,
// a snapshot of it too, both deleted through nova are gone from Cinder;
// 2.36 answers 404.
func TestVolumeProxyRealCinder(t *testing.T) {
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	user := newProjectUser(t, admin, "vproxy-"+sfx, "member")
	token := strings.TrimSpace(user.Run("token", "issue", "-f", "value", "-c", "id"))
	compute := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
	call := func(method, path, version string, in any, out any) int {
		t.Helper()
		var body bytes.Buffer
		if in != nil {
			_ = json.NewEncoder(&body).Encode(in)
		}
		req, _ := http.NewRequest(method, compute+path, &body)
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("OpenStack-API-Version", "compute "+version)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		if out != nil {
			_ = json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	var v struct {
		Volume map[string]any `json:"volume"`
	}
	if code := call("POST", "/os-volumes", "2.1", map[string]any{"volume": map[string]any{"size": 1, "display_name": "vp-" + sfx}}, &v); code != 200 {
		t.Fatalf("POST /os-volumes: %d %v", code, v)
	}
	id, _ := v.Volume["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", id) })
	poll(t, "the volume available through nova", 2*time.Minute, func() bool {
		call("GET", "/os-volumes/"+id, "2.1", nil, &v)
		return v.Volume["status"] == "available"
	})
	if got := user.JSON("volume", "show", id); got["name"] != "vp-"+sfx || got["size"] != float64(1) {
		t.Errorf("Cinder's view of the volume made through nova: %v %v", got["name"], got["size"])
	}
	var list struct {
		Volumes []map[string]any `json:"volumes"`
	}
	call("GET", "/os-volumes/detail", "2.1", nil, &list)
	if len(list.Volumes) != 1 || list.Volumes[0]["id"] != id || list.Volumes[0]["displayName"] != "vp-"+sfx {
		t.Errorf("os-volumes/detail: %v", list.Volumes)
	}
	if code := call("GET", "/os-volumes", "2.36", nil, nil); code != 404 {
		t.Errorf("os-volumes at 2.36: %d, want 404", code)
	}

	var s struct {
		Snapshot map[string]any `json:"snapshot"`
	}
	if code := call("POST", "/os-snapshots", "2.1", map[string]any{"snapshot": map[string]any{"volume_id": id, "display_name": "vs-" + sfx}}, &s); code != 200 {
		t.Fatalf("POST /os-snapshots: %d %v", code, s)
	}
	sid, _ := s.Snapshot["id"].(string)
	poll(t, "the snapshot available through nova", 2*time.Minute, func() bool {
		call("GET", "/os-snapshots/"+sid, "2.1", nil, &s)
		return s.Snapshot["status"] == "available"
	})
	if code := call("DELETE", "/os-snapshots/"+sid, "2.1", nil, nil); code != 202 {
		t.Errorf("DELETE /os-snapshots: %d", code)
	}
	poll(t, "the snapshot gone from Cinder", 2*time.Minute, func() bool {
		return user.Cmd("volume", "snapshot", "show", sid).Run() != nil
	})
	if code := call("DELETE", "/os-volumes/"+id, "2.1", nil, nil); code != 202 {
		t.Errorf("DELETE /os-volumes: %d", code)
	}
	poll(t, "the volume gone from Cinder", 2*time.Minute, func() bool {
		return user.Cmd("volume", "show", id).Run() != nil
	})
}
