package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestServerSecurityGroupsRequest: nova-api has the network service check
// the requested security groups before it accepts a server: an unknown
// one is nova's 400 (neutronclient's message) and nothing is made.
func TestServerSecurityGroupsRequest(t *testing.T) {
	osc := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	file := filepath.Join(t.TempDir(), "empty.raw")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	image := strings.TrimSpace(osc.Run("image", "create", "--disk-format", "raw", "--container-format", "bare",
		"--file", file, "sgreq-"+sfx, "-f", "value", "-c", "id"))
	t.Cleanup(func() { osc.Quietly("image", "delete", image) })
	flavor := strings.TrimSpace(osc.Run("flavor", "create", "--ram", "64", "--disk", "1", "--vcpus", "1", "sgreq-"+sfx, "-f", "value", "-c", "id"))
	t.Cleanup(func() { osc.Quietly("flavor", "delete", flavor) })
	nova := newDevNova(t)
	status, body := nova.do("2.37", "POST", "/servers", map[string]any{"server": map[string]any{
		"name": "sgreq-" + sfx, "imageRef": image, "flavorRef": flavor, "networks": "auto",
		"security_groups": []any{map[string]any{"name": "default"}, map[string]any{"name": "nope-" + sfx}},
	}})
	msg, _ := body["badRequest"].(map[string]any)["message"].(string)
	if status != 400 || msg != "Unable to find security_group with name or id 'nope-"+sfx+"'" {
		t.Errorf("unknown security group: %d %v", status, body)
	}
	if out := osc.Run("server", "list", "--all-projects", "--name", "sgreq-"+sfx, "-f", "value", "-c", "ID"); strings.TrimSpace(out) != "" {
		t.Errorf("a server was made: %s", out)
	}
}
