package api_test

import (
	"strings"
	"testing"
	"time"
)

func TestDiscovery(t *testing.T) {
	c := newCloud(t)
	r := c.must(c.do("GET", "/", nil), 300)
	values := get(r.body, "versions", "values").([]any)
	if len(values) != 1 || get(values[0], "id") != "v3.14" || get(values[0], "status") != "stable" {
		t.Fatalf("root document: %s", r.raw)
	}
	for _, p := range []string{"/v3", "/v3/"} {
		r = c.must(c.do("GET", p, nil), 200)
		if href := get(get(r.body, "version", "links").([]any)[0], "href"); href != c.srv.URL+"/v3/" {
			t.Fatalf("%s self href %v", p, href)
		}
	}
}

func TestPasswordAuthScopes(t *testing.T) {
	c := newCloud(t)
	tests := []struct {
		name  string
		scope any
		check func(t *testing.T, r response)
	}{
		{"project by name", projectScope("admin"), func(t *testing.T, r response) {
			if get(r.body, "token", "project", "name") != "admin" || get(r.body, "token", "is_domain") != false {
				t.Errorf("project scope: %s", r.raw)
			}
			eps := get(r.body, "token", "catalog").([]any)[0].(map[string]any)["endpoints"].([]any)
			if get(eps[0], "region") != "RegionOne" || get(eps[0], "region_id") != "RegionOne" {
				t.Errorf("catalog endpoint: %v", eps[0])
			}
			names := map[string]bool{}
			for _, ro := range get(r.body, "token", "roles").([]any) {
				names[get(ro, "name").(string)] = true
			}
			if !names["admin"] || !names["member"] || !names["reader"] {
				t.Errorf("implied roles missing: %v", names)
			}
		}},
		{"project by id", map[string]any{"project": map[string]any{"id": c.boot.ProjectID}}, func(t *testing.T, r response) {
			if get(r.body, "token", "project", "id") != c.boot.ProjectID {
				t.Errorf("project id scope: %s", r.raw)
			}
		}},
		{"domain", map[string]any{"domain": map[string]any{"name": "Default"}}, nil},
		{"system", map[string]any{"system": map[string]any{"all": true}}, func(t *testing.T, r response) {
			if get(r.body, "token", "system", "all") != true {
				t.Errorf("system scope: %s", r.raw)
			}
		}},
		{"unscoped string", "unscoped", func(t *testing.T, r response) {
			if get(r.body, "token", "project") != nil || get(r.body, "token", "catalog") != nil || get(r.body, "token", "roles") != nil {
				t.Errorf("unscoped token: %s", r.raw)
			}
		}},
	}
	// The admin needs a role on the default domain for a domain token.
	c.must(c.as(c.admin, "PUT", "/v3/domains/default/users/"+c.boot.UserID+"/roles/"+c.boot.AdminRoleID, nil), 204)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(c.do("POST", "/v3/auth/tokens", passwordAuth("admin", adminPassword, tt.scope)), 201)
			if r.header.Get("X-Subject-Token") == "" {
				t.Fatal("no X-Subject-Token")
			}
			if get(r.body, "token", "user", "domain", "name") != "Default" || !strings.HasSuffix(get(r.body, "token", "expires_at").(string), "Z") {
				t.Errorf("token: %s", r.raw)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	// By user id, and ?nocatalog.
	body := map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"password"},
		"password": map[string]any{"user": map[string]any{"id": c.boot.UserID, "password": adminPassword}}}, "scope": projectScope("admin")}}
	r := c.must(c.do("POST", "/v3/auth/tokens?nocatalog", body), 201)
	if get(r.body, "token", "catalog") != nil {
		t.Errorf("nocatalog: %s", r.raw)
	}
}

func TestTokenMethodRescope(t *testing.T) {
	c := newCloud(t)
	unscoped := c.passwordToken("admin", adminPassword, "unscoped")
	body := map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"token"}, "token": map[string]any{"id": unscoped}},
		"scope": map[string]any{"project": map[string]any{"id": c.boot.ProjectID}}}}
	r := c.must(c.do("POST", "/v3/auth/tokens", body, "X-Auth-Token", unscoped), 201)
	if m := get(r.body, "token", "methods").([]any); len(m) != 2 {
		t.Errorf("methods %v", m)
	}
	if ids := get(r.body, "token", "audit_ids").([]any); len(ids) != 2 {
		t.Errorf("audit_ids %v", ids)
	}
}

func TestAuthFailures(t *testing.T) {
	c := newCloud(t)
	userID, projectID := c.makeUser("alice", "member")
	wrong := c.do("POST", "/v3/auth/tokens", passwordAuth("alice", "nope", nil))
	unknown := c.do("POST", "/v3/auth/tokens", passwordAuth("nobody", "nope", nil))
	for _, r := range []response{wrong, unknown} {
		if r.status != 401 || errMessage(r) != "The request you have made requires authentication." {
			t.Errorf("bad credentials: %d %s", r.status, r.raw)
		}
	}
	// Malformed bodies name the field.
	for body, want := range map[string]string{
		`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "alice", "domain": {"id": "default"}, "password": 42}}}}}`: "Invalid input for field 'identity/password/user/password': 42 is not of type 'string'",
		`{"auth": {"identity": {}}}`: "Invalid input for field 'identity': 'methods' is a required property",
		`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"password": "x"}}}}}`: "Invalid input for field identity/password/user: id or name must be present.",
		`{"auth": `: "Expecting to find valid JSON in request body.",
	} {
		r := c.do("POST", "/v3/auth/tokens", body)
		if r.status != 400 || !strings.HasPrefix(errMessage(r), want) {
			t.Errorf("%s: %d %s, want %q", body, r.status, r.raw, want)
		}
	}
	// A disabled project refuses new tokens and invalidates old ones.
	tok := c.passwordToken("alice", "pw-alice", projectScope("alice-project"))
	c.must(c.as(c.admin, "PATCH", "/v3/projects/"+projectID, map[string]any{"project": map[string]any{"enabled": false}}), 200)
	c.must(c.do("POST", "/v3/auth/tokens", passwordAuth("alice", "pw-alice", projectScope("alice-project"))), 401)
	c.must(c.as(c.admin, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 404)
	c.must(c.as(c.admin, "PATCH", "/v3/projects/"+projectID, map[string]any{"project": map[string]any{"enabled": true}}), 200)
	c.must(c.as(c.admin, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 200)
	// A disabled user.
	c.must(c.as(c.admin, "PATCH", "/v3/users/"+userID, map[string]any{"user": map[string]any{"enabled": false}}), 200)
	r := c.do("POST", "/v3/auth/tokens", passwordAuth("alice", "pw-alice", nil))
	if r.status != 401 {
		t.Errorf("disabled user: %d %s", r.status, r.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 404)
}

func TestRevocation(t *testing.T) {
	c := newCloud(t)
	check := func(tok string, want int) {
		t.Helper()
		c.must(c.as(c.admin, "HEAD", "/v3/auth/tokens", nil, "X-Subject-Token", tok), want)
	}
	userID, projectID := c.makeUser("bob", "member")
	login := func() string { return c.passwordToken("bob", "pw-bob", projectScope("bob-project")) }

	t.Run("explicit", func(t *testing.T) {
		tok := login()
		c.must(c.as(c.admin, "DELETE", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 204)
		check(tok, 404)
		check(login(), 200)
	})
	t.Run("password change", func(t *testing.T) {
		tok := login()
		c.must(c.do("POST", "/v3/users/"+userID+"/password", map[string]any{"user": map[string]any{"original_password": "pw-bob", "password": "pw-bob"}}), 204)
		check(tok, 404)
		check(login(), 200)
	})
	t.Run("role assignment removed", func(t *testing.T) {
		tok := login()
		roles := c.must(c.as(c.admin, "GET", "/v3/roles?name=member", nil), 200)
		roleID := get(roles.body, "roles").([]any)[0].(map[string]any)["id"].(string)
		c.must(c.as(c.admin, "DELETE", "/v3/projects/"+projectID+"/users/"+userID+"/roles/"+roleID, nil), 204)
		check(tok, 404)
		c.must(c.as(c.admin, "PUT", "/v3/projects/"+projectID+"/users/"+userID+"/roles/"+roleID, nil), 204)
	})
	t.Run("expiry", func(t *testing.T) {
		tok := login()
		c.skew.Store(int64(2 * time.Hour))
		c.admin = c.passwordToken("admin", adminPassword, projectScope("admin"))
		check(tok, 404)
		c.skew.Store(0)
		c.admin = c.passwordToken("admin", adminPassword, projectScope("admin"))
	})
	t.Run("project deleted", func(t *testing.T) {
		tok := login()
		c.must(c.as(c.admin, "DELETE", "/v3/projects/"+projectID, nil), 204)
		check(tok, 404)
	})
	t.Run("user deleted", func(t *testing.T) {
		tok := c.passwordToken("bob", "pw-bob", "unscoped")
		c.must(c.as(c.admin, "DELETE", "/v3/users/"+userID, nil), 204)
		check(tok, 404)
	})
}
