package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestCredentialsCRUD(t *testing.T) {
	c := newCloud(t)
	uid, pid := c.boot.UserID, c.boot.ProjectID
	blob := `{"access":"181920","secret":"secretKey"}`
	r := c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{
		"type": "ec2", "user_id": uid, "project_id": pid, "blob": blob}}), 201)
	sum := sha256.Sum256([]byte("181920"))
	id := hex.EncodeToString(sum[:])
	if get(r.body, "credential", "id") != id || get(r.body, "credential", "blob") != blob ||
		get(r.body, "credential", "links", "self") != c.srv.URL+"/v3/credentials/"+id {
		t.Errorf("create: %s", r.raw)
	}
	// The blob is stored encrypted.
	var stored string
	if err := c.store.Pool().QueryRow(context.Background(), "SELECT encrypted_blob FROM credential WHERE id = $1", id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "secretKey") || !strings.HasPrefix(stored, "gAAAAA") {
		t.Errorf("stored blob is not a Fernet token: %q", stored)
	}
	r = c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{
		"type": "ec2", "user_id": uid, "project_id": pid, "blob": blob}}), 409)
	if errMessage(r) != "Conflict occurred attempting to store credential - Duplicate entry found with ID "+id+"." {
		t.Errorf("conflict: %s", r.raw)
	}
	// ec2 needs project_id and an access key.
	c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "ec2", "user_id": uid, "blob": blob}}), 400)
	r = c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "ec2", "user_id": uid, "project_id": pid, "blob": "{}"}}), 400)
	if !strings.HasPrefix(errMessage(r), "Expecting to find blob in credential.") {
		t.Errorf("empty blob: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "ec2", "user_id": uid, "project_id": pid, "blob": "x"}}), 400)
	if errMessage(r) != "Invalid blob in credential" {
		t.Errorf("bad blob: %s", r.raw)
	}
	// Another type: uuid id, no project needed, blob as given.
	r = c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "cert", "user_id": uid, "blob": "opaque", "x": 1.0}}), 201)
	cert := get(r.body, "credential", "id").(string)
	if len(cert) != 32 || get(r.body, "credential", "project_id") != nil || get(r.body, "credential", "x") != 1.0 {
		t.Errorf("cert: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/credentials/"+id, nil), 200)
	if get(r.body, "credential", "blob") != blob || get(r.body, "credential", "type") != "ec2" {
		t.Errorf("get: %s", r.raw)
	}
	newBlob := `{"access":"181920","secret":"mySecret"}`
	r = c.must(c.as(c.admin, "PATCH", "/v3/credentials/"+id, map[string]any{"credential": map[string]any{"blob": newBlob, "type": "ec2"}}), 200)
	if get(r.body, "credential", "blob") != newBlob || get(r.body, "credential", "id") != id {
		t.Errorf("update: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/credentials?type=cert", nil), 200)
	if l := get(r.body, "credentials").([]any); len(l) != 1 || get(l[0], "blob") != "opaque" {
		t.Errorf("list type=cert: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", "/v3/credentials?user_id="+uid, nil), 200)
	if l := get(r.body, "credentials").([]any); len(l) != 2 {
		t.Errorf("list user_id: %s", r.raw)
	}

	// A member sees, makes and changes only their own credentials.
	demoID, demoProject := c.makeUser("demo", "member")
	demo := c.passwordToken("demo", "pw-demo", projectScope("demo-project"))
	c.must(c.as(demo, "GET", "/v3/credentials/"+id, nil), 403)
	c.must(c.as(demo, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "cert", "user_id": uid, "blob": "b"}}), 403)
	r = c.must(c.as(demo, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "cert", "user_id": demoID, "project_id": demoProject, "blob": "mine"}}), 201)
	mine := get(r.body, "credential", "id").(string)
	r = c.must(c.as(demo, "GET", "/v3/credentials", nil), 200)
	if l := get(r.body, "credentials").([]any); len(l) != 1 || get(l[0], "id") != mine {
		t.Errorf("member list: %s", r.raw)
	}
	c.must(c.as(demo, "PATCH", "/v3/credentials/"+mine, map[string]any{"credential": map[string]any{"user_id": uid}}), 403)
	c.must(c.as(demo, "DELETE", "/v3/credentials/"+mine, nil), 204)

	r = c.must(c.as(c.admin, "GET", "/v3/credentials/nope", nil), 404)
	if errMessage(r) != "Could not find credential: nope." {
		t.Errorf("404: %s", r.raw)
	}
	c.must(c.as(c.admin, "DELETE", "/v3/credentials/"+cert, nil), 204)
	c.must(c.as(c.admin, "DELETE", "/v3/credentials/"+id, nil), 204)
	c.must(c.as(c.admin, "DELETE", "/v3/credentials/"+id, nil), 404)

	// Credentials go with their user.
	r = c.must(c.as(c.admin, "POST", "/v3/credentials", map[string]any{"credential": map[string]any{"type": "cert", "user_id": demoID, "blob": "b"}}), 201)
	gone := get(r.body, "credential", "id").(string)
	c.must(c.as(c.admin, "DELETE", "/v3/users/"+demoID, nil), 204)
	c.must(c.as(c.admin, "GET", "/v3/credentials/"+gone, nil), 404)
}

func TestEC2Credentials(t *testing.T) {
	c := newCloud(t)
	uid, pid := c.boot.UserID, c.boot.ProjectID
	base := "/v3/users/" + uid + "/credentials/OS-EC2"
	r := c.must(c.as(c.admin, "POST", base, map[string]any{"tenant_id": pid}), 201)
	access, _ := get(r.body, "credential", "access").(string)
	secret, _ := get(r.body, "credential", "secret").(string)
	if len(access) != 32 || len(secret) != 32 || get(r.body, "credential", "tenant_id") != pid || get(r.body, "credential", "user_id") != uid ||
		get(r.body, "credential", "links", "self") != c.srv.URL+base+"/"+access {
		t.Errorf("create: %s", r.raw)
	}
	if _, ok := r.body["credential"].(map[string]any)["trust_id"]; !ok {
		t.Errorf("no trust_id: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", base+"/"+access, nil), 200)
	if get(r.body, "credential", "secret") != secret {
		t.Errorf("get: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "GET", base, nil), 200)
	if l := get(r.body, "credentials").([]any); len(l) != 1 || get(l[0], "access") != access {
		t.Errorf("list: %s", r.raw)
	}
	// It is a credential of type ec2 whose id is the hash of the access key.
	sum := sha256.Sum256([]byte(access))
	r = c.must(c.as(c.admin, "GET", "/v3/credentials/"+hex.EncodeToString(sum[:]), nil), 200)
	if get(r.body, "credential", "type") != "ec2" || !strings.Contains(get(r.body, "credential", "blob").(string), secret) {
		t.Errorf("as credential: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "POST", base, map[string]any{}), 404)
	if errMessage(r) != "Could not find project: None." {
		t.Errorf("no tenant: %s", r.raw)
	}
	c.must(c.as(c.admin, "POST", "/v3/users/nobody/credentials/OS-EC2", map[string]any{"tenant_id": pid}), 404)
	c.must(c.as(c.admin, "GET", base+"/unknown", nil), 404)
	c.must(c.as(c.admin, "DELETE", base+"/"+access, nil), 204)
	c.must(c.as(c.admin, "GET", base+"/"+access, nil), 404)
}

func TestPoliciesCRUD(t *testing.T) {
	c := newCloud(t)
	r := c.must(c.as(c.admin, "POST", "/v3/policies", map[string]any{"policy": map[string]any{"blob": `{"a": 1}`, "type": "application/json", "extra": "x"}}), 201)
	id := get(r.body, "policy", "id").(string)
	if get(r.body, "policy", "blob") != `{"a": 1}` || get(r.body, "policy", "extra") != "x" || get(r.body, "policy", "links", "self") != c.srv.URL+"/v3/policies/"+id {
		t.Errorf("create: %s", r.raw)
	}
	c.must(c.as(c.admin, "POST", "/v3/policies", map[string]any{"policy": map[string]any{"blob": "b"}}), 400)
	c.must(c.as(c.admin, "POST", "/v3/policies", map[string]any{"policy": map[string]any{"blob": "b", "type": "text/plain"}}), 201)
	r = c.must(c.as(c.admin, "GET", "/v3/policies?type=application/json", nil), 200)
	if l := get(r.body, "policies").([]any); len(l) != 1 {
		t.Errorf("list by type: %s", r.raw)
	}
	r = c.must(c.as(c.admin, "PATCH", "/v3/policies/"+id, map[string]any{"policy": map[string]any{"type": "application/yaml"}}), 200)
	if get(r.body, "policy", "type") != "application/yaml" || get(r.body, "policy", "blob") != `{"a": 1}` {
		t.Errorf("update: %s", r.raw)
	}
	c.must(c.as(c.admin, "PATCH", "/v3/policies/"+id, map[string]any{"policy": map[string]any{}}), 400)
	c.makeUser("demo", "member")
	demo := c.passwordToken("demo", "pw-demo", projectScope("demo-project"))
	c.must(c.as(demo, "GET", "/v3/policies", nil), 403)
	c.must(c.as(c.admin, "DELETE", "/v3/policies/"+id, nil), 204)
	r = c.must(c.as(c.admin, "GET", "/v3/policies/"+id, nil), 404)
	if errMessage(r) != "Could not find policy: "+id+"." {
		t.Errorf("404: %s", r.raw)
	}
}
