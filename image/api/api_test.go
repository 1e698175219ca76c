package api_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/image/api"
	imagepolicy "github.com/gostack/gostack/image/policy"
	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/testenv"
)

// glance is the API in process over a fresh database and the stack's
// Ceph. Callers are injected by a stand-in for the auth middleware from
// the X-Test-Project and X-Test-Roles headers.
type glance struct {
	t       *testing.T
	srv     *httptest.Server
	c       *ceph.Client
	staging string
}

func injectCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project := r.Header.Get("X-Test-Project")
		if project == "" {
			httpapi.WriteError(w, r, errors.New("no caller"))
			return
		}
		roles := impliedRoles(strings.Split(r.Header.Get("X-Test-Roles"), ","))
		c := &auth.Context{Token: &auth.Token{UserID: "u-" + project, ProjectID: project, Roles: roles, IsAdminProject: true},
			IsAdmin: slices.Contains(roles, "admin")}
		next.ServeHTTP(w, r.WithContext(auth.WithContext(r.Context(), c)))
	})
}

// impliedRoles adds the roles keystone's default implications add to a
// token: admin implies member, member implies reader.
func impliedRoles(roles []string) []string {
	out := slices.Clone(roles)
	for _, r := range roles {
		switch r {
		case "admin":
			out = append(out, "member", "reader")
		case "member":
			out = append(out, "reader")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func newGlance(t *testing.T) *glance {
	t.Helper()
	return newGlanceWith(t, nil)
}

// newGlanceWith is newGlance with settings changed by set, as the dev
// stack runs it: secure RBAC (new policy defaults) on.
func newGlanceWith(t *testing.T, set func(*api.Settings)) *glance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "glance"); err != nil {
		t.Fatal(err)
	}
	conf, user := testenv.Ceph(t)
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	store, err := rbd.New(c, rbd.Config{Pool: "images"})
	if err != nil {
		t.Fatal(err)
	}
	enforcer, err := policy.New(imagepolicy.Defaults(), nil, policy.Options{DeniedFormat: imagepolicy.DeniedFormat, EnforceNewDefaults: true})
	if err != nil {
		t.Fatal(err)
	}
	settings := api.Settings{EnforceSecureRBAC: true, StagingDir: t.TempDir(), ImportMethods: []string{"glance-direct", "web-download"},
		Import: api.ImportFilter{AllowedSchemes: []string{"http"}, AllowedHosts: []string{"127.0.0.1"}}}
	if set != nil {
		set(&settings)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := api.New(registry.New(pool, nil), store, enforcer, settings, quiet)
	srv := httptest.NewServer(a.Handler(httpapi.Config{Logger: quiet}, injectCaller))
	t.Cleanup(srv.Close)
	t.Cleanup(a.Close)
	return &glance{t: t, srv: srv, c: c, staging: settings.StagingDir}
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// do sends a request as project with roles; body is nil, []byte or JSON.
func (g *glance) do(project, roles, method, path string, body any, headers ...string) resp {
	g.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, g.srv.URL+path, rd)
	if err != nil {
		g.t.Fatal(err)
	}
	if project != "" {
		req.Header.Set("X-Test-Project", project)
		req.Header.Set("X-Test-Roles", roles)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func want(t *testing.T, what string, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.raw)
	}
}

const (
	alice = "alice-project"
	bob   = "bob-project"
	admin = "admin-project"
)

func TestVersions(t *testing.T) {
	g := newGlance(t)
	r := g.do("", "", "GET", "/", nil)
	want(t, "GET /", r, 300)
	vs := r.body["versions"].([]any)
	if len(vs) != 17 || vs[0].(map[string]any)["id"] != "v2.16" || vs[0].(map[string]any)["status"] != "CURRENT" ||
		vs[16].(map[string]any)["id"] != "v2.0" {
		t.Errorf("versions: %s", r.raw)
	}
	want(t, "GET /versions", g.do("", "", "GET", "/versions", nil), 200)
	want(t, "GET /v3/images", g.do("", "", "GET", "/v3/images", nil), 300)
	want(t, "GET /v2.16/images", g.do(alice, "member", "GET", "/v2.16/images", nil), 200)
	want(t, "schema", g.do(alice, "member", "GET", "/v2/schemas/image", nil), 200)
	want(t, "schemas", g.do(alice, "member", "GET", "/v2/schemas/images", nil), 200)
}

func TestImageLifecycle(t *testing.T) {
	g := newGlance(t)
	r := g.do(alice, "member,reader", "POST", "/v2/images", map[string]any{
		"name": "cirros", "disk_format": "raw", "container_format": "bare", "foo": "bar", "tags": []string{"t1"},
	})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	if r.body["status"] != "queued" || r.body["visibility"] != "shared" || r.body["foo"] != "bar" ||
		r.body["self"] != "/v2/images/"+id || r.body["file"] != "/v2/images/"+id+"/file" || r.body["owner"] != alice {
		t.Errorf("create body: %s", r.raw)
	}
	if _, ok := r.body["locations"]; ok {
		t.Error("locations shown by default")
	}
	want(t, "show by name", g.do(alice, "member", "GET", "/v2/images/cirros", nil), 404)
	want(t, "download before upload", g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil), 204)

	// Upload, chunked (no Content-Length), as the SDK and gophercloud do.
	data := bytes.Repeat([]byte("0123456789abcdef"), 70000)
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write(data); _ = pw.Close() }()
	want(t, "upload", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", pr, "Content-Type", "application/octet-stream"), 204)
	t.Cleanup(func() {
		_ = g.c.Remove(context.Background(), ceph.ImageSpec("images", id), ceph.RemoveOptions{PurgeSnapshots: true})
	})
	r = g.do(alice, "member", "GET", "/v2/images/"+id, nil)
	sum := md5.Sum(data)
	if r.body["status"] != "active" || r.body["checksum"] != hex.EncodeToString(sum[:]) ||
		r.body["size"] != float64(len(data)) || r.body["os_hash_algo"] != "sha512" || r.body["virtual_size"] != float64(len(data)) {
		t.Errorf("after upload: %s", r.raw)
	}
	want(t, "second upload", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", []byte("x"), "Content-Type", "application/octet-stream"), 409)

	r = g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil)
	if r.status != 200 || !bytes.Equal(r.raw, data) || r.header.Get("Content-MD5") != hex.EncodeToString(sum[:]) {
		t.Errorf("download: %d, %d bytes, md5 %q", r.status, len(r.raw), r.header.Get("Content-MD5"))
	}
	r = g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil, "Range", "bytes=10-19")
	if r.status != 206 || !bytes.Equal(r.raw, data[10:20]) || r.header.Get("Content-Range") != "bytes 10-19/1120000" {
		t.Errorf("range: %d %q %q", r.status, r.raw, r.header.Get("Content-Range"))
	}
	r = g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil, "Range", "bytes=-4")
	if r.status != 206 || !bytes.Equal(r.raw, data[len(data)-4:]) {
		t.Errorf("suffix range: %d %q", r.status, r.raw)
	}
	want(t, "range past the end", g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil, "Range", "bytes=2000000-"), 416)

	// JSON patch.
	patch := func(ops ...map[string]any) resp {
		return g.do(alice, "member", "PATCH", "/v2/images/"+id, ops, "Content-Type", "application/openstack-images-v2.1-json-patch")
	}
	r = patch(map[string]any{"op": "add", "path": "/k", "value": "v"}, map[string]any{"op": "replace", "path": "/name", "value": "cirros2"},
		map[string]any{"op": "remove", "path": "/foo"}, map[string]any{"op": "replace", "path": "/min_ram", "value": 128})
	want(t, "patch", r, 200)
	if r.body["k"] != "v" || r.body["name"] != "cirros2" || r.body["foo"] != nil || r.body["min_ram"] != float64(128) {
		t.Errorf("patched: %s", r.raw)
	}
	want(t, "patch read-only", patch(map[string]any{"op": "replace", "path": "/status", "value": "active"}), 403)
	want(t, "patch remove core", patch(map[string]any{"op": "remove", "path": "/name"}), 403)
	want(t, "patch missing property", patch(map[string]any{"op": "replace", "path": "/nope", "value": "x"}), 409)
	want(t, "patch bad path", patch(map[string]any{"op": "add", "path": "/a/b", "value": "x"}), 400)
	want(t, "patch bad value", patch(map[string]any{"op": "add", "path": "/k", "value": 1}), 400)
	want(t, "patch disk_format of active", patch(map[string]any{"op": "replace", "path": "/disk_format", "value": "qcow2"}), 403)
	want(t, "publicize as member", patch(map[string]any{"op": "replace", "path": "/visibility", "value": "public"}), 403)
	want(t, "patch wrong type", g.do(alice, "member", "PATCH", "/v2/images/"+id, []any{}, "Content-Type", "application/json"), 415)

	// Tags.
	want(t, "add tag", g.do(alice, "member", "PUT", "/v2/images/"+id+"/tags/t2", nil), 204)
	want(t, "delete missing tag", g.do(alice, "member", "DELETE", "/v2/images/"+id+"/tags/zz", nil), 404)
	want(t, "delete tag", g.do(alice, "member", "DELETE", "/v2/images/"+id+"/tags/t1", nil), 204)
	if tags := g.do(alice, "member", "GET", "/v2/images/"+id, nil).body["tags"]; len(tags.([]any)) != 1 || tags.([]any)[0] != "t2" {
		t.Errorf("tags: %v", tags)
	}

	// Project isolation: shared without members is invisible to bob.
	want(t, "bob show", g.do(bob, "member", "GET", "/v2/images/"+id, nil), 404)
	want(t, "bob delete", g.do(bob, "member", "DELETE", "/v2/images/"+id, nil), 404)
	if imgs := g.do(bob, "member", "GET", "/v2/images", nil).body["images"].([]any); len(imgs) != 0 {
		t.Errorf("bob lists %d images", len(imgs))
	}
	want(t, "admin show", g.do(admin, "admin", "GET", "/v2/images/"+id, nil), 200)

	// Deactivate blocks downloads for non-admins.
	want(t, "deactivate", g.do(alice, "member", "POST", "/v2/images/"+id+"/actions/deactivate", nil), 204)
	want(t, "download deactivated", g.do(alice, "member", "GET", "/v2/images/"+id+"/file", nil), 403)
	want(t, "reactivate", g.do(alice, "member", "POST", "/v2/images/"+id+"/actions/reactivate", nil), 204)

	// Protected images cannot be deleted.
	want(t, "protect", patch(map[string]any{"op": "replace", "path": "/protected", "value": true}), 200)
	want(t, "delete protected", g.do(alice, "member", "DELETE", "/v2/images/"+id, nil), 403)
	want(t, "unprotect", patch(map[string]any{"op": "replace", "path": "/protected", "value": false}), 200)
	want(t, "delete", g.do(alice, "member", "DELETE", "/v2/images/"+id, nil), 204)
	want(t, "show deleted", g.do(alice, "member", "GET", "/v2/images/"+id, nil), 404)
	if names, _ := g.c.ListImages(context.Background(), "images"); slices.Contains(names, id) {
		t.Errorf("RBD image %s left after delete", id)
	}
}

func TestCreateRules(t *testing.T) {
	g := newGlance(t)
	want(t, "public as member", g.do(alice, "member", "POST", "/v2/images", map[string]any{"visibility": "public"}), 403)
	want(t, "public as admin", g.do(admin, "admin", "POST", "/v2/images", map[string]any{"visibility": "public"}), 201)
	want(t, "other owner", g.do(alice, "member", "POST", "/v2/images", map[string]any{"owner": bob}), 403)
	want(t, "read-only", g.do(alice, "member", "POST", "/v2/images", map[string]any{"status": "active"}), 403)
	want(t, "reserved", g.do(alice, "member", "POST", "/v2/images", map[string]any{"os_glance_x": "1"}), 403)
	want(t, "bad format", g.do(alice, "member", "POST", "/v2/images", map[string]any{"disk_format": "zip"}), 400)
	want(t, "not an object", g.do(alice, "member", "POST", "/v2/images", []any{1}), 400)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "no-formats"})
	want(t, "create without formats", r, 201)
	want(t, "upload without formats", g.do(alice, "member", "PUT", "/v2/images/"+r.body["id"].(string)+"/file",
		[]byte("x"), "Content-Type", "application/octet-stream"), 400)
}

func TestListFiltersAndPages(t *testing.T) {
	g := newGlance(t)
	var ids []string
	for i, name := range []string{"a", "b", "c", "d"} {
		body := map[string]any{"name": name, "disk_format": "raw", "container_format": "bare", "tags": []string{"x"}}
		if i%2 == 0 {
			body["color"] = "red"
		}
		ids = append(ids, g.do(alice, "member", "POST", "/v2/images", body).body["id"].(string))
	}
	list := func(q string) []string {
		r := g.do(alice, "member", "GET", "/v2/images"+q, nil)
		want(t, "list "+q, r, 200)
		var names []string
		for _, im := range r.body["images"].([]any) {
			names = append(names, im.(map[string]any)["name"].(string))
		}
		return names
	}
	if got := list("?sort=name:asc"); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("sorted: %v", got)
	}
	if got := list("?color=red&sort_key=name&sort_dir=asc"); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("property filter: %v", got)
	}
	if got := list("?name=in:b,d&sort=name:desc"); !slices.Equal(got, []string{"d", "b"}) {
		t.Errorf("name in: %v", got)
	}
	if got := list("?tag=x&tag=y"); len(got) != 0 {
		t.Errorf("tags x and y: %v", got)
	}
	r := g.do(alice, "member", "GET", "/v2/images?limit=2&sort=name:asc", nil)
	next, _ := r.body["next"].(string)
	if len(r.body["images"].([]any)) != 2 || !strings.HasPrefix(next, "/v2/images?") || r.body["first"] != "/v2/images?limit=2&sort=name%3Aasc" {
		t.Fatalf("page 1: %s", r.raw)
	}
	r = g.do(alice, "member", "GET", next, nil)
	if names := r.body["images"].([]any); len(names) != 2 || names[0].(map[string]any)["name"] != "c" {
		t.Errorf("page 2: %s", r.raw)
	}
	want(t, "bad sort key", g.do(alice, "member", "GET", "/v2/images?sort_key=foo", nil), 400)
	want(t, "bad marker", g.do(alice, "member", "GET", "/v2/images?marker=nope", nil), 400)
	want(t, "bad visibility", g.do(alice, "member", "GET", "/v2/images?visibility=x", nil), 400)
	// created_at / updated_at with glance's operators (nova's image
	// proxy turns changes-since into updated_at=gte:).
	past, future := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if got := list("?updated_at=gte:" + past + "&sort=name:asc"); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("updated_at gte an hour ago: %v", got)
	}
	if got := list("?created_at=gt:" + future); len(got) != 0 {
		t.Errorf("created_at after an hour from now: %v", got)
	}
	if got := list("?created_at=lt:" + future + "&color=red&sort=name:asc"); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("created_at lt and a property: %v", got)
	}
	want(t, "bad time operator", g.do(alice, "member", "GET", "/v2/images?updated_at=after:"+past, nil), 400)
	want(t, "bad time", g.do(alice, "member", "GET", "/v2/images?updated_at=gte:yesterday", nil), 400)
	_ = ids
}

// failingBody sends some data and then fails, as a client that goes away.
type failingBody struct{ n int }

func (f *failingBody) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = 7
	}
	f.n -= k
	return k, nil
}

func TestInterruptedUploadLeavesNothing(t *testing.T) {
	g := newGlance(t)
	r := g.do(alice, "member", "POST", "/v2/images", map[string]any{"name": "x", "disk_format": "raw", "container_format": "bare"})
	want(t, "create", r, 201)
	id := r.body["id"].(string)
	req, _ := http.NewRequest("PUT", g.srv.URL+"/v2/images/"+id+"/file", &failingBody{n: 5 << 20})
	req.Header.Set("X-Test-Project", alice)
	req.Header.Set("X-Test-Roles", "member")
	req.Header.Set("Content-Type", "application/octet-stream")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	// The server notices the cut connection asynchronously: poll.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = g.do(alice, "member", "GET", "/v2/images/"+id, nil)
		if r.body["status"] == "queued" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("image status %v after an interrupted upload, want queued", r.body["status"])
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r.body["size"] != nil || r.body["checksum"] != nil {
		t.Errorf("interrupted upload left data fields: %s", r.raw)
	}
	if names, _ := g.c.ListImages(context.Background(), "images"); slices.Contains(names, id) {
		t.Errorf("RBD image %s left after an interrupted upload", id)
	}
	// The upload can be retried.
	want(t, "retry", g.do(alice, "member", "PUT", "/v2/images/"+id+"/file", []byte("data"), "Content-Type", "application/octet-stream"), 204)
	want(t, "delete", g.do(alice, "member", "DELETE", "/v2/images/"+id, nil), 204)
}

// containsMessage reports whether glance's error body carries msg.
func containsMessage(r resp, msg string) bool {
	return strings.Contains(string(r.raw), msg) || strings.Contains(strings.ReplaceAll(string(r.raw), `\"`, `"`), msg)
}

// removeRBD removes the RBD image of an image id, if any (test cleanup).
func (g *glance) removeRBD(id string) {
	_ = g.c.Remove(context.Background(), ceph.ImageSpec("images", id), ceph.RemoveOptions{PurgeSnapshots: true})
}

// rbdHas reports whether pool images has an RBD image named id.
func (g *glance) rbdHas(id string) bool {
	g.t.Helper()
	names, err := g.c.ListImages(context.Background(), "images")
	if err != nil {
		g.t.Fatal(err)
	}
	return slices.Contains(names, id)
}
