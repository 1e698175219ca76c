package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestPorts(t *testing.T) {
	n := newNeutron(t, "10.252.0.10", "10.252.0.12")
	port := func(project, roles string, body map[string]any) resp {
		if _, ok := body["network_id"]; !ok {
			body["network_id"] = n.net
		}
		return n.do(project, roles, "POST", "/v2.0/ports", map[string]any{"port": body})
	}
	// A member creates a port on the shared network: first free address,
	// a MAC under fa:16:3e, the project's default group, DOWN, unbound.
	r := port(alice, "member", map[string]any{"name": "p1", "device_id": "vm-1", "device_owner": "compute:nova"})
	want(t, "create", r, 201)
	p1 := obj(r, "port")
	ips := p1["fixed_ips"].([]any)
	if len(ips) != 1 || ips[0].(map[string]any)["ip_address"] != "10.252.0.10" || ips[0].(map[string]any)["subnet_id"] != n.subnet {
		t.Fatalf("fixed_ips: %s", r.raw)
	}
	if !strings.HasPrefix(p1["mac_address"].(string), "fa:16:3e:") || p1["status"] != "DOWN" || p1["project_id"] != alice ||
		len(p1["security_groups"].([]any)) != 1 || p1["binding:vnic_type"] != "normal" {
		t.Errorf("create: %s", r.raw)
	}
	if _, ok := p1["binding:host_id"]; ok {
		t.Errorf("member sees binding:host_id: %s", r.raw)
	}
	// Members may not choose addresses, MACs or hosts on a network they
	// do not own; admins may.
	wantError(t, "member fixed ip", port(alice, "member", map[string]any{"fixed_ips": []any{map[string]any{"ip_address": "10.252.0.11"}}}),
		403, "PolicyNotAuthorized", "create_port:fixed_ips:ip_address")
	wantError(t, "member host", port(alice, "member", map[string]any{"binding:host_id": "h1"}), 403, "PolicyNotAuthorized", "binding:host_id")
	wantError(t, "ip in use", port(admin, "admin", map[string]any{"fixed_ips": []any{map[string]any{"ip_address": "10.252.0.10"}}}),
		409, "IpAddressInUse", "The IP address 10.252.0.10 is in use.")
	wantError(t, "ip outside", port(admin, "admin", map[string]any{"fixed_ips": []any{map[string]any{"ip_address": "10.1.0.10"}}}),
		400, "InvalidIpForNetwork", "not a valid IP for any of the subnets")
	wantError(t, "broadcast", port(admin, "admin", map[string]any{"fixed_ips": []any{map[string]any{"subnet_id": n.subnet, "ip_address": "10.252.0.255"}}}),
		400, "InvalidIpForSubnet", "not a valid IP for the specified subnet")
	wantError(t, "bad mac", port(admin, "admin", map[string]any{"mac_address": "01:02:03:04:05:06"}), 400, "HTTPBadRequest", "not a valid MAC address")
	r = port(admin, "admin", map[string]any{"name": "fixed", "mac_address": "FA:16:3E:00:00:01", "binding:host_id": "host-1",
		"fixed_ips": []any{map[string]any{"subnet_id": n.subnet, "ip_address": "10.252.0.200"}}, "project_id": alice})
	want(t, "admin fixed", r, 201)
	fixed := obj(r, "port")
	if fixed["mac_address"] != "fa:16:3e:00:00:01" || fixed["binding:host_id"] != "host-1" || fixed["binding:vif_type"] != "bridge" ||
		fixed["fixed_ips"].([]any)[0].(map[string]any)["ip_address"] != "10.252.0.200" {
		t.Errorf("admin fixed: %s", r.raw)
	}
	wantError(t, "mac in use", port(admin, "admin", map[string]any{"mac_address": "fa:16:3e:00:00:01"}), 409, "MacAddressInUse", "fa:16:3e:00:00:01 is in use")
	// The pool has three addresses: .10 is taken; two more, then none.
	want(t, "second", port(bob, "member", map[string]any{}), 201)
	want(t, "third", port(bob, "member", map[string]any{}), 201)
	wantError(t, "exhausted", port(bob, "member", map[string]any{}), 409, "IpAddressGenerationFailure",
		"No more IP addresses available on network "+n.net+".")
	wantError(t, "unshare", n.do(admin, "admin", "PUT", "/v2.0/networks/"+n.net, map[string]any{"network": map[string]any{"shared": false}}),
		409, "InvalidSharedSetting", "Multiple tenants are using it.")
	// Filters as clients use them.
	get := func(project, query string) []map[string]any {
		r := n.do(project, "member", "GET", "/v2.0/ports?"+query, nil)
		want(t, query, r, 200)
		return list(r, "ports")
	}
	if got := get(alice, "device_id=vm-1"); len(got) != 1 || got[0]["id"] != p1["id"] {
		t.Errorf("device_id: %v", got)
	}
	if got := get(admin, "fixed_ips="+url.QueryEscape("ip_address=10.252.0.200")); len(got) != 1 || got[0]["id"] != fixed["id"] {
		t.Errorf("fixed_ips ip: %v", got)
	}
	if got := get(admin, "fixed_ips="+url.QueryEscape("subnet_id="+n.subnet)); len(got) != 4 {
		t.Errorf("fixed_ips subnet: %d ports", len(got))
	}
	if got := get(admin, "mac_address=fa:16:3e:00:00:01&network_id="+n.net); len(got) != 1 {
		t.Errorf("mac filter: %v", got)
	}
	if got := get(bob, ""); len(got) != 2 {
		t.Errorf("bob sees %d ports, want his 2", len(got))
	}
	if got := get(alice, "tenant_id="+alice+"&device_owner=compute:nova&status=DOWN&name=p1"); len(got) != 1 {
		t.Errorf("alice filters: %v", got)
	}
	wantError(t, "bob show", n.do(bob, "member", "GET", "/v2.0/ports/"+p1["id"].(string), nil), 404, "PortNotFound", "could not be found")
	// Update and delete; a deleted port's address is free again.
	r = n.do(alice, "member", "PUT", "/v2.0/ports/"+p1["id"].(string), map[string]any{"port": map[string]any{"name": "p1b", "device_id": ""}})
	want(t, "update", r, 200)
	if obj(r, "port")["name"] != "p1b" || obj(r, "port")["revision_number"] != float64(1) {
		t.Errorf("update: %s", r.raw)
	}
	wantError(t, "update mac", n.do(alice, "member", "PUT", "/v2.0/ports/"+p1["id"].(string), map[string]any{"port": map[string]any{"mac_address": "fa:16:3e:00:00:09"}}),
		400, "HTTPBadRequest", "Cannot update read-only attribute mac_address")
	wantError(t, "bob delete", n.do(bob, "member", "DELETE", "/v2.0/ports/"+p1["id"].(string), nil), 404, "PortNotFound", "")
	wantError(t, "reader delete", n.do(alice, "reader", "DELETE", "/v2.0/ports/"+p1["id"].(string), nil), 403, "PolicyNotAuthorized", "delete_port")
	want(t, "delete", n.do(alice, "member", "DELETE", "/v2.0/ports/"+p1["id"].(string), nil), 204)
	r = port(alice, "member", map[string]any{})
	want(t, "reuse", r, 201)
	if ip := obj(r, "port")["fixed_ips"].([]any)[0].(map[string]any)["ip_address"]; ip != "10.252.0.10" {
		t.Errorf("released address not reused: got %v", ip)
	}
}

// TestConcurrentAllocation races more port creates than the pool has
// addresses: every address goes to exactly one port, every MAC is
// distinct, and the rest fail with IpAddressGenerationFailure.
func TestConcurrentAllocation(t *testing.T) {
	n := newNeutron(t, "10.252.0.10", "10.252.0.39") // 30 addresses
	const workers = 45
	var wg sync.WaitGroup
	results := make([]resp, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = n.do(alice, "member", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
				"network_id": n.net, "name": fmt.Sprintf("c%d", i)}})
		}()
	}
	wg.Wait()
	ips, macs := map[string]bool{}, map[string]bool{}
	failed := 0
	for _, r := range results {
		switch r.status {
		case 201:
			p := obj(r, "port")
			ip := p["fixed_ips"].([]any)[0].(map[string]any)["ip_address"].(string)
			if ips[ip] || macs[p["mac_address"].(string)] {
				t.Errorf("address %s or MAC %s given twice", ip, p["mac_address"])
			}
			ips[ip], macs[p["mac_address"].(string)] = true, true
		case 409:
			wantError(t, "exhausted", r, 409, "IpAddressGenerationFailure", "No more IP addresses")
			failed++
		default:
			t.Errorf("status %d: %s", r.status, r.raw)
		}
	}
	if len(ips) != 30 || failed != workers-30 {
		t.Errorf("%d ports made, %d refused; want 30 and %d", len(ips), failed, workers-30)
	}
}
