package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/servicegroup"
)

// TestMicroversionsAbove258 renders what 2.59..2.93 changed, with the API
// serving up to 2.93 (the committed maximum is lower until networking
// lands).
func TestMicroversionsAbove258(t *testing.T) {
	withMaxVersion(t, microversion.V(2, 93))
	n := newNova(t)
	ctx := context.Background()
	if _, err := n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "h1", Topic: "compute"}); err != nil {
		t.Fatal(err)
	}
	r := n.do("", "", "", "GET", "/v2.1", nil)
	if obj(t, r.body, "version")["version"] != "2.93" {
		t.Fatalf("max version: %s", r.raw)
	}
	f := createFlavor(t, n, "f1", 128, 1, true)
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"key_name": nil}))
	want(t, "create", r, 202)
	id := obj(t, r.body, "server")["id"].(string)
	path := "/v2.1/servers/" + id

	// Server views.
	s := obj(t, n.do(alice, memberR, "2.62", "GET", path, nil).body, "server")
	for _, k := range []string{"trusted_image_certificates", "locked_reason", "server_groups"} {
		if _, ok := s[k]; ok {
			t.Errorf("2.62 shows %s", k)
		}
	}
	r = n.do(alice, memberR, "2.93", "GET", path, nil)
	s = obj(t, r.body, "server")
	if v, ok := s["trusted_image_certificates"]; !ok || v != nil {
		t.Errorf("2.63 trusted_image_certificates: %s", r.raw)
	}
	if v, ok := s["locked_reason"]; !ok || v != nil {
		t.Errorf("2.73 locked_reason: %s", r.raw)
	}
	if l, ok := s["server_groups"].([]any); !ok || len(l) != 0 {
		t.Errorf("2.71 server_groups: %s", r.raw)
	}
	if s["OS-EXT-SRV-ATTR:hostname"] != "vm" || s["OS-EXT-SRV-ATTR:host"] != nil {
		t.Errorf("2.90 hostname for a member (and no host): %s", r.raw)
	}
	r = n.do(alice, memberR, "2.93", "GET", "/v2.1/servers/detail", nil)
	if l := r.body["servers"].([]any); len(l) != 1 || l[0].(map[string]any)["server_groups"] != nil {
		t.Errorf("2.71 server_groups is for one server only, not lists: %s", r.raw)
	}

	// 2.75: PUT answers the full server; flavors' swap is 0.
	r = n.do(alice, memberR, "2.74", "PUT", path, map[string]any{"server": map[string]any{"name": "vm2"}})
	if _, ok := obj(t, r.body, "server")["OS-EXT-STS:vm_state"]; ok {
		t.Errorf("2.74 PUT shows the full server: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.75", "PUT", path, map[string]any{"server": map[string]any{"name": "vm3"}})
	if s := obj(t, r.body, "server"); s["OS-EXT-STS:vm_state"] != "building" || s["server_groups"] == nil {
		t.Errorf("2.75 PUT: %s", r.raw)
	}
	if sw := obj(t, n.do(alice, memberR, "2.74", "GET", "/v2.1/flavors/"+f, nil).body, "flavor")["swap"]; sw != "" {
		t.Errorf("2.74 swap %v", sw)
	}
	if sw := obj(t, n.do(alice, memberR, "2.75", "GET", "/v2.1/flavors/"+f, nil).body, "flavor")["swap"]; sw != float64(0) {
		t.Errorf("2.75 swap %v", sw)
	}

	// List filters: strict from 2.75, locked from 2.73, more for
	// non-admins from 2.83.
	want(t, "unknown filter at 2.74", n.do(alice, memberR, "2.74", "GET", "/v2.1/servers?foo=1", nil), 200)
	r = n.do(alice, memberR, "2.75", "GET", "/v2.1/servers?foo=1", nil)
	if want(t, "unknown filter at 2.75", r, 400); !strings.Contains(string(r.raw), "('foo' was unexpected)") {
		t.Errorf("2.75 strict query: %s", r.raw)
	}
	count := func(version, query string) int {
		r := n.do(alice, memberR, version, "GET", "/v2.1/servers"+query, nil)
		want(t, "list "+query, r, 200)
		return len(r.body["servers"].([]any))
	}
	if count("2.73", "?locked=true") != 0 || count("2.73", "?locked=false") != 1 || count("2.72", "?locked=true") != 1 {
		t.Errorf("locked filter")
	}
	if count("2.82", "?vm_state=active") != 1 || count("2.83", "?vm_state=active") != 0 || count("2.83", "?vm_state=building") != 1 {
		t.Errorf("2.83 non-admin vm_state filter")
	}

	// 2.78 topology; 2.81 image pre-caching.
	want(t, "topology at 2.77", n.do(alice, memberR, "2.77", "GET", path+"/topology", nil), 404)
	r = n.do(alice, memberR, "2.78", "GET", path+"/topology", nil)
	if want(t, "topology", r, 200); string(r.raw) != `{"nodes":[],"pagesize_kb":null}` {
		t.Errorf("topology: %s", r.raw)
	}
	want(t, "bob's topology", n.do(bob, memberR, "2.78", "GET", path+"/topology", nil), 404)
	r = n.do(adminP, adminR, "2.81", "POST", "/v2.1/os-aggregates", map[string]any{"aggregate": map[string]any{"name": "a"}})
	aggID := string(mustJSON(obj(t, r.body, "aggregate")["id"]))
	img := map[string]any{"cache": []any{map[string]any{"id": imgID}}}
	want(t, "cache at 2.80", n.do(adminP, adminR, "2.80", "POST", "/v2.1/os-aggregates/"+aggID+"/images", img), 404)
	want(t, "cache", n.do(adminP, adminR, "2.81", "POST", "/v2.1/os-aggregates/"+aggID+"/images", img), 202)
	want(t, "cache as member", n.do(alice, memberR, "2.81", "POST", "/v2.1/os-aggregates/"+aggID+"/images", img), 403)
	r = n.do(adminP, adminR, "2.81", "POST", "/v2.1/os-aggregates/"+aggID+"/images",
		map[string]any{"cache": []any{map[string]any{"id": imgID}, map[string]any{"id": imgID}}})
	if want(t, "duplicate images", r, 400); !strings.Contains(string(r.raw), "Duplicate images in request") {
		t.Errorf("duplicates: %s", r.raw)
	}

	// 2.88: hypervisor usage fields and statistics gone.
	r = n.do(adminP, adminR, "2.87", "GET", "/v2.1/os-hypervisors/detail", nil)
	want(t, "hypervisors 2.87", r, 200)
	want(t, "statistics 2.88", n.do(adminP, adminR, "2.88", "GET", "/v2.1/os-hypervisors/statistics", nil), 404)
	want(t, "statistics 2.87", n.do(adminP, adminR, "2.87", "GET", "/v2.1/os-hypervisors/statistics", nil), 200)

	// 2.92: keypairs are imported only, with a wider name pattern.
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1kP7s4yqL3kT6y+Zt8K2x2v0ZfQv0mQfPpR0n7o1nW test"
	r = n.do(alice, memberR, "2.92", "POST", "/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{"name": "gen"}})
	if want(t, "generate at 2.92", r, 400); !strings.Contains(string(r.raw), "'public_key' is a required property") {
		t.Errorf("2.92 generate: %s", r.raw)
	}
	want(t, "bad name at 2.92", n.do(alice, memberR, "2.92", "POST", "/v2.1/os-keypairs",
		map[string]any{"keypair": map[string]any{"name": "a/b", "public_key": pub}}), 400)
	want(t, "import at 2.92", n.do(alice, memberR, "2.92", "POST", "/v2.1/os-keypairs",
		map[string]any{"keypair": map[string]any{"name": "me@host.x", "public_key": pub}}), 201)

	// 2.74: host in the create body, admins only, a known host.
	body := serverBody(f, imgID, map[string]any{"host": "h1"})
	want(t, "host at 2.73", n.do(adminP, adminR, "2.73", "POST", "/v2.1/servers", body), 400)
	want(t, "host as member", n.do(alice, memberR, "2.74", "POST", "/v2.1/servers", body), 403)
	want(t, "unknown host", n.do(adminP, adminR, "2.74", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"host": "nope"})), 400)
	want(t, "host", n.do(adminP, adminR, "2.74", "POST", "/v2.1/servers", body), 202)
	if b := n.rec.builds[len(n.rec.builds)-1]; b.ForceHost != "h1" {
		t.Errorf("2.74 host not passed on: %+v", b.ForceHost)
	}

	// 2.90: hostname at create and update.
	want(t, "hostname at 2.89", n.do(alice, memberR, "2.89", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"hostname": "web-1"})), 400)
	want(t, "bad hostname", n.do(alice, memberR, "2.90", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"hostname": "a b"})), 400)
	r = n.do(alice, memberR, "2.90", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"hostname": "web-1", "max_count": 2}))
	if want(t, "one hostname for two", r, 400); !strings.Contains(string(r.raw), "single configured hostname") {
		t.Errorf("ambiguous hostname: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.90", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"hostname": "web-1"}))
	want(t, "hostname", r, 202)
	hpath := "/v2.1/servers/" + obj(t, r.body, "server")["id"].(string)
	if h := obj(t, n.do(alice, memberR, "2.90", "GET", hpath, nil).body, "server")["OS-EXT-SRV-ATTR:hostname"]; h != "web-1" {
		t.Errorf("hostname %v", h)
	}
	r = n.do(alice, memberR, "2.90", "PUT", hpath, map[string]any{"server": map[string]any{"hostname": "web-2"}})
	if want(t, "update hostname", r, 200); obj(t, r.body, "server")["OS-EXT-SRV-ATTR:hostname"] != "web-2" {
		t.Errorf("updated hostname: %s", r.raw)
	}

	// 2.63: trusted image certificates at create, shown; refused before
	// 2.63, empty or repeated.
	certs := []any{"cert-1", "cert-2"}
	want(t, "certificates at 2.62", n.do(alice, memberR, "2.62", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"trusted_image_certificates": certs})), 400)
	want(t, "no certificates", n.do(alice, memberR, "2.63", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"trusted_image_certificates": []any{}})), 400)
	want(t, "repeated certificates", n.do(alice, memberR, "2.63", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"trusted_image_certificates": []any{"a", "a"}})), 400)
	r = n.do(alice, memberR, "2.63", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"trusted_image_certificates": certs}))
	want(t, "certificates", r, 202)
	cpath := "/v2.1/servers/" + obj(t, r.body, "server")["id"].(string)
	if got, _ := obj(t, n.do(alice, memberR, "2.63", "GET", cpath, nil).body, "server")["trusted_image_certificates"].([]any); len(got) != 2 || got[0] != "cert-1" {
		t.Errorf("2.63 certificates shown: %v", got)
	}

	// 2.62/2.84: events show hostId (and host, details to admins).
	r = n.do(adminP, adminR, "2.84", "GET", path+"/os-instance-actions", nil)
	reqID := r.body["instanceActions"].([]any)[0].(map[string]any)["request_id"].(string)
	r = n.do(adminP, adminR, "2.84", "GET", path+"/os-instance-actions/"+reqID, nil)
	want(t, "action", r, 200)
}
