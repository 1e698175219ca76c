package api_test

import (
	"testing"
)

func TestProjectCRUD(t *testing.T) {
	c := newCloud(t)
	r := c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": "demo", "enabled": true, "options": map[string]any{}, "tags": []any{}}}), 201)
	id := get(r.body, "project", "id").(string)
	if get(r.body, "project", "links", "self") != c.srv.URL+"/v3/projects/"+id || get(r.body, "project", "parent_id") != "default" {
		t.Errorf("project: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": "demo"}}), 409)
	if errMessage(r) != "Conflict occurred attempting to store project - Duplicate entry found with name demo at domain ID default." {
		t.Errorf("conflict message: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/projects?name=demo", nil), 200)
	if l := get(r.body, "projects").([]any); len(l) != 1 || get(r.body, "links", "next") != nil {
		t.Errorf("filtered list: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/projects/demo", nil), 404)
	if errMessage(r) != "Could not find project: demo." {
		t.Errorf("404 message: %s", r.raw)
	}
	c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": 5}}), 400)
	c.must(c.as(c.admin, "DELETE", "/v3/projects/"+id, nil), 204)
	c.must(c.as(c.admin, "DELETE", "/v3/projects/"+id, nil), 404)
}

func TestUsersRolesAssignments(t *testing.T) {
	c := newCloud(t)
	userID, projectID := c.makeUser("carol", "reader")
	r := c.must(c.as(c.admin, "GET", "/v3/role_assignments?scope.project.id="+projectID+"&include_names=True", nil), 200)
	ras := get(r.body, "role_assignments").([]any)
	if len(ras) != 1 || get(ras[0], "user", "name") != "carol" || get(ras[0], "scope", "project", "domain", "name") != "Default" || get(ras[0], "role", "name") != "reader" {
		t.Fatalf("assignments: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/role_assignments?user.id="+c.boot.UserID+"&effective", nil), 200)
	if n := len(get(r.body, "role_assignments").([]any)); n != 6 {
		t.Errorf("effective assignments of admin: %d, want 6 (3 roles on project and system): %s", n, r.raw)
	}
	// A reader may not create users, and sees itself but not others.
	tok := c.passwordToken("carol", "pw-carol", projectScope("carol-project"))
	c.must(c.as(tok, "POST", "/v3/users", map[string]any{"user": map[string]any{"name": "x"}}), 403)
	c.must(c.as(tok, "GET", "/v3/users/"+userID, nil), 200)
	c.must(c.as(tok, "GET", "/v3/users/"+c.boot.UserID, nil), 403)
	r = c.must(c.as(tok, "GET", "/v3/auth/projects", nil), 200)
	if l := get(r.body, "projects").([]any); len(l) != 1 || get(l[0], "id") != projectID {
		t.Errorf("auth/projects: %s", r.raw)
	}
	// Groups and membership.
	g := c.must(c.as(c.admin, "POST", "/v3/groups", map[string]any{"group": map[string]any{"name": "ops"}}), 201)
	gid := get(g.body, "group", "id").(string)
	c.must(c.as(c.admin, "PUT", "/v3/groups/"+gid+"/users/"+userID, nil), 204)
	c.must(c.as(c.admin, "HEAD", "/v3/groups/"+gid+"/users/"+userID, nil), 204)
	r = c.must(c.as(c.admin, "GET", "/v3/users/"+userID+"/groups", nil), 200)
	if len(get(r.body, "groups").([]any)) != 1 {
		t.Errorf("user groups: %s", r.raw)
	}
	c.must(c.as(c.admin, "DELETE", "/v3/groups/"+gid+"/users/"+userID, nil), 204)
	c.must(c.as(c.admin, "HEAD", "/v3/groups/"+gid+"/users/"+userID, nil), 404)
	// Roles: 409 on duplicates.
	r = c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": map[string]any{"name": "reader"}}), 409)
	if errMessage(r) != "Conflict occurred attempting to store role - Duplicate entry found with name reader." {
		t.Errorf("role conflict: %s", r.raw)
	}
	// Limits answer.
	c.must(c.as(c.admin, "GET", "/v3/limits", nil), 200)
	c.must(c.as(c.admin, "GET", "/v3/registered_limits", nil), 200)
}
