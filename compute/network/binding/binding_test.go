package binding_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/network/binding"
	"github.com/gostack/gostack/compute/network/bootstrap"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/testenv"
)

func setup(t *testing.T, poolEnd string) (*store.Store, *binding.Service, bootstrap.Result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "network"); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool, "")
	res, err := bootstrap.Ensure(ctx, st, bootstrap.Spec{ProjectID: "admin-p", Network: "private", PhysicalNetwork: "physnet1",
		Subnet: "private-subnet", CIDR: "10.252.0.0/24", PoolStart: "10.252.0.10", PoolEnd: poolEnd})
	if err != nil {
		t.Fatal(err)
	}
	return st, binding.New(st, nil), res
}

// TestAllocateBindRelease is the life of a server's NIC as Nova will
// drive it: auto allocation on the shared network, a user's own port
// adopted, a move to another host, release that deletes what it made and
// only unbinds the adopted port.
func TestAllocateBindRelease(t *testing.T) {
	st, svc, res := setup(t, "10.252.0.250")
	ctx := context.Background()
	vifs, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-1", ProjectID: "alice",
		Host: "host-1", AvailabilityZone: "nova", Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(vifs) != 1 || vifs[0].NetworkID != res.Network.ID || vifs[0].NetworkName != "private" || vifs[0].Bridge == "" ||
		vifs[0].FixedIPs[0].Address != "10.252.0.10" || vifs[0].FixedIPs[0].Gateway != "10.252.0.1" ||
		vifs[0].FixedIPs[0].CIDR != "10.252.0.0/24" || vifs[0].VIFType != "bridge" || vifs[0].Host != "host-1" ||
		len(vifs[0].DevName) != 14 || len(vifs[0].SecurityGroups) != 1 {
		t.Fatalf("vifs: %+v", vifs)
	}
	p, err := st.GetPort(ctx, vifs[0].PortID)
	if err != nil || p.DeviceID != "vm-1" || p.DeviceOwner != "compute:nova" || p.HostID != "host-1" {
		t.Fatalf("port: %+v %v", p, err)
	}
	// A redelivered call returns the same ports.
	again, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-1", ProjectID: "alice", Host: "host-1", Auto: true})
	if err != nil || len(again) != 1 || again[0].PortID != vifs[0].PortID {
		t.Fatalf("again: %+v %v", again, err)
	}
	// A user's port is adopted, and released by unbinding only.
	own, err := st.CreatePort(ctx, store.PortSpec{Port: store.Port{NetworkID: res.Network.ID, ProjectID: "alice", AdminStateUp: true}})
	if err != nil {
		t.Fatal(err)
	}
	vifs2, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-2", ProjectID: "alice", Host: "host-1",
		AvailabilityZone: "nova", Requests: []rpcapi.NetworkRequest{{PortID: own.ID}, {NetworkID: res.Network.ID, FixedIP: "10.252.0.99"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vifs2) != 2 || !vifs2[0].Preserve || vifs2[1].FixedIPs[0].Address != "10.252.0.99" {
		t.Fatalf("vifs2: %+v", vifs2)
	}
	// Another instance cannot take a bound port; nothing is left behind.
	_, err = svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-3", ProjectID: "alice", Host: "h",
		Requests: []rpcapi.NetworkRequest{{NetworkID: res.Network.ID}, {PortID: own.ID}}})
	if fault.KindOf(err) != fault.Conflict {
		t.Fatalf("taking a bound port: %v", err)
	}
	if left, _ := st.PortsOfDevice(ctx, "vm-3"); len(left) != 0 {
		t.Fatalf("a failed allocation left ports: %+v", left)
	}
	moved, err := svc.BindPorts(ctx, rpcapi.BindPortsArgs{InstanceUUID: "vm-2", Host: "host-2"})
	if err != nil || len(moved) != 2 || moved[0].Host != "host-2" {
		t.Fatalf("bind: %+v %v", moved, err)
	}
	onHost, err := svc.GetHostPorts(ctx, "host-2")
	if err != nil || len(onHost) != 2 {
		t.Fatalf("host ports: %+v %v", onHost, err)
	}
	if err := svc.DeallocateForInstance(ctx, rpcapi.DeallocateForInstanceArgs{InstanceUUID: "vm-2", Preserve: []string{own.ID}}); err != nil {
		t.Fatal(err)
	}
	kept, err := st.GetPort(ctx, own.ID)
	if err != nil || kept.DeviceID != "" || kept.HostID != "" || kept.VIFType != "unbound" || len(kept.FixedIPs) != 1 {
		t.Fatalf("preserved port: %+v %v", kept, err)
	}
	if left, _ := st.PortsOfDevice(ctx, "vm-2"); len(left) != 0 {
		t.Fatalf("ports left on vm-2: %+v", left)
	}
	if info, err := svc.GetInstanceNWInfo(ctx, "vm-1"); err != nil || len(info) != 1 {
		t.Fatalf("nw info: %+v %v", info, err)
	}
}

// TestExhaustionLeavesNothing: a full pool fails the allocation with a
// conflict and leaves no port.
func TestExhaustionLeavesNothing(t *testing.T) {
	st, svc, res := setup(t, "10.252.0.10")
	ctx := context.Background()
	if _, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-1", ProjectID: "p", Auto: true}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-2", ProjectID: "p",
		Requests: []rpcapi.NetworkRequest{{NetworkID: res.Network.ID}}})
	if fault.KindOf(err) != fault.Conflict {
		t.Fatalf("exhausted: %v", err)
	}
	if left, _ := st.PortsOfDevice(ctx, "vm-2"); len(left) != 0 {
		t.Fatalf("leaked ports: %+v", left)
	}
}

// TestOverRPC drives the seam as nova-conductor will: the rpcapi client
// over the real RabbitMQ to the binding service, errors keeping their kind.
func TestOverRPC(t *testing.T) {
	_, svc, res := setup(t, "10.252.0.11")
	tr, err := rpc.Open(rpc.Config{TransportURL: testenv.AMQPURL(t), ControlExchange: "nettest_" + store.NewID()[:8],
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	// A topic of its own: queues are named by topic, so the dev stack's
	// network-api would otherwise consume from the same queue.
	target := rpc.Target{Exchange: "nettest_" + store.NewID()[:8], Topic: "nettest_" + store.NewID()[:8]}
	srv := rpc.NewServer(tr, target)
	svc.Register(srv)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	go func() { done <- srv.Serve(sctx) }()
	t.Cleanup(func() { stop(); <-done })
	if err := srv.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	client := rpcapi.NewClientFor(rpc.NewClient(tr), target)
	vifs, err := client.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-r1", ProjectID: "p",
		Host: "h1", AvailabilityZone: "nova", Requests: []rpcapi.NetworkRequest{{NetworkID: res.Network.ID}}})
	if err != nil || len(vifs) != 1 || vifs[0].FixedIPs[0].Address != "10.252.0.10" {
		t.Fatalf("allocate: %+v %v", vifs, err)
	}
	if _, err := client.AllocateForInstance(ctx, rpcapi.AllocateForInstanceArgs{InstanceUUID: "vm-r2", ProjectID: "p",
		Requests: []rpcapi.NetworkRequest{{NetworkID: "no-such-network"}}}); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("unknown network over RPC: %v", err)
	}
	moved, err := client.BindPorts(ctx, rpcapi.BindPortsArgs{InstanceUUID: "vm-r1", Host: "h2"})
	if err != nil || moved[0].Host != "h2" || moved[0].MAC != vifs[0].MAC {
		t.Fatalf("bind: %+v %v", moved, err)
	}
	if got, err := client.GetHostPorts(ctx, "h2"); err != nil || len(got) != 1 {
		t.Fatalf("host ports: %+v %v", got, err)
	}
	page, err := client.GetInstancesNWInfo(ctx, []string{"vm-r1", "vm-none"})
	if err != nil || len(page) != 1 || len(page["vm-r1"]) != 1 || page["vm-r1"][0].PortID != vifs[0].PortID {
		t.Fatalf("a page's ports: %+v %v", page, err)
	}
	if err := client.DeallocateForInstance(ctx, rpcapi.DeallocateForInstanceArgs{InstanceUUID: "vm-r1"}); err != nil {
		t.Fatal(err)
	}
	if got, err := client.GetInstanceNWInfo(ctx, "vm-r1"); err != nil || len(got) != 0 {
		t.Fatalf("after release: %+v %v", got, err)
	}
}
