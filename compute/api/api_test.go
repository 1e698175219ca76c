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
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/api"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	computepolicy "github.com/gostack/gostack/compute/policy"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// The API runs in process over a fresh nova database. Glance, the
// conductor and the compute hosts are stand-ins that record what they are
// asked (the real ones are exercised by osc_test.go against the dev
// stack); callers come from the X-Test-Project and X-Test-Roles headers.

func injectCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project := r.Header.Get("X-Test-Project")
		if project == "" {
			httpapi.WriteError(w, r, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired))
			return
		}
		roles := strings.Split(r.Header.Get("X-Test-Roles"), ",")
		user := r.Header.Get("X-Test-User")
		if user == "" {
			user = "u-" + project
		}
		c := &auth.Context{Token: &auth.Token{UserID: user, ProjectID: project, Roles: roles, IsAdminProject: true},
			IsAdmin: slices.Contains(roles, "admin"), AuthToken: "tok-" + project}
		next.ServeHTTP(w, r.WithContext(auth.WithContext(r.Context(), c)))
	})
}

type images map[string]objects.ImageMeta

func (im images) Image(_ context.Context, _, id string) (objects.ImageMeta, error) {
	m, ok := im[id]
	if !ok {
		return m, fault.New(fault.NotFound, "no image")
	}
	return m, nil
}

type recorder struct {
	mu     sync.Mutex
	builds []conductorapi.BuildInstances
	casts  []string
}

func (r *recorder) BuildInstances(_ context.Context, m conductorapi.BuildInstances) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.builds = append(r.builds, m)
	return nil
}
func (r *recorder) cast(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.casts = append(r.casts, name)
	return nil
}
func (r *recorder) StopInstance(_ context.Context, _ objects.Instance, _ bool) error {
	return r.cast("stop")
}
func (r *recorder) StartInstance(context.Context, objects.Instance) error { return r.cast("start") }
func (r *recorder) RebootInstance(_ context.Context, _ objects.Instance, t string) error {
	return r.cast("reboot " + t)
}
func (r *recorder) PauseInstance(context.Context, objects.Instance) error   { return r.cast("pause") }
func (r *recorder) UnpauseInstance(context.Context, objects.Instance) error { return r.cast("unpause") }
func (r *recorder) SuspendInstance(context.Context, objects.Instance) error { return r.cast("suspend") }
func (r *recorder) ResumeInstance(context.Context, objects.Instance) error  { return r.cast("resume") }
func (r *recorder) TerminateInstance(context.Context, objects.Instance, []objects.BlockDeviceMapping) error {
	return r.cast("terminate")
}
func (r *recorder) GetConsoleOutput(context.Context, objects.Instance, int) (string, error) {
	return "tinyvm booted\n", r.cast("console")
}

type nova struct {
	t     *testing.T
	srv   *httptest.Server
	store *store.Store
	svcs  *servicegroup.Store
	rec   *recorder
}

const (
	imgID   = "11111111-2222-3333-4444-555555555555"
	bigImg  = "11111111-2222-3333-4444-666666666666"
	alice   = "aaaaaaaa"
	bob     = "bbbbbbbb"
	adminP  = "admin-project"
	memberR = "member,reader"
	adminR  = "admin,member,reader"
)

func newNova(t *testing.T) *nova {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	enforcer, err := policy.New(computepolicy.Defaults(), nil, policy.Options{DeniedFormat: computepolicy.DeniedFormat, EnforceNewDefaults: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	st := store.New(pool)
	svcs := servicegroup.NewStore(pool)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := api.New(api.Deps{Store: st, Services: svcs, Nodes: placement.NewStore(pool), Conductor: rec, Compute: rec,
		Images: images{
			imgID:  {ID: imgID, Name: "tiny", Status: "active", Size: 24 << 20, DiskFormat: "raw", ContainerFormat: "bare"},
			bigImg: {ID: bigImg, Name: "big", Status: "active", Size: 3 << 30, DiskFormat: "raw", ContainerFormat: "bare"},
		},
		Policy: enforcer, Settings: api.Settings{EnableInstancePassword: true}, Log: quiet})
	srv := httptest.NewServer(a.Handler(httpapi.Config{Logger: quiet}, injectCaller))
	t.Cleanup(srv.Close)
	return &nova{t: t, srv: srv, store: st, svcs: svcs, rec: rec}
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (n *nova) do(project, roles, version, method, path string, body any) resp {
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
	if version != "" {
		req.Header.Set("OpenStack-API-Version", "compute "+version)
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

func obj(t *testing.T, v any, key string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)[key].(map[string]any)
	if !ok {
		t.Fatalf("no object %q in %v", key, v)
	}
	return m
}

func TestDiscoveryAndMicroversions(t *testing.T) {
	n := newNova(t)
	r := n.do("", "", "", "GET", "/", nil)
	want(t, "GET /", r, 200)
	vs := r.body["versions"].([]any)
	v21 := vs[1].(map[string]any)
	if v21["id"] != "v2.1" || v21["version"] != api.MaxVersion.String() || v21["min_version"] != "2.1" || v21["status"] != "CURRENT" {
		t.Errorf("versions: %s", r.raw)
	}
	r = n.do("", "", "", "GET", "/v2.1", nil)
	want(t, "GET /v2.1", r, 200)
	if obj(t, r.body, "version")["version"] != api.MaxVersion.String() {
		t.Errorf("version: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.99", "GET", "/v2.1/flavors", nil)
	want(t, "above max", r, 406)
	if !strings.Contains(string(r.raw), `"computeFault"`) {
		t.Errorf("406 body: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.37", "GET", "/v2.1/flavors", nil)
	want(t, "2.37", r, 200)
	if r.header.Get("OpenStack-API-Version") != "compute 2.37" || r.header.Get("X-OpenStack-Nova-API-Version") != "2.37" {
		t.Errorf("headers: %v", r.header)
	}
	want(t, "no token", n.do("", "", "", "GET", "/v2.1/servers", nil), 401)
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/nope", nil)
	want(t, "unknown server", r, 404)
	if string(r.raw) != `{"itemNotFound":{"code":404,"message":"Instance nope could not be found."}}` {
		t.Errorf("404 body: %s", r.raw)
	}
}

func createFlavor(t *testing.T, n *nova, name string, ram, disk int, public bool) string {
	t.Helper()
	r := n.do(adminP, adminR, "2.55", "POST", "/v2.1/flavors", map[string]any{"flavor": map[string]any{
		"name": name, "ram": ram, "vcpus": 1, "disk": disk, "os-flavor-access:is_public": public, "description": "d"}})
	want(t, "create flavor", r, 200)
	return obj(t, r.body, "flavor")["id"].(string)
}

func TestFlavors(t *testing.T) {
	n := newNova(t)
	want(t, "member cannot create", n.do(alice, memberR, "", "POST", "/v2.1/flavors", map[string]any{"flavor": map[string]any{
		"name": "x", "ram": 1, "vcpus": 1, "disk": 1}}), 403)
	pub := createFlavor(t, n, "pub", 512, 1, true)
	priv := createFlavor(t, n, "priv", 1024, 5, false)
	r := n.do(adminP, adminR, "", "POST", "/v2.1/flavors", map[string]any{"flavor": map[string]any{"name": "pub", "ram": 1, "vcpus": 1, "disk": 1}})
	want(t, "duplicate name", r, 409)
	r = n.do(adminP, adminR, "", "POST", "/v2.1/flavors", map[string]any{"flavor": map[string]any{"name": "bad", "ram": 0, "vcpus": 1, "disk": 1}})
	want(t, "ram 0", r, 400)

	r = n.do(alice, memberR, "", "GET", "/v2.1/flavors/detail", nil)
	want(t, "list", r, 200)
	if l := r.body["flavors"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != pub || l[0].(map[string]any)["swap"] != "" {
		t.Errorf("alice sees: %s", r.raw)
	}
	want(t, "private hidden", n.do(alice, memberR, "", "GET", "/v2.1/flavors/"+priv, nil), 404)
	want(t, "access to public", n.do(adminP, adminR, "2.7", "POST", "/v2.1/flavors/"+pub+"/action",
		map[string]any{"addTenantAccess": map[string]any{"tenant": alice}}), 409)
	r = n.do(adminP, adminR, "", "POST", "/v2.1/flavors/"+priv+"/action", map[string]any{"addTenantAccess": map[string]any{"tenant": alice}})
	want(t, "add access", r, 200)
	want(t, "private visible", n.do(alice, memberR, "", "GET", "/v2.1/flavors/"+priv, nil), 200)
	r = n.do(alice, memberR, "", "GET", "/v2.1/flavors?minRam=1000", nil)
	if l := r.body["flavors"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != priv {
		t.Errorf("minRam: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", "/v2.1/flavors?is_public=None&limit=1", nil)
	if l := r.body["flavors"].([]any); len(l) != 1 || r.body["flavors_links"] == nil {
		t.Errorf("paging: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "POST", "/v2.1/flavors/"+pub+"/os-extra_specs", map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "shared"}})
	want(t, "extra specs", r, 200)
	r = n.do(alice, memberR, "2.61", "GET", "/v2.1/flavors/"+pub+"/os-extra_specs/hw:cpu_policy", nil)
	if r.status != 406 && r.body["hw:cpu_policy"] != "shared" {
		t.Errorf("extra spec: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.55", "GET", "/v2.1/flavors/"+pub, nil)
	if obj(t, r.body, "flavor")["description"] != "d" {
		t.Errorf("2.55 description: %s", r.raw)
	}
	if _, ok := obj(t, n.do(alice, memberR, "2.54", "GET", "/v2.1/flavors/"+pub, nil).body, "flavor")["description"]; ok {
		t.Errorf("description below 2.55")
	}
	want(t, "delete", n.do(adminP, adminR, "", "DELETE", "/v2.1/flavors/"+priv, nil), 202)
}

func TestKeypairs(t *testing.T) {
	n := newNova(t)
	r := n.do(alice, memberR, "2.10", "POST", "/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{"name": "kp1"}})
	want(t, "generate", r, 201)
	kp := obj(t, r.body, "keypair")
	if !strings.HasPrefix(kp["private_key"].(string), "-----BEGIN") || kp["type"] != "ssh" || !strings.HasPrefix(kp["public_key"].(string), "ssh-rsa ") {
		t.Errorf("keypair: %s", r.raw)
	}
	r = n.do(alice, memberR, "", "POST", "/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{"name": "kp2",
		"public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBKGx0OkNW4QhLA0u6hzP3bvCUs0nsl0MhU6GDs1ysaF test"}})
	want(t, "import at 2.1", r, 200)
	if _, ok := obj(t, r.body, "keypair")["type"]; ok {
		t.Errorf("type at 2.1: %s", r.raw)
	}
	want(t, "duplicate", n.do(alice, memberR, "", "POST", "/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{"name": "kp1"}}), 409)
	want(t, "bad key", n.do(alice, memberR, "", "POST", "/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{"name": "kp3", "public_key": "nope"}}), 400)
	r = n.do(alice, memberR, "2.2", "GET", "/v2.1/os-keypairs", nil)
	if l := r.body["keypairs"].([]any); len(l) != 2 {
		t.Errorf("list: %s", r.raw)
	}
	want(t, "other user", n.do(bob, memberR, "", "GET", "/v2.1/os-keypairs/kp1", nil), 404)
	want(t, "delete 2.2", n.do(alice, memberR, "2.2", "DELETE", "/v2.1/os-keypairs/kp1", nil), 204)
	want(t, "delete 2.1", n.do(alice, memberR, "", "DELETE", "/v2.1/os-keypairs/kp2", nil), 202)
}

func serverBody(flavor, image string, extra map[string]any) map[string]any {
	s := map[string]any{"name": "vm", "flavorRef": flavor, "imageRef": image, "networks": "none"}
	for k, v := range extra {
		s[k] = v
	}
	return map[string]any{"server": s}
}

func TestServerCreateChecks(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "f1", 128, 1, true)
	want(t, "reader cannot create", n.do(alice, "reader", "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil)), 403)
	r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, bigImg, nil))
	want(t, "flavor too small", r, 400)
	if !strings.Contains(string(r.raw), "Flavor disk is 1073741824 bytes, image is 3221225472 bytes.") {
		t.Errorf("too small message: %s", r.raw)
	}
	want(t, "networks required at 2.37", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers",
		map[string]any{"server": map[string]any{"name": "vm", "flavorRef": f, "imageRef": imgID}}), 400)
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"networks": []any{map[string]any{"uuid": "not-a-uuid"}}}))
	want(t, "bad network uuid", r, 400)
	if !strings.Contains(string(r.raw), "Bad networks format: network uuid is not in proper format ('not-a-uuid')") {
		t.Errorf("networks message: %s", r.raw)
	}
	want(t, "unknown flavor", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody("nope", imgID, nil)), 400)
	want(t, "unknown image", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, "99999999-2222-3333-4444-555555555555", nil)), 400)
	want(t, "bad key", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"key_name": "nope"})), 400)
	want(t, "forced host needs admin", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"availability_zone": "nova:h1"})), 403)

	// Quota: 3 instances at most for alice.
	want(t, "quota update", n.do(adminP, adminR, "", "PUT", "/v2.1/os-quota-sets/"+alice, map[string]any{"quota_set": map[string]any{"instances": 3}}), 200)
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"min_count": 2, "max_count": 5}))
	want(t, "multi create", r, 202)
	list, _ := n.store.ListInstances(context.Background(), store.InstanceFilter{ProjectID: alice}, nil, 0, "")
	if len(list) != 3 {
		t.Fatalf("max_count cut to quota: %d instances", len(list))
	}
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	want(t, "over quota", r, 403)
	if !strings.Contains(string(r.raw), `"forbidden"`) || !strings.Contains(string(r.raw), "Quota exceeded for instances") {
		t.Errorf("quota body: %s", r.raw)
	}
	if len(n.rec.builds) != 1 || len(n.rec.builds[0].Instances) != 3 {
		t.Errorf("builds: %+v", n.rec.builds)
	}
	r = n.do(alice, memberR, "", "GET", "/v2.1/limits", nil)
	abs := obj(t, obj(t, r.body, "limits"), "absolute")
	if abs["maxTotalInstances"] != float64(3) || abs["totalInstancesUsed"] != float64(3) {
		t.Errorf("limits: %s", r.raw)
	}
}

func TestServerLifecycle(t *testing.T) {
	n := newNova(t)
	ctx := context.Background()
	f := createFlavor(t, n, "f1", 128, 1, true)
	r := n.do(alice, memberR, "2.52", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{
		"metadata": map[string]any{"a": "1"}, "tags": []any{"t1"}, "description": "hello"}))
	want(t, "create", r, 202)
	id := obj(t, r.body, "server")["id"].(string)
	if r.header.Get("Location") == "" || obj(t, r.body, "server")["adminPass"] == nil {
		t.Errorf("create: %v %s", r.header, r.raw)
	}
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id, nil)
	want(t, "show", r, 200)
	s := obj(t, r.body, "server")
	if s["status"] != "BUILD" || s["OS-EXT-STS:task_state"] != "scheduling" || obj(t, s, "flavor")["id"] != f ||
		len(s["addresses"].(map[string]any)) != 0 || obj(t, s, "metadata")["a"] != "1" {
		t.Errorf("show at 2.1: %s", r.raw)
	}
	if _, ok := s["OS-EXT-SRV-ATTR:host"]; ok {
		t.Errorf("extended attributes shown to a member")
	}
	r = n.do(alice, memberR, "2.58", "GET", "/v2.1/servers/"+id, nil)
	s = obj(t, r.body, "server")
	if obj(t, s, "flavor")["original_name"] != "f1" || s["description"] != "hello" || len(s["tags"].([]any)) != 1 || s["locked"] != false {
		t.Errorf("show at 2.58: %s", r.raw)
	}
	// accessIPv4/v6 given at update show in the server.
	r = n.do(alice, memberR, "", "PUT", "/v2.1/servers/"+id, map[string]any{"server": map[string]any{
		"accessIPv4": "1.1.1.1", "accessIPv6": "0:0:0:0:0:babe:2.2.2.2"}})
	want(t, "update access IPs", r, 200)
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id, nil)
	if s := obj(t, r.body, "server"); s["accessIPv4"] != "1.1.1.1" || s["accessIPv6"] != "::babe:202:202" {
		t.Errorf("access IPs after update: %v %v", s["accessIPv4"], s["accessIPv6"])
	}
	// os-server-ips: no NIC yet, so no addresses and no network.
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id+"/ips", nil)
	want(t, "ips", r, 200)
	if a, ok := r.body["addresses"].(map[string]any); !ok || len(a) != 0 {
		t.Errorf("ips: %s", r.raw)
	}
	want(t, "ips of a network", n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id+"/ips/private", nil), 404)
	want(t, "bob ips", n.do(bob, memberR, "", "GET", "/v2.1/servers/"+id+"/ips", nil), 404)
	// limit=0 is an empty page, as nova.
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers?limit=0", nil)
	want(t, "limit=0", r, 200)
	if l := r.body["servers"].([]any); len(l) != 0 {
		t.Errorf("limit=0 listed %d servers", len(l))
	}
	// Other projects neither see nor act on it.
	want(t, "bob show", n.do(bob, memberR, "", "GET", "/v2.1/servers/"+id, nil), 404)
	want(t, "bob delete", n.do(bob, memberR, "", "DELETE", "/v2.1/servers/"+id, nil), 404)
	want(t, "bob stop", n.do(bob, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-stop": nil}), 404)
	if l := n.do(bob, memberR, "", "GET", "/v2.1/servers", nil).body["servers"].([]any); len(l) != 0 {
		t.Errorf("bob lists alice's servers")
	}
	want(t, "all_tenants needs admin", n.do(alice, memberR, "", "GET", "/v2.1/servers/detail?all_tenants=1", nil), 403)
	r = n.do(adminP, adminR, "2.53", "GET", "/v2.1/servers/detail?all_tenants=1", nil)
	if l := r.body["servers"].([]any); len(l) != 1 || l[0].(map[string]any)["OS-EXT-SRV-ATTR:instance_name"] == nil {
		t.Errorf("admin all_tenants: %s", r.raw)
	}
	// Building: no host yet, so power actions conflict.
	want(t, "stop while building", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-stop": nil}), 409)

	// As if nova-compute built it on host h1 (up).
	svc, err := n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "h1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.svcs.Report(ctx, svc.ID); err != nil {
		t.Fatal(err)
	}
	h, active, none, running := "h1", objects.VMActive, "", objects.PowerRunning
	if _, err := n.store.UpdateInstance(ctx, id, store.InstanceUpdate{Host: &h, Node: &h, VMState: &active, TaskState: &none, PowerState: &running}); err != nil {
		t.Fatal(err)
	}
	r = n.do(adminP, adminR, "2.16", "GET", "/v2.1/servers/"+id, nil)
	if s := obj(t, r.body, "server"); s["status"] != "ACTIVE" || s["host_status"] != "UP" || s["OS-EXT-SRV-ATTR:host"] != "h1" {
		t.Errorf("active: %s", r.raw)
	}
	want(t, "reader cannot stop", n.do(alice, "reader", "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-stop": nil}), 403)
	want(t, "stop", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-stop": nil}), 202)
	want(t, "stop again", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-stop": nil}), 409)
	want(t, "start while stopping", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-start": nil}), 409)
	if _, err := n.store.UpdateInstance(ctx, id, store.InstanceUpdate{TaskState: &none}); err != nil {
		t.Fatal(err)
	}
	want(t, "hard reboot", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"reboot": map[string]any{"type": "HARD"}}), 202)
	if s := obj(t, n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id, nil).body, "server"); s["status"] != "HARD_REBOOT" {
		t.Errorf("status while hard rebooting: %v", s["status"])
	}
	want(t, "bad reboot type", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"reboot": map[string]any{"type": "x"}}), 400)
	r = n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"os-getConsoleOutput": map[string]any{"length": 10}})
	want(t, "console", r, 200)
	if r.body["output"] != "tinyvm booted\n" {
		t.Errorf("console: %s", r.raw)
	}
	// Lock, metadata, tags.
	if _, err := n.store.UpdateInstance(ctx, id, store.InstanceUpdate{TaskState: &none}); err != nil {
		t.Fatal(err)
	}
	want(t, "lock", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"lock": nil}), 202)
	want(t, "locked delete", n.do(alice, memberR, "", "DELETE", "/v2.1/servers/"+id, nil), 409)
	want(t, "unlock", n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/action", map[string]any{"unlock": nil}), 202)
	r = n.do(alice, memberR, "", "POST", "/v2.1/servers/"+id+"/metadata", map[string]any{"metadata": map[string]any{"b": "2"}})
	if want(t, "metadata", r, 200); len(r.body["metadata"].(map[string]any)) != 2 {
		t.Errorf("metadata: %s", r.raw)
	}
	want(t, "metadata item", n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id+"/metadata/b", nil), 200)
	want(t, "delete item", n.do(alice, memberR, "", "DELETE", "/v2.1/servers/"+id+"/metadata/b", nil), 204)
	want(t, "tags below 2.26", n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id+"/tags", nil), 404)
	want(t, "add tag", n.do(alice, memberR, "2.26", "PUT", "/v2.1/servers/"+id+"/tags/t2", nil), 201)
	want(t, "check tag", n.do(alice, memberR, "2.26", "GET", "/v2.1/servers/"+id+"/tags/t2", nil), 204)
	r = n.do(alice, memberR, "2.26", "GET", "/v2.1/servers/detail?tags=t1,t2", nil)
	if l := r.body["servers"].([]any); len(l) != 1 {
		t.Errorf("tags filter: %s", r.raw)
	}
	// Instance actions.
	r = n.do(alice, memberR, "2.58", "GET", "/v2.1/servers/"+id+"/os-instance-actions", nil)
	acts := r.body["instanceActions"].([]any)
	if len(acts) < 4 || acts[len(acts)-1].(map[string]any)["action"] != "create" {
		t.Errorf("actions: %s", r.raw)
	}
	req := acts[len(acts)-1].(map[string]any)["request_id"].(string)
	r = n.do(alice, memberR, "2.51", "GET", "/v2.1/servers/"+id+"/os-instance-actions/"+req, nil)
	if want(t, "action", r, 200); obj(t, r.body, "instanceAction")["events"] == nil {
		t.Errorf("events at 2.51: %s", r.raw)
	}
	// Delete goes to the host.
	want(t, "delete", n.do(alice, memberR, "", "DELETE", "/v2.1/servers/"+id, nil), 204)
	if !slices.Contains(n.rec.casts, "terminate") {
		t.Errorf("casts: %v", n.rec.casts)
	}
	in, err := n.store.GetInstance(ctx, id, false)
	if err != nil || in.TaskState != objects.TaskDeleting {
		t.Errorf("after delete: %v %+v", err, in)
	}
}

func TestDeleteUnscheduledIsLocal(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "f1", 128, 1, true)
	r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	id := obj(t, r.body, "server")["id"].(string)
	want(t, "delete", n.do(alice, memberR, "", "DELETE", "/v2.1/servers/"+id, nil), 204)
	want(t, "gone", n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id, nil), 404)
	if _, err := n.store.GetInstance(context.Background(), id, false); !errors.Is(err, fault.Of(fault.NotFound)) {
		t.Errorf("still live: %v", err)
	}
}

func TestServicesZonesQuotas(t *testing.T) {
	n := newNova(t)
	ctx := context.Background()
	svc, err := n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "h1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-conductor", Host: "c1", Topic: "conductor"})
	r := n.do(adminP, adminR, "2.53", "GET", "/v2.1/os-services?binary=nova-compute", nil)
	if l := r.body["services"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != svc.UUID || l[0].(map[string]any)["zone"] != "nova" {
		t.Errorf("services: %s", r.raw)
	}
	want(t, "member", n.do(alice, memberR, "", "GET", "/v2.1/os-services", nil), 403)
	r = n.do(adminP, adminR, "2.53", "PUT", "/v2.1/os-services/"+svc.UUID, map[string]any{"status": "disabled", "disabled_reason": "maint"})
	if want(t, "disable", r, 200); obj(t, r.body, "service")["status"] != "disabled" {
		t.Errorf("disable: %s", r.raw)
	}
	r = n.do(adminP, adminR, "2.11", "PUT", "/v2.1/os-services/force-down", map[string]any{"host": "h1", "binary": "nova-compute", "forced_down": true})
	if want(t, "force down", r, 200); obj(t, r.body, "service")["forced_down"] != true {
		t.Errorf("force down: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-availability-zone/detail", nil)
	if l := r.body["availabilityZoneInfo"].([]any); len(l) != 2 {
		t.Errorf("zones: %s", r.raw)
	}
	r = n.do(alice, memberR, "", "GET", "/v2.1/os-quota-sets/"+alice, nil)
	qs := obj(t, r.body, "quota_set")
	if qs["instances"] != float64(10) || qs["fixed_ips"] != float64(-1) || qs["id"] != alice {
		t.Errorf("quota 2.1: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.57", "GET", "/v2.1/os-quota-sets/"+alice+"/detail", nil)
	qs = obj(t, r.body, "quota_set")
	if _, ok := qs["injected_files"]; ok || obj(t, qs, "cores")["limit"] != float64(20) {
		t.Errorf("quota 2.57 detail: %s", r.raw)
	}
	want(t, "member cannot update quota", n.do(alice, memberR, "", "PUT", "/v2.1/os-quota-sets/"+alice, map[string]any{"quota_set": map[string]any{"cores": 1}}), 403)
	want(t, "usage", n.do(alice, memberR, "", "GET", "/v2.1/os-simple-tenant-usage/"+alice, nil), 200)
	want(t, "hypervisors", n.do(adminP, adminR, "", "GET", "/v2.1/os-hypervisors/detail", nil), 200)
	want(t, "hypervisor stats", n.do(adminP, adminR, "", "GET", "/v2.1/os-hypervisors/statistics", nil), 200)
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-hypervisors/zz/search", nil)
	if want(t, "hypervisor search", r, 404); !strings.Contains(string(r.raw), "No hypervisor matching 'zz'") {
		t.Errorf("search: %s", r.raw)
	}
	want(t, "search gone at 2.53", n.do(adminP, adminR, "2.53", "GET", "/v2.1/os-hypervisors/zz/search", nil), 404)
	want(t, "hypervisor uptime", n.do(adminP, adminR, "", "GET", "/v2.1/os-hypervisors/1/uptime", nil), 404)
	want(t, "usage list 2.40", n.do(adminP, adminR, "2.40", "GET", "/v2.1/os-simple-tenant-usage?detailed=1&limit=1", nil), 200)
	// An empty project id is not routed by nova (tempest's
	// test_get_usage_tenant_with_empty_tenant_id), not the list.
	want(t, "usage of empty project", n.do(adminP, adminR, "", "GET", "/v2.1/os-simple-tenant-usage/", nil), 404)
	want(t, "aggregates", n.do(adminP, adminR, "", "GET", "/v2.1/os-aggregates", nil), 200)
}
