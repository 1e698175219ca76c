package api_test

import (
	"bytes"
	"context"
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

	"github.com/gostack/gostack/compute/network/api"
	"github.com/gostack/gostack/compute/network/bootstrap"
	networkpolicy "github.com/gostack/gostack/compute/network/policy"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/testenv"
)

// net is the API in process over a fresh database. Callers are injected
// by a stand-in for the auth middleware from the X-Test-Project and
// X-Test-Roles headers (the token path itself is tested in services/auth
// and by the real-client test).
type neutron struct {
	t   *testing.T
	srv *httptest.Server
	st  *store.Store
	// net and subnet are the shared flat network and its subnet, as
	// `network-api bootstrap` makes them, owned by the admin project.
	net, subnet string
}

const (
	alice = "alice-project"
	bob   = "bob-project"
	admin = "admin-project"
)

func injectCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project := r.Header.Get("X-Test-Project")
		if project == "" {
			httpapi.WriteError(w, r, errors.New("no caller"))
			return
		}
		roles := impliedRoles(strings.Split(r.Header.Get("X-Test-Roles"), ","))
		c := &auth.Context{Token: &auth.Token{UserID: "u-" + project, ProjectID: project, Roles: roles},
			IsAdmin: slices.Contains(roles, "admin")}
		next.ServeHTTP(w, r.WithContext(auth.WithContext(r.Context(), c)))
	})
}

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

func openStore(t *testing.T) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t), MaxPoolSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "network"); err != nil {
		t.Fatal(err)
	}
	return store.New(pool, "")
}

// newNeutron serves the API with the default network 10.252.0.0/24
// (pool .10-.250) unless pool narrows it.
func newNeutron(t *testing.T, poolStart, poolEnd string) *neutron {
	t.Helper()
	st := openStore(t)
	enforcer, err := policy.New(networkpolicy.Defaults(), nil,
		policy.Options{DeniedFormat: networkpolicy.DeniedFormat, EnforceNewDefaults: true})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := api.New(st, enforcer, api.Settings{}, quiet)
	srv := httptest.NewServer(a.Handler(httpapi.Config{Logger: quiet}, injectCaller))
	t.Cleanup(srv.Close)
	if poolStart == "" {
		poolStart, poolEnd = "10.252.0.10", "10.252.0.250"
	}
	res, err := bootstrap.Ensure(context.Background(), st, bootstrap.Spec{ProjectID: admin, Network: "private",
		PhysicalNetwork: "physnet1", Subnet: "private-subnet", CIDR: "10.252.0.0/24", Gateway: "10.252.0.1",
		PoolStart: poolStart, PoolEnd: poolEnd})
	if err != nil {
		t.Fatal(err)
	}
	return &neutron{t: t, srv: srv, st: st, net: res.Network.ID, subnet: res.Subnet.ID}
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// do sends a request as project with roles; body is nil or JSON.
func (n *neutron) do(project, roles, method, path string, body any) resp {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, n.srv.URL+path, rd)
	if err != nil {
		n.t.Fatal(err)
	}
	if project != "" {
		req.Header.Set("X-Test-Project", project)
		req.Header.Set("X-Test-Roles", roles)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
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

// wantError checks a NeutronError body's status, type and a piece of
// its message.
func wantError(t *testing.T, what string, r resp, status int, typ, msg string) {
	t.Helper()
	want(t, what, r, status)
	e, ok := r.body["NeutronError"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no NeutronError in %s", what, r.raw)
	}
	if e["type"] != typ || !strings.Contains(e["message"].(string), msg) {
		t.Fatalf("%s: error %s, want type %s and message containing %q", what, r.raw, typ, msg)
	}
	if _, ok := e["detail"]; !ok {
		t.Fatalf("%s: NeutronError without detail: %s", what, r.raw)
	}
}

func obj(r resp, key string) map[string]any {
	m, _ := r.body[key].(map[string]any)
	return m
}

func list(r resp, key string) []map[string]any {
	var out []map[string]any
	for _, v := range r.body[key].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

func ids(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it["id"].(string))
	}
	return out
}
