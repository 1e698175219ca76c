package api_test

import (
	"strings"
	"testing"
)

// TestInterfacesRequests pins nova's os-interface checks that come
// before the host is asked: the body schema (per microversion) and the
// controller's 400s, policy (readers may not attach), other projects'
// servers 404, the instance state 409, and 501 without a network
// service.
func TestInterfacesRequests(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "f1", 128, 1, true)
	r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	want(t, "create", r, 202)
	id := obj(t, r.body, "server")["id"].(string)
	path := "/v2.1/servers/" + id + "/os-interface"
	const (
		port = "3c1d6c43-6e1e-4b38-9e0f-7a3b5e7d2a11"
		net  = "0a6f1f38-3a0e-4b7f-8d0c-2f3c5d6e7f80"
	)
	attach := func(v map[string]any) map[string]any { return map[string]any{"interfaceAttachment": v} }
	for _, c := range []struct {
		name, version string
		body          any
		msg           string
	}{
		{"both", "2.1", attach(map[string]any{"port_id": port, "net_id": net}), "Must not input both network_id and port_id"},
		{"ip without network", "2.1", attach(map[string]any{"fixed_ips": []any{map[string]any{"ip_address": "10.0.0.5"}}}),
			"Must input network_id when request IP address"},
		{"bad uuid", "2.1", attach(map[string]any{"port_id": "nope"}),
			"'nope' is not a 'uuid'"},
		{"two fixed ips", "2.1", attach(map[string]any{"net_id": net, "fixed_ips": []any{
			map[string]any{"ip_address": "10.0.0.5"}, map[string]any{"ip_address": "10.0.0.6"}}}), "is too long"},
		{"bad ip", "2.1", attach(map[string]any{"net_id": net, "fixed_ips": []any{map[string]any{"ip_address": "x"}}}),
			"is not valid under any of the given schemas"},
		{"tag before 2.49", "2.48", attach(map[string]any{"port_id": port, "tag": "t"}), "Additional properties are not allowed ('tag' was unexpected)"},
		{"unknown key", "2.49", attach(map[string]any{"port_id": port, "device": "x"}), "Additional properties are not allowed ('device' was unexpected)"},
		{"not an object", "2.1", map[string]any{"interfaceAttachment": "x"}, "is not of type 'object'"},
	} {
		r := n.do(alice, memberR, c.version, "POST", path, c.body)
		want(t, c.name, r, 400)
		if msg, _ := r.body["badRequest"].(map[string]any)["message"].(string); !strings.Contains(msg, c.msg) {
			t.Errorf("%s: message %q, want %q", c.name, msg, c.msg)
		}
	}
	good := attach(map[string]any{"port_id": port, "tag": "nic1"})
	want(t, "reader cannot attach", n.do(alice, "reader", "2.49", "POST", path, good), 403)
	want(t, "reader cannot detach", n.do(alice, "reader", "2.49", "DELETE", path+"/"+port, nil), 403)
	want(t, "another project's server", n.do(bob, memberR, "2.49", "POST", path, good), 404)
	wantError(t, "attach while building", n.do(alice, memberR, "2.49", "POST", path, good), 409, "conflictingRequest",
		"Cannot 'attach_interface' instance "+id+" while it is in vm_state building")
	wantError(t, "detach while building", n.do(alice, memberR, "2.1", "DELETE", path+"/"+port, nil), 409, "conflictingRequest",
		"Cannot 'detach_interface' instance "+id+" while it is in vm_state building")
	want(t, "list without a network service", n.do(alice, "reader", "2.1", "GET", path, nil), 501)
}
