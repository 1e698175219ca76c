package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gostack/gostack/identity/bootstrap"
	"github.com/gostack/gostack/identity/identitytest"
	"github.com/gostack/gostack/identity/store"
)

const adminPassword = identitytest.AdminPassword

// cloud is a keystone on a fresh, bootstrapped database, served in
// process (identity/identitytest), with the request helpers these tests use.
type cloud struct {
	t     testing.TB
	srv   *httptest.Server
	store *store.Store
	boot  bootstrap.Result
	admin string // a project-scoped admin token
	keys  [2]string
	skew  *atomic.Int64 // nanoseconds added to the real clock
}

func newCloud(t testing.TB) *cloud {
	t.Helper()
	k := identitytest.Start(t, nil)
	c := &cloud{t: t, srv: k.Server, store: k.Store, boot: k.Boot,
		keys: [2]string{k.PrivateKeys, k.PublicKeys}, skew: &k.Skew}
	c.admin = c.passwordToken("admin", adminPassword, projectScope("admin"))
	return c
}

func projectScope(name string) map[string]any {
	return map[string]any{"project": map[string]any{"name": name, "domain": map[string]any{"name": "Default"}}}
}

func passwordAuth(user, pw string, scope any) map[string]any {
	auth := map[string]any{"identity": map[string]any{"methods": []string{"password"},
		"password": map[string]any{"user": map[string]any{"name": user, "domain": map[string]any{"id": "default"}, "password": pw}}}}
	if scope != nil {
		auth["scope"] = scope
	}
	return map[string]any{"auth": auth}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a request; body may be nil, a string (sent as is) or a value
// encoded as JSON. headers are name, value pairs.
func (c *cloud) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	_ = json.Unmarshal(data, &out.body)
	return out
}

// as sends a request with a token.
func (c *cloud) as(tok, method, path string, body any, headers ...string) response {
	c.t.Helper()
	return c.do(method, path, body, append([]string{"X-Auth-Token", tok}, headers...)...)
}

func (c *cloud) passwordToken(user, pw string, scope any) string {
	c.t.Helper()
	r := c.do("POST", "/v3/auth/tokens", passwordAuth(user, pw, scope))
	if r.status != 201 {
		c.t.Fatalf("token for %s: %d %s", user, r.status, r.raw)
	}
	return r.header.Get("X-Subject-Token")
}

// must checks the status of a response.
func (c *cloud) must(r response, status int) response {
	c.t.Helper()
	if r.status != status {
		c.t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// get walks a decoded body: get(body, "token", "user", "id").
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func errMessage(r response) string {
	s, _ := get(r.body, "error", "message").(string)
	return s
}

// makeUser creates a user with a role on a new project and returns their ids.
func (c *cloud) makeUser(name, role string) (userID, projectID string) {
	c.t.Helper()
	p := c.must(c.as(c.admin, "POST", "/v3/projects", map[string]any{"project": map[string]any{"name": name + "-project"}}), 201)
	projectID = get(p.body, "project", "id").(string)
	u := c.must(c.as(c.admin, "POST", "/v3/users", map[string]any{"user": map[string]any{"name": name, "password": "pw-" + name, "default_project_id": projectID}}), 201)
	userID = get(u.body, "user", "id").(string)
	roles := c.must(c.as(c.admin, "GET", "/v3/roles?name="+role, nil), 200)
	roleID := get(roles.body, "roles").([]any)[0].(map[string]any)["id"].(string)
	c.must(c.as(c.admin, "PUT", "/v3/projects/"+projectID+"/users/"+userID+"/roles/"+roleID, nil), 204)
	return userID, projectID
}
