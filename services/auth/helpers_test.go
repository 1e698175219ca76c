package auth_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gostack/gostack/identity/bootstrap"
	"github.com/gostack/gostack/identity/identitytest"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/httpapi"
)

const (
	adminPassword   = identitytest.AdminPassword
	servicePassword = "s3cret-glance"
)

// keystone is our real keystone on a fresh, bootstrapped PostgreSQL
// database, served in process, behind a wrapper that counts token
// validations and can fail on demand. It has a service project, a
// "service" role and a glance service user holding it.
type keystone struct {
	t     testing.TB
	srv   *httptest.Server
	boot  bootstrap.Result
	admin string // a project-scoped admin token

	skew      *atomic.Int64 // nanoseconds added to keystone's clock
	validates atomic.Int64  // GET /v3/auth/tokens served
	fail      atomic.Int32  // when non-zero, every request gets this status

	mu      sync.Mutex
	queries []string // raw queries of the validations
}

// quiet is a logger that drops everything.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newKeystone(t testing.TB) *keystone {
	t.Helper()
	k := &keystone{t: t}
	ks := identitytest.Start(t, func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s := k.fail.Load(); s != 0 {
				http.Error(w, "injected failure", int(s))
				return
			}
			if r.Method == http.MethodGet && r.URL.Path == "/v3/auth/tokens" {
				k.validates.Add(1)
				k.mu.Lock()
				k.queries = append(k.queries, r.URL.RawQuery)
				k.mu.Unlock()
			}
			inner.ServeHTTP(w, r)
		})
	})
	k.srv, k.boot, k.skew = ks.Server, ks.Boot, &ks.Skew
	k.admin = k.token("admin", adminPassword, projectScope("admin"))
	serviceProject := k.create("/v3/projects", "project", map[string]any{"name": "service"})
	serviceRole := k.create("/v3/roles", "role", map[string]any{"name": "service"})
	glance := k.create("/v3/users", "user", map[string]any{"name": "glance", "password": servicePassword})
	k.must(k.call(k.admin, "PUT", "/v3/projects/"+serviceProject+"/users/"+glance+"/roles/"+serviceRole, nil), 204)
	return k
}

// options are the [keystone_authtoken] options of a service "glance"
// against this keystone.
func (k *keystone) options() auth.Options {
	return auth.Options{
		AuthURL: k.srv.URL + "/v3", WWWAuthenticateURI: k.srv.URL + "/v3",
		Username: "glance", Password: servicePassword, ProjectName: "service",
		UserDomainName: "Default", ProjectDomainName: "Default",
		ServiceTokenRoles: []string{"service"}, ServiceTokenRolesRequired: true,
		TokenCacheTime: 300 * time.Second, RevocationCheckInterval: 10 * time.Second,
		IncludeServiceCatalog: true, Logger: quiet,
	}
}

func projectScope(name string) map[string]any {
	return map[string]any{"project": map[string]any{"name": name, "domain": map[string]any{"name": "Default"}}}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request to keystone with a token (none if empty).
func (k *keystone) call(tok, method, path string, body any, headers ...string) response {
	k.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			k.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, k.srv.URL+path, rd)
	if err != nil {
		k.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("X-Auth-Token", tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	_ = json.Unmarshal(data, &out.body)
	return out
}

func (k *keystone) must(r response, status int) response {
	k.t.Helper()
	if r.status != status {
		k.t.Fatalf("keystone: status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// create POSTs a resource as admin and returns its id.
func (k *keystone) create(path, kind string, fields map[string]any) string {
	k.t.Helper()
	r := k.must(k.call(k.admin, "POST", path, map[string]any{kind: fields}), 201)
	return r.body[kind].(map[string]any)["id"].(string)
}

// token issues a password token.
func (k *keystone) token(user, pw string, scope any) string {
	k.t.Helper()
	a := map[string]any{"identity": map[string]any{"methods": []string{"password"},
		"password": map[string]any{"user": map[string]any{"name": user, "domain": map[string]any{"id": "default"}, "password": pw}}}}
	if scope != nil {
		a["scope"] = scope
	}
	r := k.must(k.call("", "POST", "/v3/auth/tokens", map[string]any{"auth": a}), 201)
	return r.header.Get("X-Subject-Token")
}

// member makes a user with the member role on a new project and returns
// a token scoped to it, with the ids.
func (k *keystone) member(name string) (tok, userID, projectID string) {
	k.t.Helper()
	projectID = k.create("/v3/projects", "project", map[string]any{"name": name + "-project"})
	userID = k.create("/v3/users", "user", map[string]any{"name": name, "password": "pw-" + name})
	k.must(k.call(k.admin, "PUT", "/v3/projects/"+projectID+"/users/"+userID+"/roles/"+k.boot.MemberRoleID, nil), 204)
	return k.token(name, "pw-"+name, projectScope(name+"-project")), userID, projectID
}

// revoke is DELETE /v3/auth/tokens.
func (k *keystone) revoke(tok string) {
	k.t.Helper()
	k.must(k.call(k.admin, "DELETE", "/v3/auth/tokens", nil, "X-Subject-Token", tok), 204)
}

func (k *keystone) lastQuery() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.queries) == 0 {
		return ""
	}
	return k.queries[len(k.queries)-1]
}

// clock is a stopped clock for the middleware, which only advance moves.
type clock struct {
	start  time.Time
	offset atomic.Int64
}

func newClock() *clock { return &clock{start: time.Now()} }

func (c *clock) now() time.Time          { return c.start.Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// service is a glance-like API behind the middleware: its one handler
// records the caller's Context.
type service struct {
	t      testing.TB
	mw     *auth.Middleware
	client *auth.Client
	srv    *httptest.Server
	mu     sync.Mutex
	last   *auth.Context
}

func newService(t testing.TB, o auth.Options) *service {
	t.Helper()
	client, err := auth.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	s := &service{t: t, client: client, mw: auth.New(client)}
	router := httpapi.NewRouter(httpapi.Config{Flavor: httpapi.Nova, Logger: o.Logger})
	router.Use(s.mw.Handler)
	router.Get("/whoami", func(w http.ResponseWriter, r *http.Request) {
		c, ok := auth.FromContext(r.Context())
		s.mu.Lock()
		s.last = c
		s.mu.Unlock()
		if !ok {
			httpapi.WriteError(w, r, auth.Enforce(r, nil, "any", nil))
			return
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"user_id": c.UserID, "project_id": c.ProjectID})
	})
	s.srv = httptest.NewServer(router)
	t.Cleanup(s.srv.Close)
	return s
}

// get calls GET /whoami with headers given as name, value pairs.
func (s *service) get(headers ...string) response {
	s.t.Helper()
	req, err := http.NewRequest("GET", s.srv.URL+"/whoami", nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	_ = json.Unmarshal(data, &out.body)
	return out
}

func (s *service) lastContext() *auth.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// wantStatus fails unless r has the status.
func wantStatus(t testing.TB, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, strings.TrimSpace(r.raw))
	}
}

// logBuffer collects log output from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
