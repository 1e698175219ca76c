package api_test

import (
	"strings"
	"testing"
)

// TestValidationCacheSeesRevocationAtOnce pins that caching validations
// did not delay revocation: each token is validated (so cached, both as a
// subject token and as the caller's own X-Auth-Token) right before the
// write that revokes it, and the very next request refuses it.
func TestValidationCacheSeesRevocationAtOnce(t *testing.T) {
	c := newCloud(t)
	userID, projectID := c.makeUser("carol", "member")
	login := func() string { return c.passwordToken("carol", "pw-carol", projectScope("carol-project")) }
	prime := func(tok string) {
		t.Helper()
		for i := 0; i < 3; i++ {
			c.must(c.as(c.admin, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 200)
			c.must(c.as(tok, "GET", "/v3/auth/projects", nil), 200)
		}
	}
	refused := func(tok string) {
		t.Helper()
		c.must(c.as(c.admin, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 404)
		c.must(c.as(tok, "GET", "/v3/auth/projects", nil), 401)
	}
	roles := c.must(c.as(c.admin, "GET", "/v3/roles?name=member", nil), 200)
	memberID := get(roles.body, "roles").([]any)[0].(map[string]any)["id"].(string)
	grant := "/v3/projects/" + projectID + "/users/" + userID + "/roles/" + memberID

	t.Run("explicit revoke", func(t *testing.T) {
		tok, other := login(), login()
		prime(tok)
		prime(other)
		c.must(c.as(c.admin, "DELETE", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 204)
		refused(tok)
		prime(other) // only the revoked token goes
	})
	t.Run("self revoke", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(tok, "DELETE", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 204)
		refused(tok)
	})
	t.Run("user disabled", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(c.admin, "PATCH", "/v3/users/"+userID, map[string]any{"user": map[string]any{"enabled": false}}), 200)
		refused(tok)
		c.must(c.as(c.admin, "PATCH", "/v3/users/"+userID, map[string]any{"user": map[string]any{"enabled": true}}), 200)
	})
	t.Run("password changed", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(tok, "POST", "/v3/users/"+userID+"/password", map[string]any{"user": map[string]any{"original_password": "pw-carol", "password": "pw-carol"}}), 204)
		refused(tok)
	})
	t.Run("role removed", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(c.admin, "DELETE", grant, nil), 204)
		refused(tok)
		c.must(c.as(c.admin, "PUT", grant, nil), 204)
	})
	t.Run("project disabled", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(c.admin, "PATCH", "/v3/projects/"+projectID, map[string]any{"project": map[string]any{"enabled": false}}), 200)
		refused(tok)
		c.must(c.as(c.admin, "PATCH", "/v3/projects/"+projectID, map[string]any{"project": map[string]any{"enabled": true}}), 200)
	})
	t.Run("application credential deleted", func(t *testing.T) {
		tok := login()
		ac := c.must(c.as(tok, "POST", "/v3/users/"+userID+"/application_credentials", map[string]any{"application_credential": map[string]any{"name": "cache"}}), 201)
		acID := get(ac.body, "application_credential", "id").(string)
		secret := get(ac.body, "application_credential", "secret").(string)
		r := c.must(c.do("POST", "/v3/auth/tokens", map[string]any{"auth": map[string]any{"identity": map[string]any{
			"methods": []string{"application_credential"}, "application_credential": map[string]any{"id": acID, "secret": secret}}}}), 201)
		acTok := r.header.Get("X-Subject-Token")
		prime(acTok)
		c.must(c.as(tok, "DELETE", "/v3/users/"+userID+"/application_credentials/"+acID, nil), 204)
		refused(acTok)
	})
	t.Run("user deleted", func(t *testing.T) {
		tok := login()
		prime(tok)
		c.must(c.as(c.admin, "DELETE", "/v3/users/"+userID, nil), 204)
		refused(tok)
	})
}

// TestValidationCacheSeesCatalogChangesAtOnce: the catalog in token
// bodies and GET /v3/auth/catalog is cached too, and a new or deleted
// service shows at once.
func TestValidationCacheSeesCatalogChangesAtOnce(t *testing.T) {
	c := newCloud(t)
	has := func(path string) bool {
		t.Helper()
		return strings.Contains(c.must(c.as(c.admin, "GET", path, nil, "X-Subject-Token", c.admin), 200).raw, "cache-svc")
	}
	for _, path := range []string{"/v3/auth/tokens", "/v3/auth/catalog"} {
		if has(path) || has(path) {
			t.Fatalf("%s: cache-svc before it exists", path)
		}
	}
	s := c.must(c.as(c.admin, "POST", "/v3/services", map[string]any{"service": map[string]any{"name": "cache-svc", "type": "cache"}}), 201)
	sid := get(s.body, "service", "id").(string)
	c.must(c.as(c.admin, "POST", "/v3/endpoints", map[string]any{"endpoint": map[string]any{
		"service_id": sid, "interface": "public", "url": "http://127.0.0.1:1/", "region_id": "RegionOne"}}), 201)
	for _, path := range []string{"/v3/auth/tokens", "/v3/auth/catalog"} {
		if !has(path) {
			t.Errorf("%s: no cache-svc right after it was created", path)
		}
	}
	eps := c.must(c.as(c.admin, "GET", "/v3/endpoints?service_id="+sid, nil), 200)
	for _, e := range get(eps.body, "endpoints").([]any) {
		c.must(c.as(c.admin, "DELETE", "/v3/endpoints/"+e.(map[string]any)["id"].(string), nil), 204)
	}
	c.must(c.as(c.admin, "DELETE", "/v3/services/"+sid, nil), 204)
	for _, path := range []string{"/v3/auth/tokens", "/v3/auth/catalog"} {
		if has(path) {
			t.Errorf("%s: cache-svc still there after it was deleted", path)
		}
	}
}
