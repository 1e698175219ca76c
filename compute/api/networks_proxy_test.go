package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/networkapi"
)

// os-networks and os-tenant-networks (2.1-2.35) show the network
// service's networks the caller sees, in nova's views.
func TestNetworkProxies(t *testing.T) {
	n := newSecGroupProxyNova(t, newMemNeutron())
	r := n.do(alice, "reader", "2.35", "GET", "/v2.1/os-networks", nil)
	want(t, "list", r, 200)
	nets := r.body["networks"].([]any)
	if len(nets) != 2 {
		t.Fatalf("alice's networks: %s", r.raw)
	}
	first := nets[0].(map[string]any)
	if first["label"] != "public" || first["cidr"] != nil || len(first) != 11 {
		t.Errorf("member's view (nova's 11 fields, only id and label set): %v", first)
	}
	if _, ok := first["project_id"]; ok {
		t.Errorf("a member sees the admin fields: %v", first)
	}
	r = n.do(adminP, adminR, "2.35", "GET", "/v2.1/os-networks/5e0e1d57-0000-4000-8000-000000000002", nil)
	want(t, "admin show", r, 200)
	if v := r.body["network"].(map[string]any); v["label"] != "alice-net" || len(v) != 32 {
		t.Errorf("admin's view (32 fields): %v", v)
	}
	r = n.do(bob, memberR, "2.35", "GET", "/v2.1/os-networks/5e0e1d57-0000-4000-8000-000000000002", nil)
	if want(t, "bob shows alice's", r, 404); !strings.Contains(string(r.raw), "Network not found") {
		t.Errorf("404 body: %s", r.raw)
	}
	r = n.do(bob, memberR, "2.35", "GET", "/v2.1/os-tenant-networks", nil)
	want(t, "tenant list", r, 200)
	if nets := r.body["networks"].([]any); len(nets) != 1 || !strings.Contains(string(r.raw), `{"cidr":"None","id":"5e0e1d57-0000-4000-8000-000000000001","label":"public"}`) {
		t.Errorf("bob's tenant networks: %s", r.raw)
	}
	want(t, "tenant show", n.do(alice, memberR, "2.35", "GET", "/v2.1/os-tenant-networks/5e0e1d57-0000-4000-8000-000000000002", nil), 200)
	want(t, "gone at 2.36", n.do(alice, memberR, "2.36", "GET", "/v2.1/os-networks", nil), 404)
	want(t, "tenant gone at 2.36", n.do(alice, memberR, "2.36", "GET", "/v2.1/os-tenant-networks", nil), 404)
	want(t, "create removed", n.do(adminP, adminR, "2.35", "POST", "/v2.1/os-networks", map[string]any{"network": map[string]any{"label": "x"}}), 410)
	want(t, "tenant delete removed", n.do(alice, memberR, "2.35", "DELETE", "/v2.1/os-tenant-networks/5e0e1d57-0000-4000-8000-000000000002", nil), 410)
	want(t, "no role", n.do(alice, "", "2.35", "GET", "/v2.1/os-networks", nil), 403)
}

// GET /servers?ip= and ?ip6= list the servers whose ports have a fixed IP
// containing the value (tempest's test_list_servers_filtered_by_ip).
func TestListServersByIP(t *testing.T) {
	neutron := newMemNeutron()
	n := newSecGroupProxyNova(t, neutron)
	f := createFlavor(t, n, "ipf", 128, 1, true)
	var ids []string
	for i := 0; i < 3; i++ {
		r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
		want(t, "create server", r, 202)
		ids = append(ids, obj(t, r.body, "server")["id"].(string))
	}
	neutron.ports = []networkapi.Port{{ID: "p1", DeviceID: ids[0]}, {ID: "p2", DeviceID: ids[1]}, {ID: "p3", DeviceID: ids[2]}}
	neutron.portIPs = map[string][]string{"p1": {"10.252.0.21"}, "p2": {"10.252.0.24"}, "p3": {"10.252.0.240", "fd00::5"}}
	names := func(q string) []string {
		r := n.do(alice, memberR, "2.37", "GET", "/v2.1/servers?"+q, nil)
		want(t, q, r, 200)
		var got []string
		for _, s := range listOf(t, r, "servers") {
			got = append(got, s["id"].(string))
		}
		return got
	}
	if got := names("ip=10.252.0.24"); len(got) != 2 || slices.Contains(got, ids[0]) {
		t.Errorf("ip=10.252.0.24 (a substring, as nova with neutron): %v, want %v", got, ids[1:])
	}
	if got := names("ip=10.252.0.21"); len(got) != 1 || got[0] != ids[0] {
		t.Errorf("ip=10.252.0.21: %v", got)
	}
	if got := names("ip6=fd00::5"); len(got) != 1 || got[0] != ids[2] {
		t.Errorf("ip6=fd00::5: %v", got)
	}
	if got := names("ip=192.168."); len(got) != 0 {
		t.Errorf("no match lists servers: %v", got)
	}
}
