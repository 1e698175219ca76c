package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// groupSession is an admin session scoped to a fresh project (so that
// what other tests left in the admin project does not fill its quotas).
func groupSession(t *testing.T, name string) *session {
	t.Helper()
	admin := client{t: t}
	pid := admin.json("project", "create", name)["id"].(string)
	t.Cleanup(func() { _, _ = admin.run("project", "delete", pid) })
	rc := testenv.OpenRC(t)
	admin.osc("role", "add", "--project", pid, "--user", rc["OS_USERNAME"], "admin")
	base := adminSession(t)
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"domain":{"name":%q},"password":%q}}},
		"scope":{"project":{"id":%q}}}}`, rc["OS_USERNAME"], rc["OS_USER_DOMAIN_NAME"], rc["OS_PASSWORD"], pid)
	resp, err := http.Post(strings.TrimRight(rc["OS_AUTH_URL"], "/")+"/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("token for project %s: %v %v", pid, resp, err)
	}
	resp.Body.Close()
	return &session{t: t, token: resp.Header.Get("X-Subject-Token"), project: pid,
		base: strings.TrimSuffix(base.base, "/"+base.project) + "/" + pid}
}

func (s *session) waitFor(path, key, mv string, want string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		code, out := s.do("GET", path, mv, nil)
		if want == "" && code == 404 {
			return nil
		}
		obj, _ := out[key].(map[string]any)
		if code == 200 && want != "" && obj["status"] == want {
			return obj
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("GET %s: %d %v, want status %q", path, code, out, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// settledOnce reads a group or group snapshot once, after its members'
// work ended (done, read through the volume and snapshot API, which
// changes nothing of groups) and a moment for the backend that ended it
// to settle the record: no read of the record itself is needed to
// advance it. want "" is a record gone (404).
func (s *session) settledOnce(path, key, mv, want string, done func() bool) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !done() {
		if time.Now().After(deadline) {
			s.t.Fatalf("the members of %s never ended their work", path)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second)
	code, out := s.do("GET", path, mv, nil)
	if want == "" {
		if code != 404 {
			s.t.Fatalf("GET %s once its members are gone: %d %v, want 404", path, code, out)
		}
		return nil
	}
	obj, _ := out[key].(map[string]any)
	if code != 200 || obj["status"] != want {
		s.t.Fatalf("GET %s once its members' work ended: %d %v, want status %q", path, code, out, want)
	}
	return obj
}

// allStatus reports whether there are n items, all in status want.
func allStatus(items []any, n int, want string) bool {
	if len(items) != n {
		return false
	}
	for _, x := range items {
		if x.(map[string]any)["status"] != want {
			return false
		}
	}
	return true
}

func idOf(out map[string]any, key string) string {
	obj, _ := out[key].(map[string]any)
	id, _ := obj["id"].(string)
	return id
}

func message(out map[string]any) string {
	for _, v := range out {
		if m, ok := v.(map[string]any); ok {
			s, _ := m["message"].(string)
			return s
		}
	}
	return ""
}

// TestGroupTypes: group types and their specs (3.11), as cinder's
// group_types.py and group_specs.py.
func TestGroupTypes(t *testing.T) {
	s := adminSession(t)
	if code, _ := s.do("GET", "/group_types", "3.10", nil); code != 404 {
		t.Errorf("group types at 3.10: %d, want 404", code)
	}
	sfx := time.Now().Format("150405.000000")
	out := s.must(202, "POST", "/group_types", "3.11", map[string]any{"group_type": map[string]any{
		"name": "gt-a-" + sfx, "description": "d", "group_specs": map[string]any{"k": "v"}, "is_public": true}})
	gt := out["group_type"].(map[string]any)
	id := gt["id"].(string)
	t.Cleanup(func() { s.do("DELETE", "/group_types/"+id, "3.11", nil) })
	if gt["name"] != "gt-a-"+sfx || gt["description"] != "d" || gt["is_public"] != true || fmt.Sprint(gt["group_specs"]) != "map[k:v]" {
		t.Errorf("created: %v", gt)
	}
	if _, out := s.do("POST", "/group_types", "3.11", map[string]any{"group_type": map[string]any{"name": "gt-a-" + sfx}}); message(out) != "Group Type gt-a-"+sfx+" already exists." {
		t.Errorf("duplicate: %v", out)
	}
	priv := idOf(s.must(202, "POST", "/group_types", "3.11", map[string]any{"group_type": map[string]any{"name": "gt-b-" + sfx, "is_public": "false"}}), "group_type")
	t.Cleanup(func() { s.do("DELETE", "/group_types/"+priv, "3.11", nil) })
	names := func(q string) map[string]bool {
		out := s.must(200, "GET", "/group_types"+q, "3.11", nil)
		m := map[string]bool{}
		for _, x := range out["group_types"].([]any) {
			m[x.(map[string]any)["id"].(string)] = true
		}
		return m
	}
	if l := names(""); !l[id] || l[priv] {
		t.Errorf("default list: public only, got %v", l)
	}
	if l := names("?is_public=None"); !l[id] || !l[priv] {
		t.Errorf("is_public=None: all, got %v", l)
	}
	if l := names("?is_public=false"); l[id] || !l[priv] {
		t.Errorf("is_public=false: private only, got %v", l)
	}
	if out := s.must(404, "GET", "/group_types/default", "3.11", nil); message(out) != "Default group type can not be found." {
		t.Errorf("default: %v", out)
	}
	if out := s.must(400, "PUT", "/group_types/"+id, "3.11", map[string]any{"group_type": map[string]any{}}); message(out) != "Specify group type name, description or a combination thereof." {
		t.Errorf("empty update: %v", out)
	}
	up := s.must(200, "PUT", "/group_types/"+id, "3.11", map[string]any{"group_type": map[string]any{"description": "new"}})["group_type"].(map[string]any)
	if up["description"] != "new" || up["name"] != "gt-a-"+sfx {
		t.Errorf("update: %v", up)
	}
	// specs
	s.must(202, "POST", "/group_types/"+id+"/group_specs", "3.11", map[string]any{"group_specs": map[string]any{"k2": "v2"}})
	if out := s.must(200, "GET", "/group_types/"+id+"/group_specs", "3.11", nil); fmt.Sprint(out["group_specs"]) != "map[k:v k2:v2]" {
		t.Errorf("specs: %v", out)
	}
	if out := s.must(200, "PUT", "/group_types/"+id+"/group_specs/k2", "3.11", map[string]any{"k2": "v3"}); out["k2"] != "v3" {
		t.Errorf("spec update: %v", out)
	}
	if out := s.must(400, "PUT", "/group_types/"+id+"/group_specs/k2", "3.11", map[string]any{"k9": "v3"}); message(out) != "Request body and URI mismatch" {
		t.Errorf("spec mismatch: %v", out)
	}
	s.must(202, "DELETE", "/group_types/"+id+"/group_specs/k2", "3.11", nil)
	if out := s.must(404, "GET", "/group_types/"+id+"/group_specs/k2", "3.11", nil); message(out) != "Group Type "+id+" has no extra spec with key k2." {
		t.Errorf("deleted spec: %v", out)
	}
	if out := s.must(404, "DELETE", "/group_types/"+id+"/group_specs/k2", "3.11", nil); message(out) != "Group Type "+id+" has no specs with key k2." {
		t.Errorf("delete missing spec: %v", out)
	}
	s.must(202, "DELETE", "/group_types/"+priv, "3.11", nil)
	s.must(404, "GET", "/group_types/"+priv, "3.11", nil)
}

// TestGroups walks groups, group snapshots and groups made from them with
// the generic implementation: the members are ordinary volumes and
// snapshots made by the RBD backends, and a group or group snapshot
// follows them with no read of it in between (settledOnce).
func TestGroups(t *testing.T) {
	sfx := time.Now().Format("150405.000000")
	s := groupSession(t, "grp-"+sfx)
	if code, _ := s.do("GET", "/groups", "3.12", nil); code != 404 {
		t.Errorf("groups at 3.12: %d, want 404", code)
	}
	if code, _ := s.do("GET", "/group_snapshots", "3.13", nil); code != 404 {
		t.Errorf("group snapshots at 3.13: %d, want 404", code)
	}
	vt := idOf(s.must(200, "POST", "/types", "", map[string]any{"volume_type": map[string]any{"name": "gvt-" + sfx}}), "volume_type")
	t.Cleanup(func() { s.do("DELETE", "/types/"+vt, "", nil) })
	gt := idOf(s.must(202, "POST", "/group_types", "3.11", map[string]any{"group_type": map[string]any{"name": "ggt-" + sfx}}), "group_type")
	t.Cleanup(func() { s.do("DELETE", "/group_types/"+gt, "3.11", nil) })
	var groups []string
	t.Cleanup(func() {
		for i := len(groups) - 1; i >= 0; i-- {
			s.do("POST", "/groups/"+groups[i]+"/action", "3.20", map[string]any{"reset_status": map[string]any{"status": "available"}})
			s.do("POST", "/groups/"+groups[i]+"/action", "3.13", map[string]any{"delete": map[string]any{"delete-volumes": true}})
		}
	})

	out := s.must(202, "POST", "/groups", "3.13", map[string]any{"group": map[string]any{
		"name": " g1 ", "group_type": "ggt-" + sfx, "volume_types": []string{vt}}})
	g1 := idOf(out, "group")
	groups = append(groups, g1)
	if fmt.Sprint(out["group"]) != fmt.Sprintf("map[id:%s name:g1]", g1) {
		t.Errorf("create answer: %v", out)
	}
	g := s.waitFor("/groups/"+g1, "group", "3.14", "available")
	if g["group_type"] != gt || fmt.Sprint(g["volume_types"]) != "["+vt+"]" || g["availability_zone"] != "nova" ||
		g["group_snapshot_id"] != nil || g["source_group_id"] != nil {
		t.Errorf("group: %v", g)
	}
	if _, ok := g["replication_status"]; ok {
		t.Errorf("replication_status before 3.38: %v", g)
	}
	// Volumes in the group.
	if out := s.must(400, "POST", "/volumes", "3.13", map[string]any{"volume": map[string]any{"size": 1, "group_id": g1}}); message(out) != "Invalid input received: volume_type must be provided when creating a volume in a group." {
		t.Errorf("no type: %v", out)
	}
	if out := s.must(400, "POST", "/volumes", "3.13", map[string]any{"volume": map[string]any{"size": 1, "group_id": g1, "volume_type": "__DEFAULT__"}}); !strings.Contains(message(out), "(requested type must be supported by this group).") {
		t.Errorf("other type: %v", out)
	}
	var vols []string
	for i := 0; i < 2; i++ {
		out := s.must(202, "POST", "/volumes", "3.13", map[string]any{"volume": map[string]any{"size": 1, "group_id": g1, "volume_type": vt, "name": fmt.Sprint("gv", i)}})
		if out["volume"].(map[string]any)["group_id"] != g1 {
			t.Errorf("created volume: %v", out)
		}
		vols = append(vols, idOf(out, "volume"))
	}
	for _, v := range vols {
		s.waitFor("/volumes/"+v, "volume", "3.13", "available")
	}
	if v := s.must(200, "GET", "/volumes/"+vols[0], "3.12", nil)["volume"].(map[string]any); v["group_id"] != nil {
		if _, ok := v["group_id"]; ok {
			t.Errorf("group_id at 3.12: %v", v)
		}
	}
	if l := s.must(200, "GET", "/volumes?group_id="+g1, "3.10", nil)["volumes"].([]any); len(l) != 2 {
		t.Errorf("volumes of the group: %v", l)
	}
	msg := "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
	if out := s.must(400, "DELETE", "/volumes/"+vols[0], "3.13", nil); message(out) != msg {
		t.Errorf("delete a volume of a group: %v", out)
	}
	if out := s.must(400, "POST", "/volumes/"+vols[0]+"/action", "3.13", map[string]any{"os-retype": map[string]any{"new_type": "__DEFAULT__"}}); !strings.HasPrefix(message(out), "Invalid volume: Retype needs volume") {
		t.Errorf("retype a volume of a group: %v", out)
	}
	// Remove and add back.
	s.must(202, "PUT", "/groups/"+g1, "3.13", map[string]any{"group": map[string]any{"remove_volumes": vols[1], "description": "two"}})
	if l := s.must(200, "GET", "/volumes?group_id="+g1, "3.10", nil)["volumes"].([]any); len(l) != 1 {
		t.Errorf("after remove: %v", l)
	}
	if out := s.must(400, "PUT", "/groups/"+g1, "3.13", map[string]any{"group": map[string]any{"add_volumes": vols[1], "remove_volumes": vols[1]}}); message(out) != "Invalid volume: UUIDs ['"+vols[1]+"'] are in both add and remove volume list." {
		t.Errorf("both lists: %v", out)
	}
	s.must(202, "PUT", "/groups/"+g1, "3.13", map[string]any{"group": map[string]any{"add_volumes": vols[1] + ","}})
	g = s.must(200, "GET", "/groups/"+g1+"?list_volume=true", "3.25", nil)["group"].(map[string]any)
	if g["description"] != "two" || g["status"] != "available" || len(g["volumes"].([]any)) != 2 {
		t.Errorf("after add: %v", g)
	}
	if out := s.must(400, "PUT", "/groups/"+g1, "3.13", map[string]any{"group": map[string]any{"name": "g1"}}); !strings.Contains(message(out), "because no valid name, description, add_volumes, or remove_volumes were provided.") {
		t.Errorf("no change: %v", out)
	}

	// A group snapshot: one snapshot of each volume.
	out = s.must(202, "POST", "/group_snapshots", "3.14", map[string]any{"group_snapshot": map[string]any{"group_id": g1, "name": "gs1"}})
	gs := idOf(out, "group_snapshot")
	if out["group_snapshot"].(map[string]any)["group_type_id"] != gt {
		t.Errorf("group snapshot answer: %v", out)
	}
	memberSnaps := func() []any {
		var l []any
		for _, x := range s.must(200, "GET", "/snapshots/detail", "3.14", nil)["snapshots"].([]any) {
			if x.(map[string]any)["group_snapshot_id"] == gs {
				l = append(l, x)
			}
		}
		return l
	}
	gsv := s.settledOnce("/group_snapshots/"+gs, "group_snapshot", "3.14", "available", func() bool {
		return allStatus(memberSnaps(), 2, "available")
	})
	if gsv["group_id"] != g1 || gsv["name"] != "gs1" {
		t.Errorf("group snapshot: %v", gsv)
	}
	var snaps []string
	for _, x := range s.must(200, "GET", "/snapshots/detail", "3.14", nil)["snapshots"].([]any) {
		sn := x.(map[string]any)
		if sn["group_snapshot_id"] == gs {
			snaps = append(snaps, sn["id"].(string))
			if sn["status"] != "available" || sn["name"] != "gs1" {
				t.Errorf("member snapshot: %v", sn)
			}
		}
	}
	if len(snaps) != 2 {
		t.Fatalf("member snapshots: %v", snaps)
	}
	if out := s.must(400, "DELETE", "/snapshots/"+snaps[0], "3.14", nil); message(out) != "Invalid snapshot: Snapshot status must be available or error and must not be part of a group." {
		t.Errorf("delete a member snapshot: %v", out)
	}
	if out := s.must(400, "POST", "/groups/"+g1+"/action", "3.14", map[string]any{"delete": map[string]any{"delete-volumes": true}}); message(out) != "Invalid Group: Group has existing snapshots." {
		t.Errorf("delete with a group snapshot: %v", out)
	}

	// Groups from the group snapshot and from the group.
	for _, src := range []map[string]any{{"group_snapshot_id": gs}, {"source_group_id": g1}} {
		src["name"] = "copy"
		out := s.must(202, "POST", "/groups/action", "3.14", map[string]any{"create-from-src": src})
		g2 := idOf(out, "group")
		groups = append(groups, g2)
		g := s.settledOnce("/groups/"+g2, "group", "3.14", "available", func() bool {
			return allStatus(s.must(200, "GET", "/volumes/detail?group_id="+g2, "3.14", nil)["volumes"].([]any), 2, "available")
		})
		if g["group_type"] != gt || fmt.Sprint(g["volume_types"]) != "["+vt+"]" || g["group_snapshot_id"] != src["group_snapshot_id"] || g["source_group_id"] != src["source_group_id"] {
			t.Errorf("group from %v: %v", src, g)
		}
		members := s.must(200, "GET", "/volumes/detail?group_id="+g2, "3.14", nil)["volumes"].([]any)
		if len(members) != 2 {
			t.Fatalf("volumes of the group from %v: %v", src, members)
		}
		for _, x := range members {
			v := x.(map[string]any)
			from := v["snapshot_id"]
			if src["source_group_id"] != nil {
				from = v["source_volid"]
			}
			if v["status"] != "available" || from == nil || v["volume_type"] != "gvt-"+sfx {
				t.Errorf("member of the group from %v: %v", src, v)
			}
		}
	}

	// reset_status (3.20 / 3.19).
	if out := s.must(400, "POST", "/groups/"+g1+"/action", "3.20", map[string]any{"reset_status": map[string]any{"status": "in-use"}}); message(out) != "Invalid Group Status: Group status: in-use is invalid, valid status are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'in-use', 'error_deleting')." {
		t.Errorf("reset to in-use: %v", out)
	}
	if code, _ := s.do("POST", "/groups/"+g1+"/action", "3.19", map[string]any{"reset_status": map[string]any{"status": "error"}}); code != 400 {
		t.Errorf("group reset_status at 3.19: %d", code)
	}
	for _, st := range []string{"creating", "error", "available"} {
		s.must(202, "POST", "/groups/"+g1+"/action", "3.20", map[string]any{"reset_status": map[string]any{"status": st}})
		s.waitFor("/groups/"+g1, "group", "3.20", st)
		s.must(202, "POST", "/group_snapshots/"+gs+"/action", "3.19", map[string]any{"reset_status": map[string]any{"status": st}})
		s.waitFor("/group_snapshots/"+gs, "group_snapshot", "3.19", st)
	}

	// Deletes: the group snapshot with its snapshots, then the groups
	// with their volumes.
	s.must(202, "DELETE", "/group_snapshots/"+gs, "3.14", nil)
	s.settledOnce("/group_snapshots/"+gs, "group_snapshot", "3.14", "", func() bool { return len(memberSnaps()) == 0 })
	if out := s.must(400, "POST", "/groups/"+g1+"/action", "3.13", map[string]any{"delete": map[string]any{}}); !strings.Contains(message(out), "still contains volumes. The delete-volumes flag is required to delete it.") {
		t.Errorf("delete without delete-volumes: %v", out)
	}
	for _, g := range groups {
		s.must(202, "POST", "/groups/"+g+"/action", "3.13", map[string]any{"delete": map[string]any{"delete-volumes": true}})
	}
	for _, g := range groups {
		s.settledOnce("/groups/"+g, "group", "3.13", "", func() bool {
			return len(s.must(200, "GET", "/volumes/detail?group_id="+g, "3.14", nil)["volumes"].([]any)) == 0
		})
	}
	for _, v := range vols {
		s.waitFor("/volumes/"+v, "volume", "3.13", "")
	}
	if l := s.must(200, "GET", "/groups/detail", "3.13", nil)["groups"].([]any); len(l) != 0 {
		t.Errorf("groups left: %v", l)
	}
	s.must(202, "DELETE", "/group_types/"+gt, "3.11", nil)
}

// TestGroupErrors: the refusals of cinder's group API.
func TestGroupErrors(t *testing.T) {
	s := adminSession(t)
	zero := "0d1f6f3c-7b55-4c1e-9a43-3b5d5a3b0f11"
	cases := []struct {
		method, path, mv string
		body             any
		code             int
		msg              string
	}{
		{"GET", "/groups/" + zero, "3.13", nil, 404, "Group " + zero + " could not be found."},
		{"GET", "/group_snapshots/" + zero, "3.14", nil, 404, "GroupSnapshot " + zero + " could not be found."},
		{"GET", "/group_types/" + zero, "3.11", nil, 404, "Group type " + zero + " could not be found."},
		{"POST", "/groups", "3.13", map[string]any{"group": map[string]any{"group_type": "nope", "volume_types": []string{"__DEFAULT__"}}}, 404, "Group type with name nope could not be found."},
		{"POST", "/groups", "3.13", map[string]any{"group": map[string]any{"group_type": "default_cgsnapshot_type", "volume_types": []string{"nope"}}}, 400, ""},
		{"POST", "/groups", "3.13", map[string]any{"group": map[string]any{"group_type": "x"}}, 400, "Invalid input for field/attribute group. Value: {'group_type': 'x'}. 'volume_types' is a required property"},
		{"PUT", "/groups/" + zero, "3.13", map[string]any{"group": map[string]any{}}, 400, "Invalid input for field/attribute group. Value: {}. {} is not valid under any of the given schemas"},
		{"POST", "/groups/action", "3.14", map[string]any{"create-from-src": map[string]any{"source_group_id": zero}}, 404, "Group " + zero + " could not be found."},
		{"POST", "/groups/" + zero + "/action", "3.20", map[string]any{"reset_status": map[string]any{"status": ""}}, 400, "Invalid Group Status: The 'status' can not be empty."},
		{"POST", "/group_snapshots/" + zero + "/action", "3.19", map[string]any{"reset_status": map[string]any{"status": "bogus"}}, 400, "Invalid GroupSnapshot Status: Group snapshot status: bogus is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting')."},
		{"POST", "/group_snapshots", "3.14", map[string]any{"group_snapshot": map[string]any{"group_id": zero}}, 404, "Group " + zero + " could not be found."},
	}
	for _, c := range cases {
		code, out := s.do(c.method, c.path, c.mv, c.body)
		if code != c.code || (c.msg != "" && message(out) != c.msg) {
			b, _ := json.Marshal(c.body)
			t.Errorf("%s %s %s: %d %v, want %d %q", c.method, c.path, b, code, out, c.code, c.msg)
		}
	}
}
