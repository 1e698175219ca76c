package manager

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/store"
)

// newStore is a fresh cinder database on the real PostgreSQL.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "cinder"); err != nil {
		t.Fatal(err)
	}
	return store.New(pool)
}

func creatingVolume(t *testing.T, st *store.Store, host string) store.Volume {
	t.Helper()
	def, err := st.GetTypeByName(context.Background(), store.DefaultTypeName)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.CreateVolume(context.Background(), store.Volume{ID: uuid.NewString(), ProjectID: "p1", UserID: "u1",
		Size: 1, AvailabilityZone: "nova", Status: "creating", TypeID: def.ID, Host: host})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// openRBD opens the RBD driver on the dev cluster's volumes pool.
func openRBD(conf, user string) func(ctx context.Context) (driver.Driver, error) {
	return func(ctx context.Context) (driver.Driver, error) {
		return rbd.Open(ctx, rbd.Config{Pool: "volumes", User: user, CephConf: conf, MaxCloneDepth: 5})
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func messages(t *testing.T, st *store.Store, id string) []store.Message {
	t.Helper()
	ms, err := st.ListMessages(context.Background(), "p1", id)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestCreateOnBackendThatCannotReachCeph: a backend whose cephx user does
// not exist leaves the volume in error with a user message, and deleting
// it afterwards removes it.
func TestCreateOnBackendThatCannotReachCeph(t *testing.T) {
	conf, _ := testenv.Ceph(t)
	st := newStore(t)
	ctx := context.Background()
	open := func(ctx context.Context) (driver.Driver, error) {
		return rbd.Open(ctx, rbd.Config{Pool: "volumes", User: "no-such-user", CephConf: conf, Keyring: "/nonexistent/keyring"})
	}
	m := New(Config{Host: "test@broken"}, st, nil, nil, nil, open, quiet())
	v := creatingVolume(t, st, "test@broken#volumes")
	if _, err := m.createVolume(ctx, rpcapiCreate(v.ID)); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetVolume(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "error" {
		t.Fatalf("status %q, want error", got.Status)
	}
	ms := messages(t, st, v.ID)
	if len(ms) != 1 || ms[0].EventID != "VOLUME_VOLUME_008_002" {
		t.Fatalf("messages: %+v", ms)
	}
	if _, err := st.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: ptr("deleting")}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.deleteVolume(ctx, rpcapiRef(v.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetVolume(ctx, v.ID); err == nil {
		t.Fatal("the errored volume is still there after delete")
	}
}

// TestRestartMidCreate: a volume a crash left in creating, with a
// half-made RBD image, is marked error on start and the image removed.
func TestRestartMidCreate(t *testing.T) {
	conf, user := testenv.Ceph(t)
	st := newStore(t)
	ctx := context.Background()
	open := openRBD(conf, user)
	d, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v := creatingVolume(t, st, "test@recover#volumes")
	other := creatingVolume(t, st, "otherhost@b#volumes")
	if err := d.CreateVolume(ctx, v.ID, 1); err != nil { // the crash happened after this
		t.Fatal(err)
	}
	// A manage and an unmanage the restart cut short.
	managing, unmanaging := creatingVolume(t, st, "test@recover#volumes"), creatingVolume(t, st, "test@recover#volumes")
	for id, status := range map[string]string{managing.ID: "managing", unmanaging.ID: "unmanaging"} {
		if _, err := st.UpdateVolume(ctx, id, nil, store.VolumeUpdate{Status: &status}); err != nil {
			t.Fatal(err)
		}
	}
	m := New(Config{Host: "test@recover"}, st, nil, nil, nil, open, quiet())
	m.initDriver(ctx)
	m.recover(ctx)
	got, err := st.GetVolume(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "error" {
		t.Errorf("status after restart %q, want error", got.Status)
	}
	if len(messages(t, st, v.ID)) != 1 {
		t.Errorf("no user message for the interrupted create")
	}
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, err := c.Exists(ctx, ceph.ImageSpec("volumes", rbd.VolumeName(v.ID))); err != nil || ok {
		t.Errorf("half-made image volumes/%s still exists (%v)", rbd.VolumeName(v.ID), err)
	}
	if o, _ := st.GetVolume(ctx, other.ID); o.Status != "creating" {
		t.Errorf("another host's volume was touched: %s", o.Status)
	}
	if got, err := st.GetVolume(ctx, managing.ID); err != nil || got.Status != "error_managing" {
		t.Errorf("an interrupted manage: %q (%v), want error_managing", got.Status, err)
	}
	// The unmanage is finished in the background: the row goes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := st.GetVolume(ctx, unmanaging.ID)
		if fault.KindOf(err) == fault.NotFound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("an interrupted unmanage left its volume (%v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
