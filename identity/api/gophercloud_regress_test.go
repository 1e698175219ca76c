package api_test

import (
	"sort"
	"testing"
)

// Regression tests for the failures gophercloud's identity acceptance
// tests found (api-ref/CONFORMANCE.md, "gophercloud acceptance").

// names lists the "name" of every member of the list under key.
func names(body any, key string) []string {
	var out []string
	for _, x := range get(body, key).([]any) {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	sort.Strings(out)
	return out
}

func sameNames(got []string, want ...string) bool {
	sort.Strings(want)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Keystone's inexact filters (name__contains, name__istartswith, ...) on
// the users, groups, projects, roles and domains lists were ignored: every
// entity came back (gophercloud TestUsersList, TestGroupCRUD,
// TestProjectsList, TestRolesFilterList).
func TestListInexactNameFilters(t *testing.T) {
	c := newCloud(t)
	for _, n := range []string{"AlphaOne", "alphatwo", "beta"} {
		c.must(c.as(c.admin, "POST", "/v3/groups", map[string]any{"group": map[string]any{"name": n}}), 201)
		c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": n}}), 201)
		c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": map[string]any{"name": n}}), 201)
		c.must(c.as(c.admin, "POST", "/v3/users", map[string]any{"user": map[string]any{"name": n}}), 201)
		c.must(c.as(c.admin, "POST", "/v3/domains", map[string]any{"domain": map[string]any{"name": "dom-" + n}}), 201)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"name__contains=lpha", []string{"AlphaOne", "alphatwo"}},
		{"name__contains=alpha", []string{"alphatwo"}},
		{"name__icontains=ALPHA", []string{"AlphaOne", "alphatwo"}},
		{"name__startswith=Alpha", []string{"AlphaOne"}},
		{"name__istartswith=alpha", []string{"AlphaOne", "alphatwo"}},
		{"name__endswith=eta", []string{"beta"}},
		{"name__iendswith=ONE", []string{"AlphaOne"}},
		{"name__contains=foo", nil},
		{"name__contains=lpha&name__endswith=two", []string{"alphatwo"}},
	} {
		for _, coll := range []string{"groups", "projects", "roles", "users"} {
			r := c.must(c.as(c.admin, "GET", "/v3/"+coll+"?"+tc.query, nil), 200)
			if got := names(r.body, coll); !sameNames(got, tc.want...) {
				t.Errorf("%s?%s: %v, want %v", coll, tc.query, got, tc.want)
			}
		}
	}
	r := c.must(c.as(c.admin, "GET", "/v3/domains?name__startswith=dom-alpha", nil), 200)
	if got := names(r.body, "domains"); !sameNames(got, "dom-alphatwo") {
		t.Errorf("domains?name__startswith=dom-alpha: %v", got)
	}
	// An operator keystone does not know filters nothing.
	r = c.must(c.as(c.admin, "GET", "/v3/groups?name__like=x", nil), 200)
	if got := names(r.body, "groups"); !sameNames(got, "AlphaOne", "alphatwo", "beta") {
		t.Errorf("groups?name__like=x: %v", got)
	}
}

// not-tags and not-tags-any were ignored on GET /v3/projects (gophercloud
// TestProjectsTags).
func TestListProjectsNotTags(t *testing.T) {
	c := newCloud(t)
	for n, tags := range map[string][]string{"t12": {"Tag1", "Tag2"}, "t123": {"Tag1", "Tag2", "Tag3"}, "t3": {"Tag3"}, "none": {}} {
		c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": n, "tags": tags}}), 201)
	}
	has := func(query string, want ...string) {
		t.Helper()
		r := c.must(c.as(c.admin, "GET", "/v3/projects?"+query, nil), 200)
		got := map[string]bool{}
		for _, n := range names(r.body, "projects") {
			got[n] = true
		}
		for _, n := range []string{"t12", "t123", "t3", "none"} {
			wanted := false
			for _, w := range want {
				wanted = wanted || w == n
			}
			if got[n] != wanted {
				t.Errorf("projects?%s: %s listed %v, want %v", query, n, got[n], wanted)
			}
		}
	}
	has("not-tags=Tag1,Tag2", "t3", "none")
	has("not-tags=Tag1,Tag2,Tag3", "t12", "t3", "none")
	has("not-tags-any=Tag1", "t3", "none")
	has("not-tags-any=Tag2,Tag3", "none")
	has("tags-any=Tag3&not-tags=Tag1", "t3")
}

// GET /v3/role_assignments?scope.project.id=DOMAIN&include_subtree=true
// answered 404: keystone takes a domain for a project acting as a domain,
// whose subtree is every project of the domain (gophercloud
// TestRoleListAssignmentIncludeNamesAndSubtree).
func TestRoleAssignmentsSubtreeOfDomain(t *testing.T) {
	c := newCloud(t)
	p := c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": "in-default"}}), 201)
	pid := get(p.body, "project", "id").(string)
	ro := c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": map[string]any{"name": "sub-role"}}), 201)
	rid := get(ro.body, "role", "id").(string)
	u := c.must(c.as(c.admin, "POST", "/v3/users", map[string]any{"user": map[string]any{"name": "sub-user"}}), 201)
	uid := get(u.body, "user", "id").(string)
	c.must(c.as(c.admin, "PUT", "/v3/projects/"+pid+"/users/"+uid+"/roles/"+rid, nil), 204)

	r := c.must(c.as(c.admin, "GET", "/v3/role_assignments?include_names=true&include_subtree=true&scope.project.id=default&user.id="+uid, nil), 200)
	as := get(r.body, "role_assignments").([]any)
	if len(as) != 1 || get(as[0], "scope", "project", "id") != pid || get(as[0], "role", "name") != "sub-role" {
		t.Errorf("assignments in the default domain's tree: %s", r.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/role_assignments?include_subtree=true&scope.project.id=nothing", nil), 404)
}
