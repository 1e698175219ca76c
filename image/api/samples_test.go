package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// updateSamples rewrites api-ref/image/samples from the responses:
// go test -tags pacific ./image/api -run TestAPISamples -update-samples
var updateSamples = flag.Bool("update-samples", false, "rewrite api-ref/image/samples")

const samplesDir = "../../api-ref/image/samples"

var (
	uuidPattern  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|\.\d+)?`)
	hexPattern   = regexp.MustCompile(`"[0-9a-f]{32}"|"[0-9a-f]{128}"`)
	reqIDPattern = regexp.MustCompile(`req-[0-9a-f-]{36}`)
)

// masked is a JSON body indented (keys sorted), with ids, times and
// hashes replaced, so that samples compare across runs.
func masked(t *testing.T, raw []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	_ = enc.Encode(v)
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	out = reqIDPattern.ReplaceAll(out, []byte("req-00000000-0000-0000-0000-000000000000"))
	out = uuidPattern.ReplaceAll(out, []byte("00000000-0000-0000-0000-000000000000"))
	out = timePattern.ReplaceAll(out, []byte("2026-01-01T00:00:00Z"))
	out = hexPattern.ReplaceAllFunc(out, func(b []byte) []byte {
		if len(b) == 34 {
			return []byte(`"` + string(bytes.Repeat([]byte("0"), 32)) + `"`)
		}
		return []byte(`"` + string(bytes.Repeat([]byte("0"), 128)) + `"`)
	})
	return append(out, '\n')
}

// sample compares (or with -update-samples writes) one golden file.
func sample(t *testing.T, name string, raw []byte) {
	t.Helper()
	got := masked(t, raw)
	path := filepath.Join(samplesDir, name)
	if *updateSamples {
		if err := os.MkdirAll(samplesDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("sample %s: %v (run with -update-samples to write it)", name, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("sample %s differs from the response:\n%s\nwant:\n%s", name, got, want)
	}
}

func requestSample(t *testing.T, name string, body any) any {
	t.Helper()
	raw, _ := json.Marshal(body)
	sample(t, name, raw)
	return body
}

// TestAPISamples keeps api-ref/image/samples, request and response
// bodies of the main calls, equal to what the API answers.
func TestAPISamples(t *testing.T) {
	g := newGlance(t)
	jp := []string{"Content-Type", "application/openstack-images-v2.1-json-patch"}
	create := requestSample(t, "image-create-request.json", map[string]any{
		"name": "cirros", "disk_format": "raw", "container_format": "bare", "visibility": "private",
		"tags": []string{"boot"}, "hw_disk_bus": "virtio",
	})
	r := g.do(alice, "member", "POST", "/v2/images", create)
	want(t, "create", r, 201)
	sample(t, "image-create-response.json", r.raw)
	id := r.body["id"].(string)
	want(t, "upload", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", bytes.Repeat([]byte("x"), 1024), "Content-Type", "application/octet-stream"), 204)
	t.Cleanup(func() { g.removeRBD(id) })
	r = g.do(alice, "member", "GET", "/v2/images/"+id, nil)
	sample(t, "image-show-response.json", r.raw)
	patch := requestSample(t, "image-update-request.json", []map[string]any{
		{"op": "replace", "path": "/name", "value": "cirros-0.6"},
		{"op": "add", "path": "/os_distro", "value": "cirros"},
		{"op": "remove", "path": "/hw_disk_bus"},
	})
	r = g.do(alice, "member", "PATCH", "/v2/images/"+id, patch, jp...)
	want(t, "patch", r, 200)
	sample(t, "image-update-response.json", r.raw)
	r = g.do(alice, "member", "GET", "/v2/images?limit=1", nil)
	sample(t, "images-list-response.json", r.raw)

	r = g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "shared", "visibility": "shared"})
	sid := r.body["id"].(string)
	r = g.do(alice, "member", "POST", "/v2/images/"+sid+"/members", requestSample(t, "image-member-create-request.json", map[string]any{"member": bob}))
	want(t, "add member", r, 200)
	sample(t, "image-member-create-response.json", r.raw)
	r = g.do(bob, "member", "PUT", "/v2/images/"+sid+"/members/"+bob, requestSample(t, "image-member-update-request.json", map[string]any{"status": "accepted"}))
	want(t, "accept", r, 200)
	sample(t, "image-member-update-response.json", r.raw)
	sample(t, "image-members-list-response.json", g.do(alice, "member", "GET", "/v2/images/"+sid+"/members", nil).raw)

	sample(t, "image-info-import-response.json", g.do(alice, "member", "GET", "/v2/info/import", nil).raw)
	r = g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "imported", "disk_format": "raw", "container_format": "bare"})
	iid := r.body["id"].(string)
	t.Cleanup(func() { g.removeRBD(iid) })
	want(t, "stage", g.do(alice, "member", "PUT", "/v2/images/"+iid+"/stage", bytes.Repeat([]byte("y"), 1024), "Content-Type", "application/octet-stream"), 204)
	want(t, "import", g.do(alice, "member", "POST", "/v2/images/"+iid+"/import",
		requestSample(t, "image-import-glance-direct-request.json", map[string]any{"method": map[string]any{"name": "glance-direct"}})), 202)
	requestSample(t, "image-import-web-download-request.json", map[string]any{"method": map[string]any{"name": "web-download", "uri": "https://download.example.org/cirros-0.6.2-x86_64-disk.img"}})
	deadline := time.Now().Add(30 * time.Second)
	for g.do(alice, "member", "GET", "/v2/images/"+iid, nil).body["status"] != "active" {
		if time.Now().After(deadline) {
			t.Fatal("import did not finish")
		}
		time.Sleep(50 * time.Millisecond)
	}
	sample(t, "image-tasks-response.json", g.do(alice, "member", "GET", "/v2/images/"+iid+"/tasks", nil).raw)
	r = g.do(alice, "member", "PATCH", "/v2/images/"+id, []map[string]any{{"op": "replace", "path": "/id", "value": "x"}}, append(jp, "Accept", "application/json")...)
	want(t, "read-only", r, 403)
	sample(t, "image-update-readonly-403.json", mustJSONError(t, r))
}

// mustJSONError is the JSON error body of a response asked as JSON.
func mustJSONError(t *testing.T, r resp) []byte {
	t.Helper()
	if !json.Valid(r.raw) {
		t.Fatalf("error body is not JSON: %s", r.raw)
	}
	return r.raw
}
