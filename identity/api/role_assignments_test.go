package api_test

import (
	"sort"
	"strings"
	"testing"
)

// GET /v3/role_assignments?include_subtree lists the assignments on
// scope.project.id and on every project below it (keystone's
// list_role_assignments_for_tree), alone or with effective and
// include_names; without scope.project.id it is 400.
func TestRoleAssignmentsIncludeSubtree(t *testing.T) {
	c := newCloud(t)
	project := func(name, parent string) string {
		body := map[string]any{"name": name}
		if parent != "" {
			body["parent_id"] = parent
		}
		r := c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": body}), 201)
		return get(r.body, "project", "id").(string)
	}
	roleID := func(name string) string {
		r := c.must(c.as(c.admin, "GET", "/v3/roles?name="+name, nil), 200)
		return get(r.body, "roles").([]any)[0].(map[string]any)["id"].(string)
	}
	user := func(name string) string {
		r := c.must(c.as(c.admin, "POST", "/v3/users", map[string]any{"user": map[string]any{"name": name, "password": "pw-" + name}}), 201)
		return get(r.body, "user", "id").(string)
	}
	parent := project("tree-parent", "")
	child := project("tree-child", parent)
	grandchild := project("tree-grandchild", child)
	other := project("tree-other", "")
	reader, member, admin := roleID("reader"), roleID("member"), roleID("admin")
	alice, bob, carl := user("alice"), user("bob"), user("carl")
	grant := func(project, user, role string) {
		c.must(c.as(c.admin, "PUT", "/v3/projects/"+project+"/users/"+user+"/roles/"+role, nil), 204)
	}
	grant(parent, alice, member)
	grant(child, bob, reader)
	grant(grandchild, carl, admin)
	grant(other, alice, admin)

	// list returns the sorted "user/project/role" of each assignment.
	names := map[string]string{parent: "parent", child: "child", grandchild: "grandchild", other: "other",
		alice: "alice", bob: "bob", carl: "carl", reader: "reader", member: "member", admin: "admin"}
	list := func(query string) ([]string, response) {
		t.Helper()
		r := c.must(c.as(c.admin, "GET", "/v3/role_assignments?"+query, nil), 200)
		var out []string
		for _, ra := range get(r.body, "role_assignments").([]any) {
			u, _ := get(ra, "user", "id").(string)
			p, _ := get(ra, "scope", "project", "id").(string)
			ro, _ := get(ra, "role", "id").(string)
			out = append(out, names[u]+"/"+names[p]+"/"+names[ro])
		}
		sort.Strings(out)
		return out, r
	}
	check := func(query string, want ...string) response {
		t.Helper()
		got, r := list(query)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: got %v, want %v", query, got, want)
		}
		return r
	}

	check("scope.project.id="+parent, "alice/parent/member")
	check("scope.project.id="+parent+"&include_subtree=True",
		"alice/parent/member", "bob/child/reader", "carl/grandchild/admin")
	check("scope.project.id="+child+"&include_subtree", "bob/child/reader", "carl/grandchild/admin")
	check("scope.project.id="+grandchild+"&include_subtree=1", "carl/grandchild/admin")
	check("scope.project.id="+parent+"&include_subtree=0", "alice/parent/member")
	check("scope.project.id="+parent+"&include_subtree=True&user.id="+bob, "bob/child/reader")
	check("scope.project.id="+parent+"&include_subtree=True&role.id="+admin, "carl/grandchild/admin")

	// Effective: implied roles are added (admin > member > reader).
	check("scope.project.id="+parent+"&include_subtree=True&effective",
		"alice/parent/member", "alice/parent/reader", "bob/child/reader",
		"carl/grandchild/admin", "carl/grandchild/member", "carl/grandchild/reader")

	// An inherited assignment on the parent is listed as such without
	// effective, and applies to the projects below it with effective.
	c.must(c.as(c.admin, "PUT", "/v3/OS-INHERIT/projects/"+parent+"/users/"+bob+"/roles/"+admin+"/inherited_to_projects", nil), 204)
	r := check("scope.project.id="+parent+"&include_subtree=True",
		"alice/parent/member", "bob/child/reader", "bob/parent/admin", "carl/grandchild/admin")
	inherited := 0
	for _, ra := range get(r.body, "role_assignments").([]any) {
		if get(ra, "scope", "OS-INHERIT:inherited_to") == "projects" {
			inherited++
		}
	}
	if inherited != 1 {
		t.Errorf("inherited assignments: %d, want 1: %s", inherited, r.raw)
	}
	// (bob's reader on the child is listed twice, directly and as implied
	// by the inherited admin, as in keystone.)
	check("scope.project.id="+child+"&include_subtree=True&effective&user.id="+bob,
		"bob/child/admin", "bob/child/member", "bob/child/reader", "bob/child/reader",
		"bob/grandchild/admin", "bob/grandchild/member", "bob/grandchild/reader")

	// With names.
	_, r = list("scope.project.id=" + parent + "&include_subtree=True&effective&include_names=True&user.id=" + carl)
	ras := get(r.body, "role_assignments").([]any)
	if len(ras) != 3 {
		t.Fatalf("carl's effective assignments: %s", r.raw)
	}
	for _, ra := range ras {
		if get(ra, "user", "name") != "carl" || get(ra, "scope", "project", "name") != "tree-grandchild" ||
			get(ra, "scope", "project", "domain", "name") != "Default" || get(ra, "role", "name") == nil {
			t.Errorf("named assignment: %v", ra)
		}
	}

	// Without scope.project.id, and with a project that does not exist.
	r = c.must(c.as(c.admin, "GET", "/v3/role_assignments?include_subtree=True", nil), 400)
	if errMessage(r) != "scope.project.id must be specified if include_subtree is also specified" || get(r.body, "error", "title") != "Bad Request" {
		t.Errorf("400: %s", r.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/role_assignments?include_subtree=True&user.id="+alice, nil), 400)
	c.must(c.as(c.admin, "GET", "/v3/role_assignments?include_subtree=True&scope.project.id=nope", nil), 404)

	// identity:list_role_assignments_for_tree (identity/policy's tests
	// cover it under enforce_new_defaults): a project admin may list its
	// tree, a reader may not.
	atok := c.passwordToken("carl", "pw-carl", projectScope("tree-grandchild"))
	c.must(c.as(atok, "GET", "/v3/role_assignments?include_subtree=True&scope.project.id="+grandchild, nil), 200)
	_, own := c.makeUser("dave", "reader")
	rtok := c.passwordToken("dave", "pw-dave", projectScope("dave-project"))
	r = c.must(c.as(rtok, "GET", "/v3/role_assignments?include_subtree=True&scope.project.id="+own, nil), 403)
	if errMessage(r) != "You are not authorized to perform the requested action: identity:list_role_assignments_for_tree." {
		t.Errorf("403: %s", r.raw)
	}
}

// HEAD is answered wherever GET is, as keystone's Flask resources do
// (api-ref: "GET/HEAD /v3/role_assignments").
func TestHeadAnsweredLikeGet(t *testing.T) {
	c := newCloud(t)
	for _, path := range []string{"/v3/role_assignments", "/v3/role_assignments?include_subtree=True&scope.project.id=" + c.boot.ProjectID,
		"/v3/projects", "/v3/users/" + c.boot.UserID, "/v3/auth/catalog"} {
		r := c.as(c.admin, "HEAD", path, nil)
		if r.status != 200 || r.raw != "" {
			t.Errorf("HEAD %s: %d %q", path, r.status, r.raw)
		}
	}
	c.must(c.as(c.admin, "HEAD", "/v3/role_assignments?include_subtree=True", nil), 400)
	c.must(c.as(c.admin, "HEAD", "/v3/projects/nope", nil), 404)
	c.must(c.as(c.admin, "HEAD", "/v3/auth/tokens", nil, "X-Subject-Token", c.admin), 200)
	r := c.must(c.as(c.admin, "PATCH", "/v3/role_assignments", nil), 405)
	if r.header.Get("Allow") == "" {
		t.Errorf("405 without Allow: %v", r.header)
	}
}
