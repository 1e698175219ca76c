package api_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/gostack/gostack/image/api"
)

func TestParseStorageQuota(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "10": 10, "10B": 10, "2KB": 2048, "3MB": 3 << 20, "1GB": 1 << 30, "1TB": 1 << 40} {
		if got, err := api.ParseStorageQuota(in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "1 GB", "1gb", "1PB", "x"} {
		if _, err := api.ParseStorageQuota(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestStorageQuota: user_storage_quota refuses uploads past the
// project's remaining bytes with 413, whether the size is declared or
// the data is chunked, and leaves the image queued with nothing in RBD.
func TestStorageQuota(t *testing.T) {
	g := newGlanceWith(t, func(s *api.Settings) { s.UserStorageQuota = 1 << 20 })
	oct := []string{"Content-Type", "application/octet-stream"}
	create := func() string {
		r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": "raw", "container_format": "bare"})
		want(t, "create", r, 201)
		return r.body["id"].(string)
	}
	big := bytes.Repeat([]byte{1}, 3<<19) // 1.5 MiB

	id := create()
	r := g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", big, oct...)
	want(t, "declared too big", r, 413)
	if !containsMessage(r, "Image exceeds the storage quota: The size of the data 1572864 will exceed the limit. 1048576 bytes remaining.") {
		t.Errorf("413 message: %s", r.raw)
	}
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write(big); _ = pw.Close() }()
	r = g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", pr, oct...)
	want(t, "chunked too big", r, 413)
	if !containsMessage(r, "Image exceeds the storage quota: ") {
		t.Errorf("413 message: %s", r.raw)
	}
	if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["status"] != "queued" || r.body["size"] != nil {
		t.Errorf("after 413: %s", r.raw)
	}
	if g.rbdHas(id) {
		t.Errorf("RBD image %s left after a 413", id)
	}

	want(t, "fits", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", big[:700<<10], oct...), 204)
	t.Cleanup(func() { g.removeRBD(id) })
	id2 := create()
	r = g.do(alice, "member", "PUT", "/v2/images/"+id2+"/file", big[:400<<10], oct...)
	want(t, "second over the rest", r, 413)
	if !containsMessage(r, fmt.Sprintf("%d bytes remaining", (1<<20)-(700<<10))) {
		t.Errorf("413 message: %s", r.raw)
	}
	if g.rbdHas(id2) {
		t.Errorf("RBD image %s left after a 413", id2)
	}
	// Another project has its own quota.
	r = g.do(bob, "member", "POST", "/v2/images", map[string]any{"disk_format": "raw", "container_format": "bare"})
	id3 := r.body["id"].(string)
	want(t, "bob's upload", g.do(bob, "member", "PUT", "/v2/images/"+id3+"/file", big[:900<<10], oct...), 204)
	t.Cleanup(func() { g.removeRBD(id3) })
	// Staging counts too.
	r = g.do(alice, "member", "PUT", "/v2/images/"+id2+"/stage", big[:400<<10], oct...)
	want(t, "stage over quota", r, 413)
	if r := g.do(alice, "member", "GET", "/v2/images/"+id2, nil); r.body["status"] != "queued" {
		t.Errorf("after a refused stage: %s", r.raw)
	}
}

// TestCountQuotas: image_property_quota, image_tag_quota and
// image_member_quota answer 413 with glance's messages.
func TestCountQuotas(t *testing.T) {
	g := newGlanceWith(t, func(s *api.Settings) {
		s.ImagePropertyQuota, s.ImageTagQuota, s.ImageMemberQuota = 2, 2, 1
	})
	jp := []string{"Content-Type", "application/openstack-images-v2.1-json-patch"}
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"a": "1", "b": "2", "c": "3"})
	want(t, "3 properties", r, 413)
	if !containsMessage(r, "The limit has been exceeded on the number of allowed image properties. Attempted: 3, Maximum: 2") {
		t.Errorf("message: %s", r.raw)
	}
	r = g.do(alice, "member", "POST", "/v2/images", map[string]any{"tags": []string{"x", "y", "z"}})
	want(t, "3 tags", r, 413)
	if !containsMessage(r, "The limit has been exceeded on the number of allowed image tags. Attempted: 3, Maximum: 2") {
		t.Errorf("message: %s", r.raw)
	}
	r = g.do(alice, "member", "POST", "/v2/images", map[string]any{"a": "1", "b": "2", "tags": []string{"x", "y"}})
	want(t, "at the limits", r, 201)
	id := r.body["id"].(string)
	want(t, "patch adds a 3rd property", g.do(alice, "member", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "add", "path": "/c", "value": "3"}}, jp...), 413)
	want(t, "patch replaces a property", g.do(alice, "member", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "replace", "path": "/a", "value": "9"}}, jp...), 200)
	want(t, "patch sets 3 tags", g.do(alice, "member", "PATCH", "/v2/images/"+id,
		[]map[string]any{{"op": "replace", "path": "/tags", "value": []string{"1", "2", "3"}}}, jp...), 413)
	r = g.do(alice, "member", "PUT", "/v2/images/"+id+"/tags/z", nil)
	want(t, "3rd tag", r, 413)
	if !containsMessage(r, "Image tag limit exceeded for image "+id+": The limit has been exceeded on the number of allowed image tags. Attempted: 3, Maximum: 2:") {
		t.Errorf("message: %s", r.raw)
	}
	if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["c"] != nil || len(r.body["tags"].([]any)) != 2 {
		t.Errorf("after refusals: %s", r.raw)
	}
	want(t, "first member", g.do(alice, "member", "POST", "/v2/images/"+id+"/members", map[string]any{"member": bob}), 200)
	r = g.do(alice, "member", "POST", "/v2/images/"+id+"/members", map[string]any{"member": "carol"})
	want(t, "second member", r, 413)
}

// TestImageSizeCap: image_size_cap cuts off uploads and stages larger
// than it with glance's 413, raw or converted, leaving nothing behind.
func TestImageSizeCap(t *testing.T) {
	g := newGlanceWith(t, func(s *api.Settings) { s.ImageSizeCap = 1 << 20 })
	oct := []string{"Content-Type", "application/octet-stream"}
	big := bytes.Repeat([]byte{2}, 3<<19)
	for _, c := range []struct{ format, path string }{{"raw", "file"}, {"qcow2", "file"}, {"raw", "stage"}} {
		r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": c.format, "container_format": "bare"})
		id := r.body["id"].(string)
		r = g.do(alice, "member", "PUT", "/v2/images/"+id+"/"+c.path, big, oct...)
		want(t, c.format+" "+c.path, r, 413)
		if !containsMessage(r, "The incoming image is too large: The provided image is too large.") {
			t.Errorf("%s %s: %s", c.format, c.path, r.raw)
		}
		if r := g.do(alice, "member", "GET", "/v2/images/"+id, nil); r.body["status"] != "queued" {
			t.Errorf("%s %s: %s", c.format, c.path, r.raw)
		}
		if g.rbdHas(id) {
			t.Errorf("%s %s: RBD image left", c.format, c.path)
		}
	}
	g.stagingEmpty()
}
