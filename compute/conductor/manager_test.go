package conductor_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductor"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// scheduler answers with a fixed result; compute records its casts. The
// real ones are exercised end to end by compute/api's OSC tests.
type scheduler struct {
	sels []schedulerapi.Selection
	err  error
}

func (s scheduler) SelectDestinations(_ context.Context, spec schedulerapi.RequestSpec) ([]schedulerapi.Selection, error) {
	if s.err != nil {
		return nil, s.err
	}
	out := make([]schedulerapi.Selection, len(spec.InstanceUUIDs))
	for i, u := range spec.InstanceUUIDs {
		out[i] = schedulerapi.Selection{InstanceUUID: u, ServiceHost: "h1", Nodename: "n1", AvailabilityZone: "nova"}
	}
	return out, nil
}

type compute struct {
	builds []computeapi.BuildAndRunInstanceArgs
}

func (c *compute) BuildAndRunInstance(_ context.Context, host string, a computeapi.BuildAndRunInstanceArgs) error {
	c.builds = append(c.builds, a)
	return nil
}

func setup(t *testing.T, sched conductor.Scheduler) (*store.Store, *conductor.Manager, *compute, objects.Instance) {
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
	st := store.New(pool)
	f, err := st.CreateFlavor(ctx, objects.Flavor{FlavorID: "1", Name: "f", MemoryMB: 128, VCPUs: 1, RootGB: 1, RXTXFactor: 1, IsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.CreateInstances(ctx, []store.NewInstance{{Instance: objects.Instance{UUID: uuid.NewString(), Name: "vm",
		ProjectID: "p", UserID: "u", Flavor: f, VMState: objects.VMBuilding, TaskState: objects.TaskScheduling}}},
		store.ActionStart{Action: objects.ActionCreate, RequestID: "req-1", UserID: "u", ProjectID: "p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &compute{}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	return st, conductor.New(st, servicegroup.NewStore(pool), placement.NewStore(pool), sched, c, quiet), c, list[0]
}

// call runs a conductor method as an RPC server would, through the real
// AMQP transport.
func call(t *testing.T, m *conductor.Manager, method string, args, reply any) error {
	t.Helper()
	tr, err := rpc.Open(rpc.Config{TransportURL: testenv.AMQPURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	topic := "conductor-test-" + uuid.NewString()[:8]
	srv := rpc.NewServer(tr, rpc.Target{Topic: topic})
	m.Register(srv)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() { _ = srv.Serve(ctx) }()
	if err := srv.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	c := rpc.NewClient(tr)
	defer c.Close()
	return c.Call(ctx, rpc.Target{Topic: topic}, method, args, reply)
}

func TestNoValidHostPutsInstanceInError(t *testing.T) {
	nv := &schedulerapi.NoValidHost{Reason: "There are not enough hosts available.",
		Filtered: []schedulerapi.Refusal{{Host: "h1", Filter: "RamFilter", Reason: "not enough RAM"}}}
	st, m, c, in := setup(t, scheduler{err: &fault.Error{Kind: fault.Conflict, Message: nv.Error(), Cause: nv}})
	err := call(t, m, conductorapi.MethodBuildInstances, conductorapi.BuildInstances{Instances: []objects.Instance{in}, RequestID: "req-1"}, &conductorapi.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.GetInstance(context.Background(), in.UUID, false)
	if err != nil || got.VMState != objects.VMError || got.TaskState != "" {
		t.Fatalf("after NoValidHost: %v %+v", err, got)
	}
	faults, _ := st.LatestFaults(context.Background(), []string{in.UUID})
	if f := faults[in.UUID]; !strings.HasPrefix(f.Message, "No valid host was found. There are not enough hosts available.") || !strings.Contains(f.Message, "RamFilter") {
		t.Errorf("fault: %+v", f)
	}
	act, _ := st.Action(context.Background(), in.UUID, "req-1")
	if len(act.Events) != 1 || act.Events[0].Result != objects.EventError || act.Message != "Error" {
		t.Errorf("events: %+v", act)
	}
	if len(c.builds) != 0 {
		t.Errorf("a build was cast")
	}
}

func TestBuildRecordsHostAndCasts(t *testing.T) {
	st, m, c, in := setup(t, scheduler{})
	if err := call(t, m, conductorapi.MethodBuildInstances, conductorapi.BuildInstances{Instances: []objects.Instance{in}, RequestID: "req-1"}, &conductorapi.Empty{}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.GetInstance(context.Background(), in.UUID, false)
	if got.Host != "h1" || got.Node != "n1" || got.AvailabilityZone != "nova" {
		t.Errorf("instance: %+v", got)
	}
	if len(c.builds) != 1 || c.builds[0].Node != "n1" || c.builds[0].Instance.Host != "h1" {
		t.Errorf("builds: %+v", c.builds)
	}
	// A compute host's update with the wrong expected task state conflicts.
	spawning := objects.TaskSpawning
	var out objects.Instance
	err := call(t, m, conductorapi.MethodInstanceUpdate, conductorapi.InstanceUpdate{UUID: in.UUID,
		Updates: conductorapi.Updates{TaskState: &spawning}, ExpectedTaskState: []string{objects.TaskDeleting}}, &out)
	if fault.KindOf(err) != fault.Conflict {
		t.Errorf("unexpected task state: %v", err)
	}
	if err := call(t, m, conductorapi.MethodInstanceDestroy, conductorapi.InstanceDestroy{UUID: in.UUID, Host: "h1"}, &conductorapi.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetInstance(context.Background(), in.UUID, false); fault.KindOf(err) != fault.NotFound {
		t.Errorf("destroyed instance still live: %v", err)
	}
}
