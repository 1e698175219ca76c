package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestVersionsAndExtensions(t *testing.T) {
	n := newNeutron(t, "", "")
	r := n.do("", "", "GET", "/", nil)
	want(t, "GET /", r, 200)
	v := r.body["versions"].([]any)[0].(map[string]any)
	if v["id"] != "v2.0" || v["status"] != "CURRENT" {
		t.Errorf("versions: %s", r.raw)
	}
	r = n.do(alice, "member", "GET", "/v2.0", nil)
	want(t, "GET /v2.0", r, 200)
	if !strings.Contains(string(r.raw), `"collection":"ports"`) {
		t.Errorf("resources: %s", r.raw)
	}
	r = n.do(alice, "reader", "GET", "/v2.0/extensions", nil)
	want(t, "extensions", r, 200)
	var aliases []string
	for _, e := range list(r, "extensions") {
		aliases = append(aliases, e["alias"].(string))
	}
	for _, a := range []string{"security-group", "quotas", "availability_zone", "standard-attr-timestamp", "project-id", "binding"} {
		if !slices.Contains(aliases, a) {
			t.Errorf("extension %s missing from %v", a, aliases)
		}
	}
	want(t, "show extension", n.do(alice, "reader", "GET", "/v2.0/extensions/quotas", nil), 200)
	wantError(t, "unknown extension", n.do(alice, "reader", "GET", "/v2.0/extensions/Availability%20Zone", nil),
		404, "HTTPNotFound", "Extension with alias Availability Zone does not exist")
	r = n.do(alice, "reader", "GET", "/v2.0/availability_zones", nil)
	want(t, "azs", r, 200)
	if az := list(r, "availability_zones"); len(az) != 1 || az[0]["name"] != "nova" || az[0]["resource"] != "network" || az[0]["state"] != "available" {
		t.Errorf("azs: %s", r.raw)
	}
	r = n.do(alice, "reader", "GET", "/v2.0/floatingips?tenant_id="+alice, nil)
	want(t, "floatingips", r, 200)
	if string(r.raw) != `{"floatingips":[]}` {
		t.Errorf("floatingips: %s", r.raw)
	}
	r = n.do(alice, "member", "PATCH", "/v2.0/networks/"+n.net, nil)
	wantError(t, "patch", r, 405, "HTTPMethodNotAllowed", "The method PATCH is not allowed")
	if r.header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("Allow: %q", r.header.Get("Allow"))
	}
	wantError(t, "unknown path", n.do(alice, "reader", "GET", "/v2.0/routers", nil), 404, "HTTPNotFound", "could not be found")
}

func TestNetworks(t *testing.T) {
	n := newNeutron(t, "", "")
	// The default network: shared, visible to every project, provider
	// attributes for admins only.
	r := n.do(alice, "member", "GET", "/v2.0/networks?name=private&status=ACTIVE", nil)
	want(t, "list", r, 200)
	nets := list(r, "networks")
	if len(nets) != 1 || nets[0]["id"] != n.net || nets[0]["shared"] != true || nets[0]["subnets"].([]any)[0] != n.subnet {
		t.Fatalf("list: %s", r.raw)
	}
	if _, ok := nets[0]["provider:network_type"]; ok {
		t.Errorf("member sees provider attributes: %s", r.raw)
	}
	created := nets[0]["created_at"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05Z", created); err != nil {
		t.Errorf("created_at %q: %v", created, err)
	}
	r = n.do(admin, "admin", "GET", "/v2.0/networks/"+n.net, nil)
	want(t, "admin show", r, 200)
	if nw := obj(r, "network"); nw["provider:network_type"] != "flat" || nw["provider:physical_network"] != "physnet1" ||
		nw["router:external"] != false || nw["mtu"] != float64(1500) || nw["project_id"] != admin || nw["tenant_id"] != admin {
		t.Errorf("admin show: %s", r.raw)
	}
	// Members cannot create networks (a deliberate difference); admins can.
	wantError(t, "member create", n.do(alice, "member", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "x"}}),
		403, "PolicyNotAuthorized", "rule:create_network is disallowed by policy")
	r = n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{
		"name": "alice-net", "project_id": alice, "provider:network_type": "flat", "provider:physical_network": "physnet2"}})
	want(t, "admin create", r, 201)
	aliceNet := obj(r, "network")["id"].(string)
	if obj(r, "network")["status"] != "ACTIVE" || obj(r, "network")["shared"] != false {
		t.Errorf("create: %s", r.raw)
	}
	wantError(t, "second flat on physnet2", n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{
		"name": "again", "provider:physical_network": "physnet2"}}), 409, "FlatNetworkInUse", "physnet2 is in use")
	wantError(t, "vlan", n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{
		"provider:network_type": "vlan"}}), 400, "HTTPBadRequest", "network_type value 'vlan' not supported")
	wantError(t, "unknown attribute", n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{
		"name": "x", "color": "red"}}), 400, "HTTPBadRequest", "Unrecognized attribute(s) 'color'")
	wantError(t, "no body key", n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"net": map[string]any{}}),
		400, "HTTPBadRequest", "Unable to find 'network' in request body")
	// Project isolation: bob cannot see alice's network.
	wantError(t, "bob show", n.do(bob, "member", "GET", "/v2.0/networks/"+aliceNet, nil), 404, "NetworkNotFound",
		"Network "+aliceNet+" could not be found.")
	r = n.do(bob, "member", "GET", "/v2.0/networks", nil)
	if got := ids(list(r, "networks")); !slices.Equal(got, []string{n.net}) {
		t.Errorf("bob sees %v", got)
	}
	r = n.do(alice, "reader", "GET", "/v2.0/networks?shared=false", nil)
	if got := ids(list(r, "networks")); !slices.Equal(got, []string{aliceNet}) {
		t.Errorf("alice shared=false: %v", got)
	}
	r = n.do(alice, "reader", "GET", "/v2.0/networks?project_id="+admin+"&fields=id&fields=name", nil)
	if nets := list(r, "networks"); len(nets) != 1 || len(nets[0]) != 2 || nets[0]["name"] != "private" {
		t.Errorf("fields: %s", r.raw)
	}
	wantError(t, "bad filter", n.do(alice, "reader", "GET", "/v2.0/networks?colour=red", nil), 400, "HTTPBadRequest",
		"[colour] is invalid attribute for filtering")
	// Paging: limit 1 gives a next link with a marker that leads on.
	r = n.do(admin, "admin", "GET", "/v2.0/networks?limit=1&sort_key=name&sort_dir=asc", nil)
	want(t, "page 1", r, 200)
	if got := list(r, "networks"); len(got) != 1 || got[0]["name"] != "alice-net" {
		t.Fatalf("page 1: %s", r.raw)
	}
	next := r.body["networks_links"].([]any)[0].(map[string]any)
	u, _ := url.Parse(next["href"].(string))
	if next["rel"] != "next" || u.Query().Get("marker") != aliceNet {
		t.Fatalf("next link: %v", next)
	}
	r = n.do(admin, "admin", "GET", u.RequestURI(), nil)
	if got := list(r, "networks"); len(got) != 1 || got[0]["name"] != "private" {
		t.Fatalf("page 2: %s", r.raw)
	}
	// Update and delete are admin-only; a network with ports is in use.
	wantError(t, "member update", n.do(alice, "member", "PUT", "/v2.0/networks/"+aliceNet, map[string]any{"network": map[string]any{"name": "y"}}),
		403, "PolicyNotAuthorized", "update_network")
	r = n.do(admin, "admin", "PUT", "/v2.0/networks/"+aliceNet, map[string]any{"network": map[string]any{"name": "renamed", "description": "d"}})
	want(t, "update", r, 200)
	if nw := obj(r, "network"); nw["name"] != "renamed" || nw["revision_number"] != float64(1) {
		t.Errorf("update: %s", r.raw)
	}
	wantError(t, "read-only", n.do(admin, "admin", "PUT", "/v2.0/networks/"+aliceNet, map[string]any{"network": map[string]any{"provider:network_type": "flat"}}),
		400, "HTTPBadRequest", "Cannot update read-only attribute provider:network_type")
	r = n.do(admin, "admin", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": n.net}})
	want(t, "port", r, 201)
	wantError(t, "delete in use", n.do(admin, "admin", "DELETE", "/v2.0/networks/"+n.net, nil), 409, "NetworkInUse", "ports still in use")
	want(t, "delete", n.do(admin, "admin", "DELETE", "/v2.0/networks/"+aliceNet, nil), 204)
	wantError(t, "deleted", n.do(admin, "admin", "GET", "/v2.0/networks/"+aliceNet, nil), 404, "NetworkNotFound", aliceNet)
}

func TestSubnets(t *testing.T) {
	n := newNeutron(t, "", "")
	r := n.do(bob, "reader", "GET", "/v2.0/subnets?network_id="+n.net, nil)
	want(t, "list", r, 200)
	s := list(r, "subnets")
	if len(s) != 1 || s[0]["cidr"] != "10.252.0.0/24" || s[0]["gateway_ip"] != "10.252.0.1" || s[0]["enable_dhcp"] != true ||
		fmt.Sprint(s[0]["allocation_pools"]) != "[map[end:10.252.0.250 start:10.252.0.10]]" || s[0]["ip_version"] != float64(4) {
		t.Fatalf("list: %s", r.raw)
	}
	r = n.do(admin, "admin", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "n2"}})
	net2 := obj(r, "network")["id"].(string)
	sub := func(body map[string]any) resp {
		body["network_id"] = net2
		if _, ok := body["ip_version"]; !ok {
			body["ip_version"] = 4
		}
		return n.do(admin, "admin", "POST", "/v2.0/subnets", map[string]any{"subnet": body})
	}
	wantError(t, "host bits", sub(map[string]any{"cidr": "10.9.0.5/24"}), 400, "HTTPBadRequest", "'10.9.0.0/24' is recommended")
	wantError(t, "bad cidr", sub(map[string]any{"cidr": "10.9.0/24"}), 400, "HTTPBadRequest", "is not a valid IP subnet")
	wantError(t, "pool out", sub(map[string]any{"cidr": "10.9.0.0/24", "allocation_pools": []any{map[string]any{"start": "10.9.0.10", "end": "10.9.1.10"}}}),
		400, "HTTPBadRequest", "spans beyond the subnet cidr")
	wantError(t, "gw in pool", sub(map[string]any{"cidr": "10.9.0.0/24", "gateway_ip": "10.9.0.20", "allocation_pools": []any{map[string]any{"start": "10.9.0.10", "end": "10.9.0.30"}}}),
		409, "HTTPConflict", "conflicts with allocation pool")
	wantError(t, "dns", sub(map[string]any{"cidr": "10.9.0.0/24", "dns_nameservers": []any{"nope"}}), 400, "HTTPBadRequest", "not a valid nameserver")
	r = sub(map[string]any{"cidr": "10.9.0.0/24", "name": "s2", "gateway_ip": nil, "dns_nameservers": []any{"10.9.0.2"}})
	want(t, "create", r, 201)
	s2 := obj(r, "subnet")
	if s2["gateway_ip"] != nil || fmt.Sprint(s2["allocation_pools"]) != "[map[end:10.9.0.254 start:10.9.0.1]]" || s2["subnetpool_id"] != nil {
		t.Errorf("create: %s", r.raw)
	}
	wantError(t, "overlap", sub(map[string]any{"cidr": "10.9.0.128/25"}), 400, "InvalidInput", "overlaps with another subnet")
	wantError(t, "ipv6", sub(map[string]any{"cidr": "fd00::/64", "ip_version": 6}), 400, "HTTPBadRequest", "only IPv4")
	wantError(t, "member create", n.do(alice, "member", "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": n.net, "ip_version": 4, "cidr": "10.8.0.0/24"}}), 403, "PolicyNotAuthorized", "create_subnet")
	r = n.do(admin, "admin", "PUT", "/v2.0/subnets/"+s2["id"].(string), map[string]any{"subnet": map[string]any{"name": "s2b", "enable_dhcp": false}})
	want(t, "update", r, 200)
	if obj(r, "subnet")["enable_dhcp"] != false {
		t.Errorf("update: %s", r.raw)
	}
	r = n.do(admin, "admin", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": net2}})
	want(t, "port", r, 201)
	port := obj(r, "port")["id"].(string)
	wantError(t, "in use", n.do(admin, "admin", "DELETE", "/v2.0/subnets/"+s2["id"].(string), nil), 409, "SubnetInUse", "IP allocation")
	want(t, "delete port", n.do(admin, "admin", "DELETE", "/v2.0/ports/"+port, nil), 204)
	want(t, "delete", n.do(admin, "admin", "DELETE", "/v2.0/subnets/"+s2["id"].(string), nil), 204)
	wantError(t, "gone", n.do(admin, "admin", "GET", "/v2.0/subnets/"+s2["id"].(string), nil), 404, "SubnetNotFound", "could not be found")
}
