package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// userSession is a session of a client made by newProject (its env).
func userSession(t *testing.T, env map[string]string) *session {
	t.Helper()
	rc := testenv.OpenRC(t)
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"domain":{"name":"Default"},"password":%q}}},
		"scope":{"project":{"id":%q}}}}`, env["OS_USERNAME"], env["OS_PASSWORD"], env["OS_PROJECT_ID"])
	resp, err := http.Post(strings.TrimRight(rc["OS_AUTH_URL"], "/")+"/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("keystone token for %s: %v %v", env["OS_USERNAME"], err, resp)
	}
	resp.Body.Close()
	admin := adminSession(t)
	return &session{t: t, token: resp.Header.Get("X-Subject-Token"), project: env["OS_PROJECT_ID"],
		base: strings.TrimSuffix(admin.base, "/"+admin.project) + "/" + env["OS_PROJECT_ID"]}
}

// TestExtendChecks: os-extend checks the new size first, then the status
// (Zed's message), then per_volume_gigabytes, which a create and an
// extend both respect (413 VolumeSizeExceedsLimit, with retryAfter as
// every cinder 413).
func TestExtendChecks(t *testing.T) {
	admin := adminSession(t)
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	u, pid := newProject(t, client{t: t}, "ext-"+sfx)
	s := userSession(t, u.env)
	admin.must(200, "PUT", "/os-quota-sets/"+pid, "", map[string]any{"quota_set": map[string]any{"per_volume_gigabytes": 3}})

	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	out := s.action(id, "", 413, map[string]any{"os-extend": map[string]any{"new_size": 5}})
	f, _ := out["overLimit"].(map[string]any)
	if f == nil || f["message"] != "VolumeSizeExceedsLimit: Requested volume size 5G is larger than maximum allowed limit 3G." ||
		f["retryAfter"] != "0" {
		t.Errorf("extend over per_volume_gigabytes: %v", out)
	}
	if v := s.waitVolume(id, "available"); v["size"] != float64(1) {
		t.Errorf("size after a refused extend: %v", v["size"])
	}
	code, out := s.do("POST", "/volumes", "", map[string]any{"volume": map[string]any{"size": 4}})
	if f, _ := out["overLimit"].(map[string]any); code != 413 || f["retryAfter"] != "0" {
		t.Errorf("create over per_volume_gigabytes: %d %v", code, out)
	}

	admin.action(id, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "error"}})
	out = s.action(id, "", 400, map[string]any{"os-extend": map[string]any{"new_size": 1}})
	if m, _ := faultMessage(out); m != "Invalid input received: New size for extend must be greater than current size. (current: 1, extended: 1)." {
		t.Errorf("extend to the same size of a volume in error: %q (the size is checked first)", m)
	}
	out = s.action(id, "", 400, map[string]any{"os-extend": map[string]any{"new_size": 2}})
	want := fmt.Sprintf("Invalid volume: Volume %s status must be '{'status': 'available'}' to extend, currently error.", id)
	if m, _ := faultMessage(out); m != want {
		t.Errorf("extend of a volume in error: %q, want %q", m, want)
	}
	out = s.action(id, "3.42", 400, map[string]any{"os-extend": map[string]any{"new_size": 2}})
	if m, _ := faultMessage(out); m != want {
		t.Errorf("extend of a volume in error at 3.42: %q, want %q", m, want)
	}
}
