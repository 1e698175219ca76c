package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestNetworkProxiesRealNetworkService drives nova's deprecated
// os-networks and os-tenant-networks against the dev cloud's network
// service with a member's token: the shared network "private" is listed
// and shown in nova's views, a missing one is 404, 2.36 answers 404.
func TestNetworkProxiesRealNetworkService(t *testing.T) {
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	user := newProjectUser(t, admin, "nproxy-"+sfx, "member")
	private := strings.TrimSpace(admin.Run("network", "show", "private", "-f", "value", "-c", "id"))
	nova := devNovaAs(t, admin, user)
	for _, path := range []string{"/os-networks", "/os-tenant-networks"} {
		code, list := nova.do("2.35", "GET", path, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
		nets, _ := list["networks"].([]any)
		var found map[string]any
		for _, n := range nets {
			if m, _ := n.(map[string]any); m["id"] == private {
				found = m
			}
		}
		if found == nil || found["label"] != "private" {
			t.Fatalf("GET %s: no network private (%s): %v", path, private, nets)
		}
		code, show := nova.do("2.35", "GET", path+"/"+private, nil)
		if n, _ := show["network"].(map[string]any); code != 200 || n["label"] != "private" {
			t.Errorf("GET %s/%s: %d %v", path, private, code, show)
		}
		if code, _ := nova.do("2.35", "GET", path+"/00000000-0000-4000-8000-000000000000", nil); code != 404 {
			t.Errorf("GET %s of a missing network: %d, want 404", path, code)
		}
		if code, _ := nova.do("2.36", "GET", path, nil); code != 404 {
			t.Errorf("GET %s at 2.36: %d, want 404", path, code)
		}
	}
}
