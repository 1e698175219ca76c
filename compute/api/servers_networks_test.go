package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

// TestServerNetworksRequest checks nova's validation of "networks" and
// that the request is recorded on the instance for nova-compute.
func TestServerNetworksRequest(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "fn", 128, 1, true)
	const netID, portID = "6a9f0d34-65ac-4b3a-8b83-4063b848df66", "7b9f0d34-65ac-4b3a-8b83-4063b848df66"
	bad := []struct {
		name     string
		version  string
		networks any
		msg      string
	}{
		{"bad uuid", "2.37", []any{map[string]any{"uuid": "nope"}}, "Bad networks format: network uuid is not in proper format ('nope')"},
		{"bad fixed ip", "2.37", []any{map[string]any{"uuid": netID, "fixed_ip": "10.0.0.300"}}, "Invalid fixed IP address ('10.0.0.300')"},
		{"bad port", "2.37", []any{map[string]any{"port": "nope"}}, "is not a 'uuid'"},
		{"unknown key", "2.37", []any{map[string]any{"uuid": netID, "bogus": 1}}, "bogus"},
		{"neither", "2.37", []any{map[string]any{"tag": "x"}}, "give a network 'uuid' or a 'port'"},
		{"auto below 2.37", "2.36", "auto", "is not of type 'array'"},
	}
	for _, c := range bad {
		r := n.do(alice, memberR, c.version, "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"networks": c.networks}))
		want(t, c.name, r, 400)
		if !strings.Contains(string(r.raw), c.msg) {
			t.Errorf("%s: message %s, want %q", c.name, r.raw, c.msg)
		}
	}
	good := []struct {
		name     string
		version  string
		networks any
		want     rpcapi.Requested
	}{
		{"auto", "2.37", "auto", rpcapi.Requested{Auto: true}},
		{"none", "2.37", "none", rpcapi.Requested{None: true}},
		{"absent below 2.37", "2.36", nil, rpcapi.Requested{Auto: true}},
		{"network and port", "2.37", []any{map[string]any{"uuid": netID, "fixed_ip": "10.0.0.5"}, map[string]any{"port": portID}},
			rpcapi.Requested{Requests: []rpcapi.NetworkRequest{{NetworkID: netID, FixedIP: "10.0.0.5"}, {PortID: portID}}}},
	}
	for _, c := range good {
		extra := map[string]any{"networks": c.networks}
		body := serverBody(f, imgID, extra)
		if c.networks == nil {
			delete(body["server"].(map[string]any), "networks")
		}
		r := n.do(alice, memberR, c.version, "POST", "/v2.1/servers", body)
		want(t, c.name, r, 202)
		id := obj(t, r.body, "server")["id"].(string)
		in, err := n.store.GetInstance(context.Background(), id, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rpcapi.DecodeRequested(in.SystemMetadata[rpcapi.SysMetaKey])
		if err != nil || got.Encode() != c.want.Encode() {
			t.Errorf("%s: recorded %+v (%v), want %+v", c.name, got, err, c.want)
		}
	}
}
