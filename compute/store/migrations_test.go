package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
)

// TestMigrationsAndMoveUpdate: a resize's records: the migration through
// its statuses (a conditional update refused from the wrong status), the
// in-progress and by-status lookups, and the instance's flavor with the
// resize's old and new flavors kept beside it, then cleared.
func TestMigrationsAndMoveUpdate(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	small, err := s.CreateFlavor(ctx, objects.Flavor{FlavorID: "m-small", Name: "m-small", MemoryMB: 128, VCPUs: 1, RootGB: 1, RXTXFactor: 1, IsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	big, err := s.CreateFlavor(ctx, objects.Flavor{FlavorID: "m-big", Name: "m-big", MemoryMB: 256, VCPUs: 2, RootGB: 2, RXTXFactor: 1, IsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	act := store.ActionStart{Action: objects.ActionCreate, RequestID: "req-m", UserID: "u1", ProjectID: "pm"}
	got, err := s.CreateInstances(ctx, []store.NewInstance{{Instance: objects.Instance{UUID: uuid.NewString(), Name: "m", ProjectID: "pm",
		UserID: "u1", Flavor: small, VMState: objects.VMActive}}}, act, func(store.Usage) (int, error) { return 1, nil })
	if err != nil {
		t.Fatal(err)
	}
	in := got[0]

	mig, err := s.CreateMigration(ctx, objects.Migration{SourceCompute: "h1", SourceNode: "n1", InstanceUUID: in.UUID,
		OldInstanceTypeID: small.ID, NewInstanceTypeID: big.ID, Status: objects.MigrationPreMigrating, MigrationType: objects.MigrationResize})
	if err != nil || mig.UUID == "" || mig.ID == 0 {
		t.Fatalf("create migration: %+v %v", mig, err)
	}
	if cur, err := s.InProgressMigration(ctx, in.UUID, objects.MigrationResize); err != nil || cur.ID != mig.ID {
		t.Fatalf("in progress: %+v %v", cur, err)
	}
	fin := objects.MigrationFinished
	if _, err := s.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &fin, ExpectedStatus: []string{objects.MigrationReverting}}); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("update from the wrong status: %v", err)
	}
	dest := "h2"
	if m, err := s.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &fin, DestCompute: &dest}); err != nil || m.Status != fin || m.DestCompute != "h2" {
		t.Fatalf("update: %+v %v", m, err)
	}
	if m, err := s.MigrationByStatus(ctx, in.UUID, fin); err != nil || m.ID != mig.ID {
		t.Fatalf("by status: %+v %v", m, err)
	}

	resized, err := s.UpdateInstanceMove(ctx, in.UUID, store.MoveUpdate{Flavor: &big, OldFlavor: &small, NewFlavor: &big,
		InstanceUpdate: store.InstanceUpdate{VMState: ptr(objects.VMResized)}})
	if err != nil || resized.Flavor.FlavorID != "m-big" || resized.VMState != objects.VMResized {
		t.Fatalf("move update: %+v %v", resized.Flavor, err)
	}
	if u, _ := s.ProjectUsage(ctx, "pm"); u.Cores != 2 || u.RAM != 256 {
		t.Errorf("usage after the resize: %+v", u)
	}
	old, nf, err := s.MoveFlavors(ctx, in.UUID)
	if err != nil || old == nil || nf == nil || old.FlavorID != "m-small" || nf.FlavorID != "m-big" {
		t.Fatalf("move flavors: %v %v %v", old, nf, err)
	}
	conf := objects.MigrationConfirmed
	if _, err := s.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &conf}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InProgressMigration(ctx, in.UUID, ""); fault.KindOf(err) != fault.NotFound {
		t.Errorf("a confirmed migration is still in progress: %v", err)
	}
	if _, err := s.UpdateInstanceMove(ctx, in.UUID, store.MoveUpdate{ClearMoveFlavors: true}); err != nil {
		t.Fatal(err)
	}
	if old, nf, _ := s.MoveFlavors(ctx, in.UUID); old != nil || nf != nil {
		t.Errorf("move flavors not cleared: %v %v", old, nf)
	}
	list, err := s.ListMigrations(ctx, store.MigrationFilter{InstanceUUID: in.UUID, MigrationType: objects.MigrationResize})
	if err != nil || len(list) != 1 || list[0].Status != conf || list[0].OldInstanceTypeID != small.ID {
		t.Errorf("list: %+v %v", list, err)
	}
}
