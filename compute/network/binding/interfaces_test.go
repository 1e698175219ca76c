package binding_test

import (
	"context"
	"testing"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
)

// TestAllocateOnePort is the network side of nova's os-interface: a
// user's port bound to the instance (nova's 404 for another project's,
// 409 for one in use, nothing changed), a new port on the network (404
// for an unknown one) or on the project's one network, and the release
// that unbinds the user's port and deletes nova's.
func TestAllocateOnePort(t *testing.T) {
	st, svc, res := setup(t, "10.252.0.250")
	ctx := context.Background()
	args := func(vm string, r rpcapi.NetworkRequest) rpcapi.AllocatePortArgs {
		return rpcapi.AllocatePortArgs{InstanceUUID: vm, ProjectID: "alice", Host: "host-1", AvailabilityZone: "nova", Request: r}
	}
	own, err := st.CreatePort(ctx, store.PortSpec{Port: store.Port{NetworkID: res.Network.ID, ProjectID: "alice", AdminStateUp: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AllocatePortForInstance(ctx, rpcapi.AllocatePortArgs{InstanceUUID: "vm-1", ProjectID: "bob", Host: "host-1",
		Request: rpcapi.NetworkRequest{PortID: own.ID}}); fault.KindOf(err) != fault.NotFound || fault.MessageOf(err) != "Port id "+own.ID+" could not be found." {
		t.Errorf("another project's port: %v", err)
	}
	vif, err := svc.AllocatePortForInstance(ctx, args("vm-1", rpcapi.NetworkRequest{PortID: own.ID}))
	if err != nil || vif.PortID != own.ID || !vif.Preserve || vif.Host != "host-1" || vif.VIFType != "bridge" {
		t.Fatalf("bind the user's port: %+v %v", vif, err)
	}
	if p, _ := st.GetPort(ctx, own.ID); p.DeviceID != "vm-1" || p.DeviceOwner != "compute:nova" || p.HostID != "host-1" {
		t.Errorf("the bound port: %+v", p)
	}
	_, err = svc.AllocatePortForInstance(ctx, args("vm-2", rpcapi.NetworkRequest{PortID: own.ID}))
	if fault.KindOf(err) != fault.Conflict || fault.MessageOf(err) != "Port "+own.ID+" is still in use." {
		t.Errorf("a port in use: %v", err)
	}
	if p, _ := st.GetPort(ctx, own.ID); p.DeviceID != "vm-1" {
		t.Errorf("the refused attach changed the port: %+v", p)
	}
	const missing = "3c1d6c43-6e1e-4b38-9e0f-7a3b5e7d2a11"
	_, err = svc.AllocatePortForInstance(ctx, args("vm-1", rpcapi.NetworkRequest{NetworkID: missing}))
	if fault.KindOf(err) != fault.NotFound || fault.MessageOf(err) != "Network "+missing+" could not be found." {
		t.Errorf("an unknown network: %v", err)
	}
	made, err := svc.AllocatePortForInstance(ctx, args("vm-1", rpcapi.NetworkRequest{NetworkID: res.Network.ID, FixedIP: "10.252.0.77"}))
	if err != nil || made.Preserve || made.FixedIPs[0].Address != "10.252.0.77" || len(made.SecurityGroups) != 1 {
		t.Fatalf("a new port on the network: %+v %v", made, err)
	}
	auto, err := svc.AllocatePortForInstance(ctx, args("vm-1", rpcapi.NetworkRequest{}))
	if err != nil || auto.NetworkID != res.Network.ID {
		t.Fatalf("a new port on the project's one network: %+v %v", auto, err)
	}
	ports, err := svc.ListPorts(ctx, "vm-1")
	if err != nil || len(ports) != 3 {
		t.Fatalf("the instance's ports: %+v %v", ports, err)
	}
	for _, d := range []rpcapi.DeallocatePortArgs{
		{InstanceUUID: "vm-1", PortID: own.ID, Preserve: true},
		{InstanceUUID: "vm-1", PortID: made.PortID},
		{InstanceUUID: "vm-2", PortID: auto.PortID}, // not vm-2's: left alone
	} {
		if err := svc.DeallocatePortForInstance(ctx, d); err != nil {
			t.Fatalf("release %+v: %v", d, err)
		}
	}
	if p, err := st.GetPort(ctx, own.ID); err != nil || p.DeviceID != "" || p.HostID != "" || p.VIFType != "unbound" {
		t.Errorf("the user's port after the release: %+v %v", p, err)
	}
	if _, err := st.GetPort(ctx, made.PortID); fault.KindOf(err) != fault.NotFound {
		t.Errorf("nova's port after the release: %v", err)
	}
	if p, err := svc.ShowPort(ctx, auto.PortID); err != nil || p.DeviceID != "vm-1" || p.Status == "" {
		t.Errorf("a port released for another instance: %+v %v", p, err)
	}
	if _, err := svc.ShowPort(ctx, missing); fault.MessageOf(err) != "Port id "+missing+" could not be found." {
		t.Errorf("show an unknown port: %v", err)
	}
}
