package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/api"
	"github.com/gostack/gostack/services/httpapi/microversion"
)

// withMaxVersion serves up to v for one test (the committed max stays
// below 2.60 until networking lands; the higher versions are tested here).
func withMaxVersion(t *testing.T, v microversion.Version) {
	t.Helper()
	old := api.MaxVersion
	api.MaxVersion = v
	t.Cleanup(func() { api.MaxVersion = old })
}

func TestServerGroups(t *testing.T) {
	withMaxVersion(t, microversion.V(2, 93))
	n := newNova(t)
	sg := "/v2.1/os-server-groups"

	// Before 2.64: a policies list and metadata; 2.13 adds project and user.
	r := n.do(alice, memberR, "2.1", "POST", sg, map[string]any{"server_group": map[string]any{"name": "old", "policies": []any{"anti-affinity"}}})
	want(t, "create 2.1", r, 200)
	g := obj(t, r.body, "server_group")
	if g["policies"].([]any)[0] != "anti-affinity" || g["metadata"] == nil || len(g["members"].([]any)) != 0 || g["project_id"] != nil {
		t.Errorf("2.1 group: %s", r.raw)
	}
	want(t, "soft policy needs 2.15", n.do(alice, memberR, "2.14", "POST", sg,
		map[string]any{"server_group": map[string]any{"name": "x", "policies": []any{"soft-affinity"}}}), 400)
	want(t, "two policies", n.do(alice, memberR, "2.15", "POST", sg,
		map[string]any{"server_group": map[string]any{"name": "x", "policies": []any{"affinity", "anti-affinity"}}}), 400)
	want(t, "policy is 2.64", n.do(alice, memberR, "2.63", "POST", sg,
		map[string]any{"server_group": map[string]any{"name": "x", "policy": "affinity"}}), 400)

	// 2.64: policy and rules.
	r = n.do(alice, memberR, "2.64", "POST", sg, map[string]any{"server_group": map[string]any{
		"name": "web", "policy": "anti-affinity", "rules": map[string]any{"max_server_per_host": 2}}})
	want(t, "create 2.64", r, 200)
	g = obj(t, r.body, "server_group")
	id := g["id"].(string)
	if g["policy"] != "anti-affinity" || obj(t, g, "rules")["max_server_per_host"] != float64(2) || g["policies"] != nil ||
		g["metadata"] != nil || g["project_id"] != alice || g["user_id"] != "u-"+alice {
		t.Errorf("2.64 group: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.64", "POST", sg, map[string]any{"server_group": map[string]any{
		"name": "x", "policy": "affinity", "rules": map[string]any{"max_server_per_host": 2}}})
	if want(t, "rules on affinity", r, 400); !strings.Contains(string(r.raw), "Only anti-affinity policy supports rules.") {
		t.Errorf("rules on affinity: %s", r.raw)
	}
	for _, rules := range []map[string]any{{"max_server_per_host": 0}, {"max_server_per_host": "foo"}, {"other": 1}} {
		want(t, "bad rules", n.do(alice, memberR, "2.64", "POST", sg, map[string]any{"server_group": map[string]any{
			"name": "x", "policy": "anti-affinity", "rules": rules}}), 400)
	}
	r = n.do(alice, memberR, "2.1", "GET", sg+"/"+id, nil)
	if want(t, "show 2.1", r, 200); obj(t, r.body, "server_group")["policies"].([]any)[0] != "anti-affinity" {
		t.Errorf("show 2.1: %s", r.raw)
	}
	want(t, "other project's group", n.do(bob, memberR, "", "GET", sg+"/"+id, nil), 404)
	want(t, "reader cannot create", n.do(alice, "reader", "2.64", "POST", sg,
		map[string]any{"server_group": map[string]any{"name": "x", "policy": "affinity"}}), 403)

	// Lists: own project; all_projects for admins; limit/offset.
	n.do(bob, memberR, "2.64", "POST", sg, map[string]any{"server_group": map[string]any{"name": "b", "policy": "affinity"}})
	r = n.do(alice, memberR, "2.64", "GET", sg+"?all_projects=True", nil)
	if l := r.body["server_groups"].([]any); len(l) != 2 {
		t.Errorf("alice's list: %s", r.raw)
	}
	r = n.do(adminP, adminR, "2.64", "GET", sg+"?all_projects=True", nil)
	if l := r.body["server_groups"].([]any); len(l) != 3 {
		t.Errorf("admin all_projects: %s", r.raw)
	}
	r = n.do(adminP, adminR, "2.64", "GET", sg+"?all_projects=True&limit=1&offset=1", nil)
	if l := r.body["server_groups"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != id {
		t.Errorf("limit/offset: %s", r.raw)
	}
	want(t, "unknown query at 2.75", n.do(alice, memberR, "2.75", "GET", sg+"?foo=1", nil), 400)

	// Members: the group hint joins the server; the member quota holds.
	f := createFlavor(t, n, "f1", 128, 1, true)
	hint := func(group string) map[string]any {
		b := serverBody(f, imgID, nil)
		b["os:scheduler_hints"] = map[string]any{"group": group}
		return b
	}
	want(t, "boot into group", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", hint(id)), 202)
	r = n.do(alice, memberR, "2.64", "GET", sg+"/"+id, nil)
	members := obj(t, r.body, "server_group")["members"].([]any)
	if len(members) != 1 {
		t.Fatalf("members: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.71", "GET", "/v2.1/servers/"+members[0].(string), nil)
	if l, _ := obj(t, r.body, "server")["server_groups"].([]any); len(l) != 1 || l[0] != id {
		t.Errorf("2.71 server_groups: %s", r.raw)
	}
	want(t, "bob cannot use alice's group", n.do(bob, memberR, "2.37", "POST", "/v2.1/servers", hint(id)), 400)
	want(t, "unknown group", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", hint("99999999-9999-4999-8999-999999999999")), 400)
	want(t, "bad group", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", hint("nope")), 400)
	want(t, "member quota", n.do(adminP, adminR, "", "PUT", "/v2.1/os-quota-sets/"+alice,
		map[string]any{"quota_set": map[string]any{"server_group_members": 1, "server_groups": 2}}), 200)
	before, _ := n.store.ProjectUsage(context.Background(), alice)
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", hint(id))
	if want(t, "over member quota", r, 403); !strings.Contains(string(r.raw), "Quota exceeded, too many servers in group") {
		t.Errorf("member quota: %s", r.raw)
	}
	if after, _ := n.store.ProjectUsage(context.Background(), alice); after != before {
		t.Errorf("refused boot left a server: %+v -> %+v", before, after)
	}
	r = n.do(alice, memberR, "2.64", "POST", sg, map[string]any{"server_group": map[string]any{"name": "c", "policy": "affinity"}})
	if want(t, "over group quota", r, 403); !strings.Contains(string(r.raw), "Quota exceeded, too many server groups.") {
		t.Errorf("group quota: %s", r.raw)
	}
	r = n.do(alice, memberR, "", "GET", "/v2.1/os-quota-sets/"+alice+"/detail", nil)
	qs := obj(t, r.body, "quota_set")
	if obj(t, qs, "server_groups")["in_use"] != float64(2) || obj(t, qs, "server_group_members")["in_use"] != float64(1) {
		t.Errorf("quota detail: %s", r.raw)
	}

	r = n.do(alice, memberR, "", "GET", "/v2.1/limits", nil)
	if abs := obj(t, obj(t, r.body, "limits"), "absolute"); abs["totalServerGroupsUsed"] != float64(2) || abs["maxServerGroups"] != float64(2) {
		t.Errorf("limits: %s", r.raw)
	}

	want(t, "bob cannot delete", n.do(bob, memberR, "", "DELETE", sg+"/"+id, nil), 404)
	want(t, "delete", n.do(alice, memberR, "", "DELETE", sg+"/"+id, nil), 204)
	want(t, "deleted", n.do(alice, memberR, "", "GET", sg+"/"+id, nil), 404)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
