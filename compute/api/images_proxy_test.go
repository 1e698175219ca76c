package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/testenv"
)

// devNova calls the dev cloud's compute API with a token of the admin
// (`make dev`'s openrc).
type devNova struct {
	t        *testing.T
	endpoint string
	token    string
}

func newDevNova(t *testing.T) devNova {
	admin := testenv.OSC{T: t}
	return devNovaAs(t, admin, admin)
}

// devNovaAs is devNova with user's token (admin finds the endpoint).
func devNovaAs(t *testing.T, admin, user testenv.OSC) devNova {
	token := strings.TrimSpace(user.Run("token", "issue", "-f", "value", "-c", "id"))
	endpoint := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
	return devNova{t: t, endpoint: strings.TrimRight(endpoint, "/"), token: token}
}

func (d devNova) do(version, method, path string, body any) (int, map[string]any) {
	d.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, d.endpoint+path, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", d.token)
	req.Header.Set("Content-Type", "application/json")
	if version != "" {
		req.Header.Set("OpenStack-API-Version", "compute "+version)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

// TestImageProxy drives nova's deprecated image API (to 2.35) against
// the dev cloud's Glance: list with filters, show, metadata merge,
// replace, item set and delete, delete; 404 from 2.36.
func TestImageProxy(t *testing.T) {
	osc := testenv.OSC{T: t}
	file := filepath.Join(t.TempDir(), "empty.raw")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	name := "proxy-" + strings.ReplaceAll(t.Name(), "/", "-")
	id := strings.TrimSpace(osc.Run("image", "create", "--disk-format", "raw", "--container-format", "bare",
		"--property", "foo=bar", "--file", file, name, "-f", "value", "-c", "id"))
	t.Cleanup(func() { osc.Quietly("image", "delete", id) })
	nova := newDevNova(t)

	status, body := nova.do("", "GET", "/images/detail?name="+name, nil)
	list, _ := body["images"].([]any)
	if status != 200 || len(list) != 1 {
		t.Fatalf("images/detail?name=: %d %v", status, body)
	}
	img := list[0].(map[string]any)
	if img["status"] != "ACTIVE" || img["progress"] != float64(100) || img["metadata"].(map[string]any)["foo"] != "bar" {
		t.Errorf("image view: %v", img)
	}
	if status, body = nova.do("", "GET", "/images?limit=1", nil); status != 200 || len(body["images"].([]any)) != 1 || body["images_links"] == nil {
		t.Errorf("images?limit=1: %d %v", status, body)
	}
	status, body = nova.do("", "POST", "/images/"+id+"/metadata", map[string]any{"metadata": map[string]any{"k1": "v1"}})
	if md, _ := body["metadata"].(map[string]any); status != 200 || md["foo"] != "bar" || md["k1"] != "v1" {
		t.Errorf("metadata merge: %d %v", status, body)
	}
	if status, body = nova.do("", "PUT", "/images/"+id+"/metadata/k2", map[string]any{"meta": map[string]any{"k3": "v"}}); status != 400 {
		t.Errorf("metadata item mismatch: %d %v", status, body)
	}
	if status, _ = nova.do("", "DELETE", "/images/"+id+"/metadata/foo", nil); status != 204 {
		t.Errorf("metadata item delete: %d", status)
	}
	if status, _ = nova.do("", "DELETE", "/images/"+id+"/metadata/foo", nil); status != 404 {
		t.Errorf("metadata item delete again: %d", status)
	}
	status, body = nova.do("", "PUT", "/images/"+id+"/metadata", map[string]any{"metadata": map[string]any{"only": "x"}})
	if md, _ := body["metadata"].(map[string]any); status != 200 || len(md) != 1 {
		t.Errorf("metadata replace: %d %v", status, body)
	}
	status, body = nova.do("", "GET", "/images/"+id+"/metadata/only", nil)
	if meta, _ := body["meta"].(map[string]any); status != 200 || meta["only"] != "x" {
		t.Errorf("metadata item: %d %v", status, body)
	}
	if out := osc.Run("image", "show", id, "-f", "json"); strings.Contains(out, `"k1"`) || !strings.Contains(out, `"only"`) {
		t.Errorf("Glance after replace:\n%s", out)
	}
	if status, _ = nova.do("2.36", "GET", "/images/"+id, nil); status != 404 {
		t.Errorf("image proxy at 2.36: %d, want 404", status)
	}
	if status, _ = nova.do("", "DELETE", "/images/"+id, nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if status, body = nova.do("", "GET", "/images/"+id, nil); status != 404 {
		t.Errorf("show after delete: %d %v", status, body)
	}
}
