package manager

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// migrationRig is a backend test@a on pool volumes with its manager, and
// the destination test@b on pool vms (another pool of the same cluster).
type migrationRig struct {
	t    *testing.T
	st   *store.Store
	m    *Manager
	src  driver.Driver
	c    *ceph.Client
	dest rpcapi.Destination
}

func newMigrationRig(t *testing.T) *migrationRig {
	t.Helper()
	conf, user := testenv.Ceph(t)
	ctx := context.Background()
	open := func(pool string) func(ctx context.Context) (driver.Driver, error) {
		return func(ctx context.Context) (driver.Driver, error) {
			return rbd.Open(ctx, rbd.Config{Pool: pool, User: user, CephConf: conf, MaxCloneDepth: 5})
		}
	}
	src, err := open("volumes")(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	dst, err := open("vms")(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	stats, err := dst.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	st := newStore(t)
	m := New(Config{Host: "test@a"}, st, nil, nil, nil, open("volumes"), quiet())
	return &migrationRig{t: t, st: st, m: m, src: src, c: c, dest: rpcapi.Destination{Host: "test@b#b",
		AvailabilityZone: "az-b", StorageProtocol: stats.StorageProtocol, LocationInfo: stats.LocationInfo}}
}

// volume is an available 1 GiB volume on test@a with its RBD image,
// updated by u, removed from both pools when the test ends.
func (r *migrationRig) volume(u store.VolumeUpdate) store.Volume {
	r.t.Helper()
	ctx := context.Background()
	def, err := r.st.GetTypeByName(ctx, store.DefaultTypeName)
	if err != nil {
		r.t.Fatal(err)
	}
	v, err := r.st.CreateVolume(ctx, store.Volume{ID: uuid.NewString(), ProjectID: "p1", UserID: "u1",
		Size: 1, AvailabilityZone: "nova", Status: "available", TypeID: def.ID, Host: "test@a#a"})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.src.CreateVolume(ctx, v.ID, 1); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() {
		for _, pool := range []string{"volumes", "vms"} {
			_ = r.c.Remove(context.Background(), ceph.ImageSpec(pool, rbd.VolumeName(v.ID)), ceph.RemoveOptions{PurgeSnapshots: true})
		}
	})
	v, err = r.st.UpdateVolume(ctx, v.ID, nil, u)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func (r *migrationRig) get(id string) store.Volume {
	r.t.Helper()
	v, err := r.st.GetVolume(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

// in reports whether the volume's image is in pool.
func (r *migrationRig) in(pool, id string) bool {
	r.t.Helper()
	ok, err := r.c.Exists(context.Background(), ceph.ImageSpec(pool, rbd.VolumeName(id)))
	if err != nil {
		r.t.Fatal(err)
	}
	return ok
}

func str(v *string) string {
	if v == nil {
		return "<nil>"
	}
	return *v
}

// TestMigrateVolumeToAnotherPool: os-migrate_volume's manager part for a
// locked (maintenance) volume: it moves to the destination's pool, takes
// the destination's host and zone, migration_status success, status
// available again.
func TestMigrateVolumeToAnotherPool(t *testing.T) {
	r := newMigrationRig(t)
	ctx := context.Background()
	v := r.volume(store.VolumeUpdate{Status: ptr("maintenance"), PreviousStatus: ptr(ptr("available")),
		MigrationStatus: ptr(ptr("starting"))})
	if _, err := r.m.migrateVolume(ctx, rpcapi.MigrateVolume{VolumeID: v.ID, Dest: r.dest}); err != nil {
		t.Fatal(err)
	}
	got := r.get(v.ID)
	if got.Host != "test@b#b" || got.AvailabilityZone != "az-b" || str(got.MigrationStatus) != "success" || got.Status != "available" {
		t.Fatalf("after the migration: host %s, zone %s, migration_status %s, status %s", got.Host, got.AvailabilityZone,
			str(got.MigrationStatus), got.Status)
	}
	if r.in("volumes", v.ID) || !r.in("vms", v.ID) {
		t.Fatalf("the image did not move to vms")
	}
	// A redelivery of the finished migration changes nothing.
	if _, err := r.m.migrateVolume(ctx, rpcapi.MigrateVolume{VolumeID: v.ID, Dest: r.dest}); err != nil {
		t.Fatal(err)
	}
	if again := r.get(v.ID); again.Host != "test@b#b" || str(again.MigrationStatus) != "success" {
		t.Fatalf("a redelivery changed the volume: %+v", again)
	}
}

// TestMigrateAttachedVolumeToAnotherPoolFails: the RBD driver refuses to
// move an attached volume to another pool and there is no generic
// migration: migration_status error, the volume in-use where it was.
func TestMigrateAttachedVolumeToAnotherPoolFails(t *testing.T) {
	r := newMigrationRig(t)
	v := r.volume(store.VolumeUpdate{Status: ptr("in-use"), AttachStatus: ptr("attached"), PreviousStatus: ptr(ptr("in-use")),
		MigrationStatus: ptr(ptr("starting"))})
	if _, err := r.m.migrateVolume(context.Background(), rpcapi.MigrateVolume{VolumeID: v.ID, Dest: r.dest}); err != nil {
		t.Fatal(err)
	}
	got := r.get(v.ID)
	if got.Host != "test@a#a" || got.AvailabilityZone != "nova" || str(got.MigrationStatus) != "error" || got.Status != "in-use" {
		t.Fatalf("after the refused migration: host %s, zone %s, migration_status %s, status %s", got.Host,
			got.AvailabilityZone, str(got.MigrationStatus), got.Status)
	}
	if !r.in("volumes", v.ID) || r.in("vms", v.ID) {
		t.Fatal("the refused migration moved the image")
	}
}

// TestRetypeWithMigration: the manager's retype to another backend under
// the on-demand policy moves the volume and gives it the new type; under
// never, or with snapshots, it refuses and the volume keeps its type,
// host and data, its status back to what it was.
func TestRetypeWithMigration(t *testing.T) {
	r := newMigrationRig(t)
	ctx := context.Background()
	nt, err := r.st.CreateType(ctx, store.VolumeType{ID: uuid.NewString(), Name: "on-b", IsPublic: true,
		ExtraSpecs: map[string]string{"volume_backend_name": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	retyping := store.VolumeUpdate{Status: ptr("retyping"), PreviousStatus: ptr(ptr("available"))}

	never := r.volume(retyping)
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: never.ID, NewTypeID: nt.ID, Policy: "never", Dest: &r.dest}); err != nil {
		t.Fatal(err)
	}
	if got := r.get(never.ID); got.Status != "available" || got.TypeID == nt.ID || got.Host != "test@a#a" || got.MigrationStatus != nil {
		t.Errorf("retype refused by policy: status %s, type %s, host %s, migration_status %s", got.Status, got.TypeName, got.Host, str(got.MigrationStatus))
	}

	snapped := r.volume(retyping)
	if _, err := r.st.CreateSnapshot(ctx, store.Snapshot{ID: uuid.NewString(), VolumeID: snapped.ID, ProjectID: "p1", UserID: "u1",
		Status: "available", VolumeSize: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: snapped.ID, NewTypeID: nt.ID, Policy: "on-demand", Dest: &r.dest}); err != nil {
		t.Fatal(err)
	}
	if got := r.get(snapped.ID); got.Status != "available" || got.TypeID == nt.ID || got.Host != "test@a#a" || !r.in("volumes", snapped.ID) {
		t.Errorf("retype of a volume with snapshots: status %s, type %s, host %s", got.Status, got.TypeName, got.Host)
	}

	v := r.volume(retyping)
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: v.ID, NewTypeID: nt.ID, Policy: "on-demand", Dest: &r.dest}); err != nil {
		t.Fatal(err)
	}
	got := r.get(v.ID)
	if got.Status != "available" || got.TypeID != nt.ID || got.Host != "test@b#b" || str(got.MigrationStatus) != "success" {
		t.Fatalf("retype with migration: status %s, type %s, host %s, migration_status %s", got.Status, got.TypeName, got.Host, str(got.MigrationStatus))
	}
	if r.in("volumes", v.ID) || !r.in("vms", v.ID) {
		t.Fatal("the retyped volume's image did not move")
	}

	// In place: the type changes, nothing else.
	inPlace := r.volume(retyping)
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: inPlace.ID, NewTypeID: nt.ID, Policy: "never"}); err != nil {
		t.Fatal(err)
	}
	if got := r.get(inPlace.ID); got.Status != "available" || got.TypeID != nt.ID || got.Host != "test@a#a" || got.MigrationStatus != nil {
		t.Errorf("retype in place: status %s, type %s, host %s, migration_status %s", got.Status, got.TypeName, got.Host, str(got.MigrationStatus))
	}
}

// TestRestartMidMigration: a migration under way when the service stopped
// ends in error at start-up, the volume back to its status.
func TestRestartMidMigration(t *testing.T) {
	r := newMigrationRig(t)
	ctx := context.Background()
	locked := r.volume(store.VolumeUpdate{Status: ptr("maintenance"), PreviousStatus: ptr(ptr("available")),
		MigrationStatus: ptr(ptr("migrating"))})
	retyping := r.volume(store.VolumeUpdate{Status: ptr("retyping"), PreviousStatus: ptr(ptr("available")),
		MigrationStatus: ptr(ptr("starting"))})
	done := r.volume(store.VolumeUpdate{MigrationStatus: ptr(ptr("success"))})
	r.m.initDriver(ctx)
	r.m.recover(ctx)
	for _, v := range []store.Volume{locked, retyping} {
		if got := r.get(v.ID); got.Status != "available" || str(got.MigrationStatus) != "error" {
			t.Errorf("after a restart: status %s, migration_status %s", got.Status, str(got.MigrationStatus))
		}
	}
	if got := r.get(done.ID); str(got.MigrationStatus) != "success" {
		t.Errorf("a finished migration was touched: %s", str(got.MigrationStatus))
	}
}
