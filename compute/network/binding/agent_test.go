package binding_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
)

// TestAgentSync: the agent of a host gets the networks, its bound ports
// with their groups (rules, members), the network node every bound port;
// a plugged tap makes the port ACTIVE; the agent is listed.
func TestAgentSync(t *testing.T) {
	st, svc, res := setup(t, "10.252.0.250")
	ctx := context.Background()
	a, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-a", ProjectID: "alice", Host: "h1", Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-b", ProjectID: "alice", Host: "h2", Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := svc.AgentSync(ctx, rpcapi.AgentSyncArgs{Host: "h1", Binary: "network-agent", Devices: []string{a[0].PortID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Networks) != 1 || s1.Networks[0].ID != res.Network.ID || len(s1.Networks[0].Subnets) != 1 ||
		s1.Networks[0].Subnets[0].Gateway != "10.252.0.1" {
		t.Errorf("networks: %+v", s1.Networks)
	}
	if len(s1.Ports) != 1 || s1.Ports[0].PortID != a[0].PortID || len(s1.DHCPPorts) != 0 {
		t.Errorf("ports of h1: %+v, dhcp %+v", s1.Ports, s1.DHCPPorts)
	}
	g, ok := s1.Groups[a[0].SecurityGroups[0]]
	if !ok || !g.Stateful || !slices.Contains(g.Members, a[0].FixedIPs[0].Address) || !slices.Contains(g.Members, b[0].FixedIPs[0].Address) {
		t.Errorf("default group: %+v", g)
	}
	remote := false
	for _, r := range g.Rules {
		remote = remote || (r.Direction == "ingress" && r.RemoteGroupID == g.ID)
	}
	if !remote {
		t.Errorf("default group has no ingress rule from itself: %+v", g.Rules)
	}
	if p, _ := st.GetPort(ctx, a[0].PortID); p.Status != "ACTIVE" {
		t.Errorf("plugged port status %s", p.Status)
	}
	if p, _ := st.GetPort(ctx, b[0].PortID); p.Status != "DOWN" {
		t.Errorf("port of another host status %s", p.Status)
	}
	nn, err := svc.AgentSync(ctx, rpcapi.AgentSyncArgs{Host: "h2", Binary: "network-agent", DHCP: true})
	if err != nil || len(nn.DHCPPorts) != 2 {
		t.Errorf("network node: %d DHCP ports, %v", len(nn.DHCPPorts), err)
	}
	if ag := svc.Agents(); len(ag) != 2 || ag[0].Host != "h1" || ag[1].Host != "h2" || ag[0].HeartbeatAt.IsZero() {
		t.Errorf("agents: %+v", ag)
	}
}

// TestValidateNetworks: nova-api's checks before it accepts a server.
func TestValidateNetworks(t *testing.T) {
	st, svc, res := setup(t, "10.252.0.250")
	ctx := context.Background()
	own, err := st.CreatePort(ctx, store.PortSpec{Port: store.Port{NetworkID: res.Network.ID, ProjectID: "alice", AdminStateUp: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ValidateNetworks(ctx, rpcapi.ValidateNetworksArgs{ProjectID: "alice", Requests: []rpcapi.NetworkRequest{
		{NetworkID: res.Network.ID, FixedIP: "10.252.0.20"}, {PortID: own.ID}}}); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	for _, c := range []struct {
		req  rpcapi.NetworkRequest
		kind fault.Kind
		msg  string
	}{
		{rpcapi.NetworkRequest{NetworkID: "00000000-0000-0000-0000-000000000000"}, fault.Invalid, "Network 00000000-0000-0000-0000-000000000000 could not be found."},
		{rpcapi.NetworkRequest{NetworkID: res.Network.ID, FixedIP: "10.9.9.9"}, fault.Invalid, "is not valid on network"},
		{rpcapi.NetworkRequest{PortID: "00000000-0000-0000-0000-000000000001"}, fault.Invalid, "Port 00000000-0000-0000-0000-000000000001 could not be found."},
	} {
		_, err := svc.ValidateNetworks(ctx, rpcapi.ValidateNetworksArgs{ProjectID: "alice", Requests: []rpcapi.NetworkRequest{c.req}})
		if fault.KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%+v: %v, want %v %q", c.req, err, c.kind, c.msg)
		}
	}
	// bob may not use alice's port; a port in use is 409.
	if _, err := svc.ValidateNetworks(ctx, rpcapi.ValidateNetworksArgs{ProjectID: "bob", Requests: []rpcapi.NetworkRequest{{PortID: own.ID}}}); fault.KindOf(err) != fault.Invalid {
		t.Errorf("another project's port: %v", err)
	}
	if _, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-x", ProjectID: "alice", Host: "h1",
		Requests: []rpcapi.NetworkRequest{{PortID: own.ID}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ValidateNetworks(ctx, rpcapi.ValidateNetworksArgs{ProjectID: "alice", Requests: []rpcapi.NetworkRequest{{PortID: own.ID}}}); fault.KindOf(err) != fault.Conflict {
		t.Errorf("a port in use: %v", err)
	}
}
