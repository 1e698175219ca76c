package api_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// qcow2Of converts the tiny image to qcow2 with qemu-img and returns the
// raw bytes and the qcow2 file.
func qcow2Of(t *testing.T) (raw []byte, qcow2 string) {
	t.Helper()
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	qcow2 = filepath.Join(t.TempDir(), "tiny.qcow2")
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", src, qcow2).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v\n%s", err, out)
	}
	return raw, qcow2
}

func (g *glance) stagingEmpty() {
	g.t.Helper()
	entries, err := os.ReadDir(g.staging)
	if err != nil {
		g.t.Fatal(err)
	}
	for _, e := range entries {
		g.t.Errorf("left in the staging area: %s", e.Name())
	}
}

// waitStatus polls an image until it has status or the deadline passes.
func (g *glance) waitStatus(id, status string) resp {
	g.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		r := g.do(alice, "member", "GET", "/v2/images/"+id, nil)
		if r.body["status"] == status {
			return r
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("image %s is %v, want %s: %s", id, r.body["status"], status, r.raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (g *glance) checkRawData(id string, raw []byte) {
	g.t.Helper()
	r := g.do(alice, "member", "GET", "/v2/images/"+id, nil)
	sum := md5.Sum(raw)
	if r.body["disk_format"] != "raw" || r.body["container_format"] != "bare" || r.body["size"] != float64(len(raw)) ||
		r.body["virtual_size"] != float64(len(raw)) || r.body["checksum"] != hex.EncodeToString(sum[:]) {
		g.t.Errorf("converted image: %s", r.raw)
	}
	d := g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil)
	if d.status != 200 || !bytes.Equal(d.raw, raw) {
		g.t.Errorf("download of the converted image: %d, %d bytes, equal %v", d.status, len(d.raw), bytes.Equal(d.raw, raw))
	}
}

// TestUploadQcow2StoredRaw: a qcow2 upload is converted; what is stored
// (and downloaded) is the raw disk, with raw's size and checksums.
func TestUploadQcow2StoredRaw(t *testing.T) {
	g := newGlance(t)
	raw, qcow2 := qcow2Of(t)
	data, err := os.ReadFile(qcow2)
	if err != nil {
		t.Fatal(err)
	}
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "q", "disk_format": "qcow2", "container_format": "bare"})
	id := r.body["id"].(string)
	want(t, "upload qcow2", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", data, "Content-Type", "application/octet-stream"), 204)
	t.Cleanup(func() { g.removeRBD(id) })
	g.checkRawData(id, raw)
	if !g.rbdHas(id) {
		t.Errorf("no RBD image %s", id)
	}
	g.stagingEmpty()
}

// TestUploadRefusesUnsafeOrMislabelled: a qcow2 with a backing file, and
// raw data declared qcow2, are refused with 400 and leave nothing.
func TestUploadRefusesUnsafeOrMislabelled(t *testing.T) {
	g := newGlance(t)
	dir := t.TempDir()
	base, overlay := filepath.Join(dir, "base.raw"), filepath.Join(dir, "overlay.qcow2")
	if err := os.WriteFile(base, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qemu-img", "create", "-f", "qcow2", "-F", "raw", "-b", base, overlay).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img create: %v\n%s", err, out)
	}
	withBacking, _ := os.ReadFile(overlay)
	for _, c := range []struct {
		what string
		data []byte
		msg  string
	}{
		{"backing file", withBacking, "Images with a backing file are not allowed"},
		{"raw declared qcow2", bytes.Repeat([]byte{3}, 1<<20), "The image data is not in the declared disk_format qcow2 (qemu-img finds raw)"},
	} {
		r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": "qcow2", "container_format": "bare"})
		id := r.body["id"].(string)
		r = g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", c.data, "Content-Type", "application/octet-stream")
		want(t, c.what, r, 400)
		if !containsMessage(r, c.msg) {
			t.Errorf("%s: %s", c.what, r.raw)
		}
		if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["status"] != "queued" {
			t.Errorf("%s: image %s", c.what, r.raw)
		}
		if g.rbdHas(id) {
			t.Errorf("%s: RBD image %s left", c.what, id)
		}
	}
	g.stagingEmpty()
}

// TestInterruptedQcow2Upload: a conversion upload cut mid-stream leaves
// the image queued, nothing in RBD, nothing staged.
func TestInterruptedQcow2Upload(t *testing.T) {
	g := newGlance(t)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": "qcow2", "container_format": "bare"})
	id := r.body["id"].(string)
	req, _ := http.NewRequest("PUT", g.srv.URL+"/v2/images/"+id+"/file", &failingBody{n: 3 << 20})
	req.Header.Set("X-Test-Project", alice)
	req.Header.Set("X-Test-Roles", "member")
	req.Header.Set("Content-Type", "application/octet-stream")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	g.waitStatus(id, "queued")
	if g.rbdHas(id) {
		t.Errorf("RBD image %s left", id)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, _ := os.ReadDir(g.staging)
		if len(entries) == 0 {
			break
		}
		if time.Now().After(deadline) {
			g.stagingEmpty()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestImportGlanceDirectAndWebDownload: the interoperable import, both
// methods, with conversion, progress properties and the filters.
func TestImportGlanceDirectAndWebDownload(t *testing.T) {
	g := newGlanceWith(t, nil)
	raw, qcow2 := qcow2Of(t)
	data, _ := os.ReadFile(qcow2)

	r := g.do(alice, "member", "GET", "/v2/info/import", nil)
	want(t, "info/import", r, 200)
	if m := r.body["import-methods"].(map[string]any); m["type"] != "array" || len(m["value"].([]any)) != 2 {
		t.Errorf("info/import: %s", r.raw)
	}
	want(t, "info/stores", g.do(alice, "member", "GET", "/v2/info/stores", nil), 404)

	// glance-direct.
	r = g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "gd", "disk_format": "qcow2", "container_format": "bare"})
	id := r.body["id"].(string)
	t.Cleanup(func() { g.removeRBD(id) })
	imp := func(id string, method map[string]any) resp {
		return g.do(alice, "member", "POST", "/v2/images/"+id+"/import", map[string]any{"method": method})
	}
	want(t, "import before stage", imp(id, map[string]any{"name": "glance-direct"}), 409)
	want(t, "stage", g.do(alice, "member", "PUT", "/v2/images/"+id+"/stage", data, "Content-Type", "application/octet-stream"), 204)
	r = g.do(alice, "member", "GET", "/v2/images/"+id, nil)
	if r.body["status"] != "uploading" || r.body["size"] != float64(len(data)) {
		t.Errorf("staged: %s", r.raw)
	}
	want(t, "unknown method", imp(id, map[string]any{"name": "copy-image"}), 400)
	want(t, "no method", g.do(alice, "member", "POST", "/v2/images/"+id+"/import", map[string]any{}), 400)
	want(t, "import", imp(id, map[string]any{"name": "glance-direct"}), 202)
	r = g.waitStatus(id, "active")
	if _, ok := r.body["os_glance_import_task"]; ok || r.body["os_glance_importing_to_stores"] != "" || r.body["os_glance_failed_import"] != "" {
		t.Errorf("import properties after success: %s", r.raw)
	}
	g.checkRawData(id, raw)
	r = g.do(alice, "member", "GET", "/v2/images/"+id+"/tasks", nil)
	want(t, "image tasks", r, 200)
	if tasks := r.body["tasks"].([]any); len(tasks) != 1 {
		t.Errorf("tasks: %s", r.raw)
	} else if task := tasks[0].(map[string]any); task["status"] != "success" || task["type"] != "api_image_import" ||
		task["image_id"] != id || task["input"].(map[string]any)["import_req"].(map[string]any)["method"].(map[string]any)["name"] != "glance-direct" {
		t.Errorf("task: %s", r.raw)
	}
	want(t, "bob's view of the tasks", g.do(bob, "member", "GET", "/v2/images/"+id+"/tasks", nil), 404)
	want(t, "import an active image", imp(id, map[string]any{"name": "glance-direct"}), 409)

	// web-download from a server of the test's own.
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tiny.qcow2":
			_, _ = w.Write(data)
		case "/redirect":
			http.Redirect(w, r, "http://localhost:1/elsewhere", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(files.Close)
	g2 := func() string {
		r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": "qcow2", "container_format": "bare"})
		want(t, "create", r, 201)
		return r.body["id"].(string)
	}
	wd := g2()
	t.Cleanup(func() { g.removeRBD(wd) })
	want(t, "web-download", imp(wd, map[string]any{"name": "web-download", "uri": files.URL + "/tiny.qcow2"}), 202)
	g.waitStatus(wd, "active")
	g.checkRawData(wd, raw)

	r = imp(g2(), map[string]any{"name": "web-download", "uri": "http://localhost:8080/x"})
	want(t, "filtered host", r, 400)
	if !containsMessage(r, "URI for web-download does not pass filtering: http://localhost:8080/x") {
		t.Errorf("filter message: %s", r.raw)
	}
	want(t, "filtered scheme", imp(g2(), map[string]any{"name": "web-download", "uri": "file:///etc/passwd"}), 400)

	for _, path := range []string{"/missing", "/redirect"} {
		bad := g2()
		want(t, "web-download "+path, imp(bad, map[string]any{"name": "web-download", "uri": files.URL + path}), 202)
		r = g.waitStatus(bad, "queued")
		if _, ok := r.body["os_glance_import_task"]; ok || r.body["os_glance_failed_import"] != "" {
			t.Errorf("failed import %s: %s", path, r.raw)
		}
		if g.rbdHas(bad) {
			t.Errorf("RBD image left by a failed import")
		}
		r = g.do(alice, "member", "GET", "/v2/images/"+bad+"/tasks", nil)
		if tasks := r.body["tasks"].([]any); len(tasks) != 1 || tasks[0].(map[string]any)["status"] != "failure" {
			t.Errorf("tasks of a failed import: %s", r.raw)
		}
	}
	g.stagingEmpty()
}
