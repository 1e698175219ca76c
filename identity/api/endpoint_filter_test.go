package api_test

import (
	"testing"
)

// catalogEndpoints returns the endpoint ids of a token's catalog by
// service type.
func catalogEndpoints(t *testing.T, body map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	cat, _ := get(body, "token", "catalog").([]any)
	for _, s := range cat {
		typ := get(s, "type").(string)
		out[typ] = []string{}
		for _, e := range get(s, "endpoints").([]any) {
			out[typ] = append(out[typ], get(e, "id").(string))
		}
	}
	return out
}

func TestProjectEndpointsAndCatalog(t *testing.T) {
	c := newCloud(t)
	svc := c.must(c.as(c.admin, "POST", "/v3/services", map[string]any{"service": map[string]any{"type": "compute", "name": "nova"}}), 201)
	sid := get(svc.body, "service", "id").(string)
	ep := c.must(c.as(c.admin, "POST", "/v3/endpoints", map[string]any{"endpoint": map[string]any{"service_id": sid, "interface": "public", "url": "http://nova/v2.1", "region_id": "RegionOne"}}), 201)
	eid := get(ep.body, "endpoint", "id").(string)
	_, pid := c.makeUser("demo", "member")
	token := func() map[string]any {
		tok := c.passwordToken("demo", "pw-demo", projectScope("demo-project"))
		return c.must(c.as(tok, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 200).body
	}
	if cat := catalogEndpoints(t, token()); len(cat["identity"]) == 0 || len(cat["compute"]) != 1 {
		t.Fatalf("unfiltered catalog: %v", cat)
	}

	assoc := "/v3/OS-EP-FILTER/projects/" + pid + "/endpoints/" + eid
	c.must(c.as(c.admin, "GET", assoc, nil), 404)
	c.must(c.as(c.admin, "PUT", assoc, nil), 204)
	c.must(c.as(c.admin, "PUT", assoc, nil), 409)
	c.must(c.as(c.admin, "GET", assoc, nil), 204)
	c.must(c.as(c.admin, "HEAD", assoc, nil), 204)
	c.must(c.as(c.admin, "PUT", "/v3/OS-EP-FILTER/projects/"+pid+"/endpoints/nope", nil), 404)
	r := c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/projects/"+pid+"/endpoints", nil), 200)
	if l := get(r.body, "endpoints").([]any); len(l) != 1 || get(l[0], "id") != eid || get(l[0], "links", "self") != c.srv.URL+"/v3/endpoints/"+eid {
		t.Errorf("project endpoints: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/endpoints/"+eid+"/projects", nil), 200)
	if l := get(r.body, "projects").([]any); len(l) != 1 || get(l[0], "id") != pid {
		t.Errorf("endpoint projects: %s", r.raw)
	}
	// The project's catalog now holds only its endpoint.
	if cat := catalogEndpoints(t, token()); len(cat) != 1 || len(cat["compute"]) != 1 {
		t.Errorf("filtered catalog: %v", cat)
	}
	// A member may not manage associations.
	demo := c.passwordToken("demo", "pw-demo", projectScope("demo-project"))
	c.must(c.as(demo, "GET", "/v3/OS-EP-FILTER/projects/"+pid+"/endpoints", nil), 403)

	// An endpoint group adds the identity endpoints.
	r = c.must(c.as(c.admin, "POST", "/v3/OS-EP-FILTER/endpoint_groups", map[string]any{"endpoint_group": map[string]any{
		"name": "identity", "filters": map[string]any{"interface": "public", "service_id": c.identityService(t)}}}), 201)
	gid := get(r.body, "endpoint_group", "id").(string)
	if get(r.body, "endpoint_group", "description") != nil || get(r.body, "endpoint_group", "links", "self") != c.srv.URL+"/v3/OS-EP-FILTER/endpoint_groups/"+gid {
		t.Errorf("group: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "POST", "/v3/OS-EP-FILTER/endpoint_groups", map[string]any{"endpoint_group": map[string]any{"name": "x", "filters": map[string]any{}}}), 400)
	if errMessage(r) != "filters field is required and cannot be empty" {
		t.Errorf("empty filters: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "POST", "/v3/OS-EP-FILTER/endpoint_groups", map[string]any{"endpoint_group": map[string]any{"name": "x", "filters": map[string]any{"url": "u"}}}), 400)
	if errMessage(r) != "Expecting to find service_id or region_id or interface in endpoint_group. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error." {
		t.Errorf("bad filter: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/endpoint_groups/"+gid+"/endpoints", nil), 200)
	if l := get(r.body, "endpoints").([]any); len(l) != 1 {
		t.Errorf("group endpoints: %s", r.raw)
	}
	gp := "/v3/OS-EP-FILTER/endpoint_groups/" + gid + "/projects/" + pid
	c.must(c.as(c.admin, "GET", gp, nil), 404)
	c.must(c.as(c.admin, "PUT", gp, nil), 204)
	r = c.must(c.as(c.admin, "GET", gp, nil), 200)
	if get(r.body, "project_endpoint_group", "endpoint_group_id") != gid || get(r.body, "project_endpoint_group", "project_id") != pid {
		t.Errorf("group in project: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/projects/"+pid+"/endpoint_groups", nil), 200)
	if l := get(r.body, "endpoint_groups").([]any); len(l) != 1 {
		t.Errorf("project groups: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/endpoint_groups/"+gid+"/projects", nil), 200)
	if l := get(r.body, "projects").([]any); len(l) != 1 {
		t.Errorf("group projects: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/projects/"+pid+"/endpoints", nil), 200)
	if l := get(r.body, "endpoints").([]any); len(l) != 2 {
		t.Errorf("project endpoints with group: %s", r.raw)
	}
	if cat := catalogEndpoints(t, token()); len(cat) != 2 || len(cat["identity"]) != 1 || len(cat["compute"]) != 1 {
		t.Errorf("catalog with group: %v", cat)
	}
	r = c.must(c.as(c.admin, "PATCH", "/v3/OS-EP-FILTER/endpoint_groups/"+gid, map[string]any{"endpoint_group": map[string]any{"description": "d"}}), 200)
	if get(r.body, "endpoint_group", "description") != "d" || get(r.body, "endpoint_group", "name") != "identity" {
		t.Errorf("update group: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/endpoint_groups?name=identity", nil), 200)
	if l := get(r.body, "endpoint_groups").([]any); len(l) != 1 {
		t.Errorf("groups by name: %s", r.raw)
	}
	c.must(c.as(c.admin, "DELETE", gp, nil), 204)
	c.must(c.as(c.admin, "DELETE", gp, nil), 404)
	c.must(c.as(c.admin, "DELETE", "/v3/OS-EP-FILTER/endpoint_groups/"+gid, nil), 204)
	r = c.must(c.as(c.admin, "GET", "/v3/OS-EP-FILTER/endpoint_groups/"+gid, nil), 404)
	if errMessage(r) != "Could not find Endpoint Group: "+gid+"." {
		t.Errorf("group 404: %s", r.raw)
	}

	c.must(c.as(c.admin, "DELETE", assoc, nil), 204)
	r = c.must(c.as(c.admin, "DELETE", assoc, nil), 404)
	if errMessage(r) != "Endpoint "+eid+" not found in project "+pid {
		t.Errorf("association 404: %s", r.raw)
	}
	if cat := catalogEndpoints(t, token()); len(cat["identity"]) == 0 || len(cat["compute"]) != 1 {
		t.Errorf("catalog after removal: %v", cat)
	}
}

// identityService returns the bootstrap's identity service id.
func (c *cloud) identityService(t *testing.T) string {
	r := c.must(c.as(c.admin, "GET", "/v3/services?type=identity", nil), 200)
	return get(r.body, "services").([]any)[0].(map[string]any)["id"].(string)
}
