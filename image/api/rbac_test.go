package api_test

import (
	"testing"
)

// TestReaderCannotChange pins the new policy defaults: a user with only
// the reader role may look but not create, upload, stage, import,
// modify or delete; a member of the owning project may; an admin of
// another project may do everything.
func TestReaderCannotChange(t *testing.T) {
	g := newGlance(t)
	want(t, "reader create", g.do(alice, "reader", "POST", "/v2/images", map[string]any{"name": "r"}), 403)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "m", "disk_format": "raw", "container_format": "bare"})
	want(t, "member create", r, 201)
	id := r.body["id"].(string)
	patch := []map[string]any{{"op": "replace", "path": "/name", "value": "x"}}
	jp := []string{"Content-Type", "application/openstack-images-v2.1-json-patch"}
	oct := []string{"Content-Type", "application/octet-stream"}

	want(t, "reader show", g.do(alice, "reader", "GET", "/v2/images/"+id, nil), 200)
	if imgs := g.do(alice, "reader", "GET", "/v2/images", nil).body["images"].([]any); len(imgs) != 1 {
		t.Errorf("reader lists %d images, want 1", len(imgs))
	}
	want(t, "reader upload", g.do(alice, "reader", "PUT", "/v2/images/"+id+"/file", []byte("data"), oct...), 403)
	want(t, "reader stage", g.do(alice, "reader", "PUT", "/v2/images/"+id+"/stage", []byte("data"), oct...), 403)
	want(t, "reader patch", g.do(alice, "reader", "PATCH", "/v2/images/"+id, patch, jp...), 403)
	want(t, "reader tag", g.do(alice, "reader", "PUT", "/v2/images/"+id+"/tags/t", nil), 403)
	want(t, "reader add member", g.do(alice, "reader", "POST", "/v2/images/"+id+"/members", map[string]any{"member": bob}), 403)
	want(t, "reader import", g.do(alice, "reader", "POST", "/v2/images/"+id+"/import",
		map[string]any{"method": map[string]any{"name": "web-download", "uri": "http://127.0.0.1/x"}}), 403)
	want(t, "reader delete", g.do(alice, "reader", "DELETE", "/v2/images/"+id, nil), 403)
	if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["status"] != "queued" || r.body["name"] != "m" {
		t.Errorf("after the reader's attempts: %s", r.raw)
	}

	want(t, "member patch", g.do(alice, "member", "PATCH", "/v2/images/"+id, patch, jp...), 200)
	want(t, "member upload", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", []byte("data"), oct...), 204)
	t.Cleanup(func() { g.removeRBD(id) })
	want(t, "admin of another project patches", g.do(admin, "admin", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "add", "path": "/k", "value": "v"}}, jp...), 200)
	want(t, "admin publicizes", g.do(admin, "admin", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "replace", "path": "/visibility", "value": "public"}}, jp...), 200)
	want(t, "admin deletes", g.do(admin, "admin", "DELETE", "/v2/images/"+id, nil), 204)
}

// TestPrivateImageInvisible: another project cannot see, change or
// download a private image, not even know it exists (404).
func TestPrivateImageInvisible(t *testing.T) {
	g := newGlance(t)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "secret", "visibility": "private",
		"disk_format": "raw", "container_format": "bare"})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	want(t, "upload", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", []byte("secret data"), "Content-Type", "application/octet-stream"), 204)
	t.Cleanup(func() { g.removeRBD(id) })
	for _, c := range []struct{ what, method, path string }{
		{"show", "GET", "/v2/images/" + id},
		{"download", "GET", "/v2/images/" + id + "/file"},
		{"delete", "DELETE", "/v2/images/" + id},
		{"members", "GET", "/v2/images/" + id + "/members"},
		{"deactivate", "POST", "/v2/images/" + id + "/actions/deactivate"},
	} {
		want(t, "bob "+c.what, g.do(bob, "member", c.method, c.path, nil), 404)
	}
	want(t, "bob patch", g.do(bob, "member", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "replace", "path": "/name", "value": "x"}}, "Content-Type", "application/openstack-images-v2.1-json-patch"), 404)
	for _, q := range []string{"", "?visibility=private", "?name=secret", "?owner=" + alice} {
		if imgs := g.do(bob, "member", "GET", "/v2/images"+q, nil).body["images"].([]any); len(imgs) != 0 {
			t.Errorf("bob lists %d images with %q", len(imgs), q)
		}
	}
	want(t, "alice still sees it", g.do(alice, "reader", "GET", "/v2/images/"+id, nil), 200)
}

// TestBadPatchPaths: glance's answers to malformed JSON patches.
func TestBadPatchPaths(t *testing.T) {
	g := newGlance(t)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "p", "foo": "bar"})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	patch := func(ops ...map[string]any) resp {
		return g.do(alice, "member", "PATCH", "/v2/images/"+id, ops, "Content-Type", "application/openstack-images-v2.1-json-patch")
	}
	for _, c := range []struct {
		what   string
		op     map[string]any
		status int
		msg    string
	}{
		{"replace /id", map[string]any{"op": "replace", "path": "/id", "value": "x"}, 403, "Attribute 'id' is read-only."},
		{"replace /status", map[string]any{"op": "replace", "path": "/status", "value": "active"}, 403, "Attribute 'status' is read-only."},
		{"add /checksum", map[string]any{"op": "add", "path": "/checksum", "value": "x"}, 403, "Attribute 'checksum' is read-only."},
		{"unknown op", map[string]any{"op": "move", "path": "/name", "value": "x"}, 400, "Invalid operation: `move`. It must be one of the following: add, remove, replace."},
		{"no op", map[string]any{"path": "/name", "value": "x"}, 400, "Unable to find `op` in JSON Schema change."},
		{"no path", map[string]any{"op": "add", "value": "x"}, 400, "Unable to find 'path' in JSON Schema change"},
		{"path without /", map[string]any{"op": "replace", "path": "name", "value": "x"}, 400, "Pointer `name` does not start with \"/\"."},
		{"nested path", map[string]any{"op": "add", "path": "/name/x", "value": "x"}, 400, "Invalid JSON pointer for this resource: '/name/x'"},
		{"adjacent slashes", map[string]any{"op": "add", "path": "/a//b", "value": "x"}, 400, "Pointer `/a//b` contains adjacent \"/\"."},
		{"bad escape", map[string]any{"op": "add", "path": "/a~2", "value": "x"}, 400, ""},
		{"no value", map[string]any{"op": "add", "path": "/k"}, 400, "Operation \"add\" requires a member named \"value\"."},
		{"remove core", map[string]any{"op": "remove", "path": "/name"}, 403, "Property name may not be removed."},
		{"remove disk_format", map[string]any{"op": "remove", "path": "/disk_format"}, 403, "Property disk_format may not be removed."},
		{"reserved", map[string]any{"op": "add", "path": "/os_glance_import_task", "value": "x"}, 403, "Attribute 'os_glance_import_task' is reserved."},
		{"remove missing", map[string]any{"op": "remove", "path": "/nope"}, 409, "Property nope does not exist."},
		{"bad visibility", map[string]any{"op": "replace", "path": "/visibility", "value": "x"}, 400, ""},
	} {
		r := patch(c.op)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.what, r.status, c.status, r.raw)
			continue
		}
		if c.msg != "" && !containsMessage(r, c.msg) {
			t.Errorf("%s: message %s, want %q", c.what, r.raw, c.msg)
		}
	}
	if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["name"] != "p" || r.body["foo"] != "bar" {
		t.Errorf("image changed by refused patches: %s", r.raw)
	}
}

// TestEmptyImageID: GET and DELETE /v2/images/ are 404, as glance's
// routes (tempest test_get_image_null_id, test_delete_image_null_id).
func TestEmptyImageID(t *testing.T) {
	g := newGlance(t)
	want(t, "GET /v2/images/", g.do(alice, "member", "GET", "/v2/images/", nil), 404)
	want(t, "DELETE /v2/images/", g.do(alice, "member", "DELETE", "/v2/images/", nil), 404)
	want(t, "GET /v2/images", g.do(alice, "member", "GET", "/v2/images", nil), 200)
}
