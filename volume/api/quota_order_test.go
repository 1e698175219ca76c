package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestQuotaRefusalOrder: a create over several quotas names the first of
// them by name, as cinder's sorted reservation: gigabytes (and the
// per-type gigabytes) before volumes.
func TestQuotaRefusalOrder(t *testing.T) {
	admin := adminSession(t)
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	u, pid := newProject(t, client{t: t}, "qo-"+sfx)
	s := userSession(t, u.env)
	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	admin.must(200, "PUT", "/os-quota-sets/"+pid, "", map[string]any{"quota_set": map[string]any{
		"volumes": 1, "gigabytes": 1, "volumes___DEFAULT__": 1, "gigabytes___DEFAULT__": 1}})
	code, out := s.do("POST", "/volumes", "", map[string]any{"volume": map[string]any{"size": 1}})
	want := "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 1G, quota is 1G and 1G has been consumed."
	if m, _ := faultMessage(out); code != 413 || m != want {
		t.Errorf("create over volumes and gigabytes: %d %q, want 413 %q", code, m, want)
	}
	admin.must(200, "PUT", "/os-quota-sets/"+pid, "", map[string]any{"quota_set": map[string]any{"gigabytes": -1}})
	code, out = s.do("POST", "/volumes", "", map[string]any{"volume": map[string]any{"size": 1}})
	want = "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes___DEFAULT__ quota. Requested 1G, quota is 1G and 1G has been consumed."
	if m, _ := faultMessage(out); code != 413 || m != want {
		t.Errorf("create over volumes and the type's gigabytes: %d %q, want 413 %q", code, m, want)
	}
}
