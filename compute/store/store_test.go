package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

func newStore(t *testing.T) *store.Store {
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
	return store.New(pool)
}

func TestInstancesQuotaUpdateList(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	f, err := s.CreateFlavor(ctx, objects.Flavor{FlavorID: "1", Name: "tiny", MemoryMB: 512, VCPUs: 1, RootGB: 1, RXTXFactor: 1, IsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateFlavor(ctx, objects.Flavor{FlavorID: "2", Name: "tiny", MemoryMB: 1, VCPUs: 1}); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("duplicate flavor name: %v", err)
	}
	mk := func(name string) store.NewInstance {
		one := 0
		return store.NewInstance{Instance: objects.Instance{UUID: uuid.NewString(), Name: name, ProjectID: "p1", UserID: "u1",
			Flavor: f, VMState: objects.VMBuilding, TaskState: objects.TaskScheduling},
			BDMs: []objects.BlockDeviceMapping{{SourceType: "image", DestinationType: "local", BootIndex: &one, ImageID: "img"}}}
	}
	quota := func(u store.Usage) (int, error) {
		if u.Instances+2 > 3 {
			return 0, fault.New(fault.OverLimit, "over")
		}
		return 2, nil
	}
	act := store.ActionStart{Action: objects.ActionCreate, RequestID: "req-1", UserID: "u1", ProjectID: "p1"}
	got, err := s.CreateInstances(ctx, []store.NewInstance{mk("a"), mk("b")}, act, quota)
	if err != nil || len(got) != 2 {
		t.Fatalf("create: %v %d", err, len(got))
	}
	if _, err := s.CreateInstances(ctx, []store.NewInstance{mk("c"), mk("d")}, act, quota); fault.KindOf(err) != fault.OverLimit {
		t.Fatalf("quota not enforced: %v", err)
	}
	u, _ := s.ProjectUsage(ctx, "p1")
	if u.Instances != 2 || u.Cores != 2 || u.RAM != 1024 {
		t.Fatalf("usage %+v", u)
	}
	a := got[0]
	if _, err := s.UpdateInstance(ctx, a.UUID, store.InstanceUpdate{TaskState: ptr(""), ExpectedTaskState: []string{objects.TaskSpawning}}); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("expected task state conflict, got %v", err)
	}
	in, err := s.UpdateInstance(ctx, a.UUID, store.InstanceUpdate{VMState: ptr(objects.VMActive), TaskState: ptr(""), ExpectedTaskState: []string{objects.TaskScheduling}})
	if err != nil || in.Status() != "ACTIVE" || in.TaskState != "" {
		t.Fatalf("update: %v %+v", err, in)
	}
	list, err := s.ListInstances(ctx, store.InstanceFilter{ProjectID: "p1"}, nil, 1, "")
	if err != nil || len(list) != 1 || list[0].UUID != got[1].UUID {
		t.Fatalf("page 1: %v %v", err, list)
	}
	list, err = s.ListInstances(ctx, store.InstanceFilter{ProjectID: "p1"}, nil, 1, list[0].UUID)
	if err != nil || len(list) != 1 || list[0].UUID != a.UUID {
		t.Fatalf("page 2: %v %v", err, list)
	}
	if err := s.EventStart(ctx, a.UUID, "req-1", "compute_build_and_run_instance", "h1"); err != nil {
		t.Fatal(err)
	}
	if err := s.EventFinish(ctx, a.UUID, "req-1", "compute_build_and_run_instance", "h1", objects.EventError, "tb", ""); err != nil {
		t.Fatal(err)
	}
	action, err := s.Action(ctx, a.UUID, "req-1")
	if err != nil || len(action.Events) != 1 || action.Events[0].Result != "Error" || action.Message != "Error" {
		t.Fatalf("action: %v %+v", err, action)
	}
	if _, err := s.DestroyInstance(ctx, a.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetInstance(ctx, a.UUID, false); !errors.Is(err, fault.Of(fault.NotFound)) {
		t.Fatalf("deleted instance still visible: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
