package api_test

import (
	"strings"
	"testing"
	"time"
)

func listIDs(t *testing.T, g *glance, project, query string) []string {
	t.Helper()
	r := g.do(project, "member,reader", "GET", "/v2/images"+query, nil)
	want(t, "list "+query, r, 200)
	var ids []string
	for _, im := range r.body["images"].([]any) {
		ids = append(ids, im.(map[string]any)["id"].(string))
	}
	return ids
}

func has(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestImageMembers(t *testing.T) {
	g := newGlance(t)
	const carol = "carol-project"
	r := g.do(alice, "member,reader", "POST", "/v2/images", map[string]any{"name": "shared-one"})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	members := "/v2/images/" + id + "/members"

	want(t, "bob show before sharing", g.do(bob, "member,reader", "GET", "/v2/images/"+id, nil), 404)
	want(t, "bob lists members before sharing", g.do(bob, "member,reader", "GET", members, nil), 404)

	// Only the owner adds members.
	r = g.do(alice, "member,reader", "POST", members, map[string]any{"member": bob})
	want(t, "add bob", r, 200)
	if r.body["member_id"] != bob || r.body["image_id"] != id || r.body["status"] != "pending" ||
		r.body["schema"] != "/v2/schemas/member" || len(r.body) != 6 {
		t.Errorf("add body: %s", r.raw)
	}
	if ts, _ := r.body["created_at"].(string); ts != r.body["updated_at"] || !strings.HasSuffix(ts, "Z") {
		t.Errorf("timestamps: %s", r.raw)
	} else if _, err := time.Parse("2006-01-02T15:04:05Z", ts); err != nil {
		t.Errorf("created_at %q: %v", ts, err)
	}
	r = g.do(alice, "member,reader", "POST", members, map[string]any{"member": bob})
	want(t, "duplicate", r, 409)
	if !strings.Contains(string(r.raw), "Member "+bob+" is duplicated for image "+id) {
		t.Errorf("duplicate body: %s", r.raw)
	}
	want(t, "bob adds carol", g.do(bob, "member,reader", "POST", members, map[string]any{"member": carol}), 403)
	want(t, "no member key", g.do(alice, "member,reader", "POST", members, map[string]any{"x": 1}), 400)
	want(t, "empty member", g.do(alice, "member,reader", "POST", members, map[string]any{"member": ""}), 400)

	// A pending member sees the image but not in its default list.
	want(t, "bob shows pending", g.do(bob, "member,reader", "GET", "/v2/images/"+id, nil), 200)
	if has(listIDs(t, g, bob, ""), id) {
		t.Error("pending image in bob's default list")
	}
	if !has(listIDs(t, g, bob, "?member_status=pending"), id) || !has(listIDs(t, g, bob, "?visibility=shared&member_status=all"), id) {
		t.Error("pending image not listed with member_status")
	}
	want(t, "carol show", g.do(carol, "member,reader", "GET", "/v2/images/"+id, nil), 404)

	// Only the member changes its status.
	r = g.do(alice, "member,reader", "PUT", members+"/"+bob, map[string]any{"status": "accepted"})
	want(t, "owner accepts", r, 403)
	want(t, "bad status", g.do(bob, "member,reader", "PUT", members+"/"+bob, map[string]any{"status": "maybe"}), 400)
	want(t, "no status", g.do(bob, "member,reader", "PUT", members+"/"+bob, map[string]any{}), 400)
	r = g.do(bob, "member,reader", "PUT", members+"/"+bob, map[string]any{"status": "accepted"})
	want(t, "bob accepts", r, 200)
	if r.body["status"] != "accepted" {
		t.Errorf("accept body: %s", r.raw)
	}
	if !has(listIDs(t, g, bob, ""), id) || !has(listIDs(t, g, bob, "?visibility=shared"), id) {
		t.Error("accepted image not in bob's list")
	}

	r = g.do(alice, "member,reader", "GET", members, nil)
	want(t, "owner lists", r, 200)
	if l, _ := r.body["members"].([]any); len(l) != 1 || r.body["schema"] != "/v2/schemas/members" {
		t.Errorf("members: %s", r.raw)
	}
	want(t, "bob shows own", g.do(bob, "member,reader", "GET", members+"/"+bob, nil), 200)
	want(t, "show unknown", g.do(alice, "member,reader", "GET", members+"/"+carol, nil), 404)

	r = g.do(bob, "member,reader", "PUT", members+"/"+bob, map[string]any{"status": "rejected"})
	want(t, "bob rejects", r, 200)
	if has(listIDs(t, g, bob, ""), id) {
		t.Error("rejected image in bob's default list")
	}
	if !has(listIDs(t, g, bob, "?member_status=rejected"), id) {
		t.Error("rejected image not listed with member_status=rejected")
	}

	// Only the owner removes members.
	want(t, "bob deletes", g.do(bob, "member,reader", "DELETE", members+"/"+bob, nil), 403)
	want(t, "owner deletes", g.do(alice, "member,reader", "DELETE", members+"/"+bob, nil), 204)
	want(t, "delete again", g.do(alice, "member,reader", "DELETE", members+"/"+bob, nil), 404)
	want(t, "bob show after removal", g.do(bob, "member,reader", "GET", "/v2/images/"+id, nil), 404)

	// Members only for shared images.
	r = g.do(alice, "member,reader", "POST", "/v2/images", map[string]any{"name": "private-one", "visibility": "private"})
	want(t, "create private", r, 201)
	pid := r.body["id"].(string)
	r = g.do(alice, "member,reader", "POST", "/v2/images/"+pid+"/members", map[string]any{"member": bob})
	want(t, "add to private", r, 403)
	r = g.do(alice, "member,reader", "GET", "/v2/images/"+pid+"/members", nil)
	want(t, "list private", r, 403)
	if !strings.Contains(string(r.raw), "Only shared images have members.") {
		t.Errorf("list private body: %s", r.raw)
	}

	want(t, "member schema", g.do(alice, "member", "GET", "/v2/schemas/member", nil), 200)
	r = g.do(alice, "member", "GET", "/v2/schemas/members", nil)
	want(t, "members schema", r, 200)
	if r.body["name"] != "members" {
		t.Errorf("members schema: %s", r.raw)
	}
}
