package api_test

import (
	"net/url"
	"sort"
	"testing"
	"time"
)

// Regression tests for the failures tempest's identity API tests found
// (api-ref/CONFORMANCE.md); each is named after its bug.

// An endpoint created or updated with the v2-style "region" key naming a
// region that does not exist gets that region created, as keystone's
// _validate_endpoint_region does (tempest test_endpoints,
// test_endpoints_negative); a region_id must still exist.
func TestEndpointLegacyRegionKeyCreatesRegion(t *testing.T) {
	c := newCloud(t)
	s := c.must(c.as(c.admin, "POST", "/v3/services", map[string]any{"service": map[string]any{"type": "compute", "name": "nova"}}), 201)
	sid := get(s.body, "service", "id").(string)
	e := c.must(c.as(c.admin, "POST", "/v3/endpoints", map[string]any{"endpoint": map[string]any{
		"service_id": sid, "interface": "public", "url": "http://n:8774", "region": "legacy-1"}}), 201)
	if get(e.body, "endpoint", "region_id") != "legacy-1" || get(e.body, "endpoint", "region") != "legacy-1" {
		t.Errorf("endpoint: %s", e.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/regions/legacy-1", nil), 200)
	eid := get(e.body, "endpoint", "id").(string)
	u := c.must(c.as(c.admin, "PATCH", "/v3/endpoints/"+eid, map[string]any{"endpoint": map[string]any{"region": "legacy-2"}}), 200)
	if get(u.body, "endpoint", "region_id") != "legacy-2" {
		t.Errorf("updated endpoint: %s", u.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/regions/legacy-2", nil), 200)
	// A second endpoint in the now existing region is fine.
	c.must(c.as(c.admin, "POST", "/v3/endpoints", map[string]any{"endpoint": map[string]any{
		"service_id": sid, "interface": "admin", "url": "http://n:8774", "region": "legacy-1"}}), 201)
	r := c.must(c.as(c.admin, "POST", "/v3/endpoints", map[string]any{"endpoint": map[string]any{
		"service_id": sid, "interface": "public", "url": "http://n:8774", "region_id": "nowhere"}}), 400)
	if errMessage(r) == "" {
		t.Errorf("no message: %s", r.raw)
	}
}

// GET/PUT/DELETE /v3/projects/{id}/tags and /tags/{tag} were not served
// (tempest test_project_tags).
func TestProjectTagsSubresourceServed(t *testing.T) {
	c := newCloud(t)
	p := c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": "tagged"}}), 201)
	base := "/v3/projects/" + get(p.body, "project", "id").(string) + "/tags"
	r := c.must(c.as(c.admin, "PUT", base+"/one", "{}"), 201)
	if r.raw != "" || r.header.Get("Location") == "" {
		t.Errorf("create tag: %q %v", r.raw, r.header)
	}
	c.must(c.as(c.admin, "GET", base+"/one", nil), 204)
	c.must(c.as(c.admin, "HEAD", base+"/one", nil), 204)
	c.must(c.as(c.admin, "PUT", base+"/one", "{}"), 400) // duplicate
	c.must(c.as(c.admin, "PUT", base+"/"+url.PathEscape("a,b"), "{}"), 400)
	r = c.must(c.as(c.admin, "PUT", base, map[string]any{"tags": []string{"x", "y", "z"}}), 200)
	if got := tagList(r.body); len(got) != 3 || got[0] != "x" || got[2] != "z" {
		t.Errorf("update tags: %s", r.raw)
	}
	c.must(c.as(c.admin, "PUT", base, map[string]any{"tags": []string{"x", "x"}}), 400)
	c.must(c.as(c.admin, "PUT", base, map[string]any{"tags": "x"}), 400)
	c.must(c.as(c.admin, "DELETE", base+"/x", nil), 204)
	r = c.must(c.as(c.admin, "GET", base+"/x", nil), 404)
	if errMessage(r) != "Could not find project tag: x." {
		t.Errorf("404 message: %s", r.raw)
	}
	c.must(c.as(c.admin, "DELETE", base+"/x", nil), 404)
	r = c.must(c.as(c.admin, "GET", base, nil), 200)
	if got := tagList(r.body); len(got) != 2 || got[0] != "y" {
		t.Errorf("list tags: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/projects?tags=y,z", nil), 200)
	if n := len(get(r.body, "projects").([]any)); n != 1 {
		t.Errorf("filter by tags: %s", r.raw)
	}
	c.must(c.as(c.admin, "DELETE", base, nil), 204)
	r = c.must(c.as(c.admin, "GET", base, nil), 200)
	if got := tagList(r.body); len(got) != 0 {
		t.Errorf("tags after delete all: %s", r.raw)
	}
	c.must(c.as(c.admin, "GET", "/v3/projects/nope/tags", nil), 404)
}

func tagList(body map[string]any) []string {
	var out []string
	l, _ := get(body, "tags").([]any)
	for _, t := range l {
		out = append(out, t.(string))
	}
	sort.Strings(out)
	return out
}

// A global role could imply a domain-specific one; keystone refuses it
// with 403 InvalidImpliedRole (tempest test_implied_domain_roles).
func TestGlobalRoleCannotImplyDomainRole(t *testing.T) {
	c := newCloud(t)
	d := c.must(c.as(c.admin, "POST", "/v3/domains", map[string]any{"domain": map[string]any{"name": "d1"}}), 201)
	did := get(d.body, "domain", "id").(string)
	role := func(name, domain string) string {
		body := map[string]any{"name": name}
		if domain != "" {
			body["domain_id"] = domain
		}
		r := c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": body}), 201)
		return get(r.body, "role", "id").(string)
	}
	global, dom1, dom2 := role("g", ""), role("d-1", did), role("d-2", did)
	c.must(c.as(c.admin, "PUT", "/v3/roles/"+dom1+"/implies/"+dom2, nil), 201)
	c.must(c.as(c.admin, "PUT", "/v3/roles/"+dom1+"/implies/"+global, nil), 201)
	r := c.must(c.as(c.admin, "PUT", "/v3/roles/"+global+"/implies/"+dom1, nil), 403)
	if errMessage(r) != dom1+" cannot be an implied roles." {
		t.Errorf("message: %s", r.raw)
	}
}

// The effective role assignment list showed domain-specific roles; like
// keystone's _strip_domain_roles it keeps only global ones, while the
// global roles they imply stay (tempest test_assignments_for_domain_roles).
func TestEffectiveAssignmentsOmitDomainRoles(t *testing.T) {
	c := newCloud(t)
	userID, projectID := c.makeUser("dora", "reader")
	d := c.must(c.as(c.admin, "POST", "/v3/domains", map[string]any{"domain": map[string]any{"name": "d2"}}), 201)
	dr := c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": map[string]any{"name": "dr", "domain_id": get(d.body, "domain", "id")}}), 201)
	drID := get(dr.body, "role", "id").(string)
	g := c.must(c.as(c.admin, "POST", "/v3/roles", map[string]any{"role": map[string]any{"name": "viewer"}}), 201)
	gID := get(g.body, "role", "id").(string)
	c.must(c.as(c.admin, "PUT", "/v3/roles/"+drID+"/implies/"+gID, nil), 201)
	c.must(c.as(c.admin, "PUT", "/v3/projects/"+projectID+"/users/"+userID+"/roles/"+drID, nil), 204)
	q := "/v3/role_assignments?scope.project.id=" + projectID + "&user.id=" + userID
	r := c.must(c.as(c.admin, "GET", q+"&effective", nil), 200)
	roles := map[string]bool{}
	for _, ra := range get(r.body, "role_assignments").([]any) {
		roles[get(ra, "role", "id").(string)] = true
	}
	if roles[drID] || !roles[gID] || len(roles) != 2 { // reader and viewer
		t.Errorf("effective assignments: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", q, nil), 200)
	if n := len(get(r.body, "role_assignments").([]any)); n != 2 { // reader and dr
		t.Errorf("direct assignments: %d: %s", n, r.raw)
	}
}

// An application credential's expires_at came back with a "Z"; keystone
// returns it as oslo's naive ISO time with microseconds, so a client
// sending datetime.isoformat() gets the same string back (tempest
// test_create_application_credential_expires).
func TestAppCredExpiresAtEchoedNaive(t *testing.T) {
	c := newCloud(t)
	exp := time.Now().UTC().Add(time.Hour).Truncate(time.Microsecond)
	for _, in := range []string{exp.Format("2006-01-02T15:04:05.000000"), exp.Format("2006-01-02T15:04:05.000000Z")} {
		r := c.must(c.as(c.admin, "POST", "/v3/users/"+c.boot.UserID+"/application_credentials", map[string]any{
			"application_credential": map[string]any{"name": "ac-" + in, "expires_at": in}}), 201)
		if got := get(r.body, "application_credential", "expires_at"); got != exp.Format("2006-01-02T15:04:05.000000") {
			t.Errorf("expires_at for %s: %v", in, got)
		}
	}
}

// Authenticating with the token method and a token that was revoked
// (here by a password change, then by DELETE) answered 401; keystone's
// token plugin lets validate_token's TokenNotFound through as a 404
// (tempest test_user_update_own_password, run with security_compliance).
func TestTokenMethodWithRevokedTokenIs404(t *testing.T) {
	c := newCloud(t)
	userID, _ := c.makeUser("tom", "member")
	old := c.passwordToken("tom", "pw-tom", projectScope("tom-project"))
	byToken := func(id string) response {
		return c.do("POST", "/v3/auth/tokens", map[string]any{"auth": map[string]any{"identity": map[string]any{
			"methods": []string{"token"}, "token": map[string]any{"id": id}}}})
	}
	c.must(byToken(old), 201)
	c.must(c.as(old, "POST", "/v3/users/"+userID+"/password", map[string]any{"user": map[string]any{
		"password": "pw-tom-2", "original_password": "pw-tom"}}), 204)
	r := c.must(byToken(old), 404)
	if errMessage(r) != "Failed to validate token" {
		t.Errorf("message: %s", r.raw)
	}
	c.must(c.do("POST", "/v3/auth/tokens", passwordAuth("tom", "pw-tom", nil)), 401)
	fresh := c.passwordToken("tom", "pw-tom-2", nil)
	c.must(c.as(c.admin, "DELETE", "/v3/auth/tokens", nil, "X-Subject-Token", fresh), 204)
	c.must(byToken(fresh), 404)
	r = c.must(byToken("not-a-token"), 404)
	if errMessage(r) != "Could not find token: not-a-token." {
		t.Errorf("message for garbage: %s", r.raw)
	}
}
