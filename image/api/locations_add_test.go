package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
)

// TestAddLocation: POST /v2/images/{id}/locations (images API 2.17) is how
// nova-compute registers a direct snapshot it copied into the images pool
// itself: only for a queued image, only by its project's members (or a
// service or an admin), only for data in the store's pool; the image
// becomes active with the data's size, and deleting it removes the data.
func TestAddLocation(t *testing.T) {
	g := newGlance(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := g.do(alice, "member,reader", "POST", "/v2/images", map[string]any{"name": "snap", "disk_format": "raw", "container_format": "bare"})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	t.Cleanup(func() { g.do(admin, "admin", "DELETE", "/v2/images/"+id, nil) })

	data := ceph.ImageSpec("images", id)
	if err := g.c.Create(ctx, data, 8<<20, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.c.Remove(context.Background(), data, ceph.RemoveOptions{PurgeSnapshots: true}) })
	if err := g.c.CreateSnapshot(ctx, data.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}
	if err := g.c.ProtectSnapshot(ctx, data.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}
	fsid, err := g.c.FSID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc := fmt.Sprintf("rbd://%s/images/%s/snap", fsid, id)
	path := "/v2/images/" + id + "/locations"

	want(t, "another project", g.do(bob, "member,reader", "POST", path, map[string]any{"url": loc}), 404)
	want(t, "a reader", g.do(alice, "reader", "POST", path, map[string]any{"url": loc}), 403)
	want(t, "no url", g.do(alice, "member,reader", "POST", path, map[string]any{}), 400)
	want(t, "an unknown key", g.do(alice, "member,reader", "POST", path, map[string]any{"url": loc, "x": 1}), 400)
	want(t, "another pool", g.do(alice, "member,reader", "POST", path, map[string]any{"url": fmt.Sprintf("rbd://%s/vms/%s/snap", fsid, id)}), 400)
	want(t, "no data there", g.do(alice, "member,reader", "POST", path, map[string]any{"url": fmt.Sprintf("rbd://%s/images/%s/snap", fsid, uuid.NewString())}), 400)
	if s := g.do(alice, "member,reader", "GET", "/v2/images/"+id, nil); s.body["status"] != "queued" {
		t.Fatalf("refused locations changed the image: %s", s.raw)
	}

	want(t, "add location", g.do(alice, "member,reader", "POST", path, map[string]any{"url": loc, "validation_data": map[string]any{}}), 202)
	s := g.do(alice, "member,reader", "GET", "/v2/images/"+id, nil)
	if s.body["status"] != "active" || s.body["size"] != float64(8<<20) || s.body["virtual_size"] != float64(8<<20) {
		t.Errorf("image after add location: %s", s.raw)
	}
	want(t, "add location again", g.do(alice, "member,reader", "POST", path, map[string]any{"url": loc}), 409)

	want(t, "delete", g.do(alice, "member,reader", "DELETE", "/v2/images/"+id, nil), 204)
	if ok, err := g.c.Exists(ctx, data); err != nil || ok {
		t.Errorf("the data outlived the image: exists=%v err=%v", ok, err)
	}
}
