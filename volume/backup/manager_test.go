package backup_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/backup"
	"github.com/gostack/gostack/volume/backup/cephbackup"
	"github.com/gostack/gostack/volume/store"
)

// TestRestartMidBackup: cinder-backup starting after a crash during a
// backup marks the backup error with a reason and a user message, returns
// the volume to its status, and removes the half-made image in the backup
// pool and the snapshot it took of the volume; another host's backup is
// left alone.
func TestRestartMidBackup(t *testing.T) {
	conf, user := testenv.Ceph(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.Sync(ctx, pool, "cinder"); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	def, err := st.GetTypeByName(ctx, store.DefaultTypeName)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.CreateVolume(ctx, store.Volume{ID: uuid.NewString(), ProjectID: "p1", UserID: "u1", Size: 1,
		AvailabilityZone: "nova", Status: "backing-up", TypeID: def.ID, Host: "test@ceph#volumes"})
	if err != nil {
		t.Fatal(err)
	}
	vol := ceph.ImageSpec("volumes", "volume-"+v.ID)
	if err := c.Create(ctx, vol, 1<<30, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer c.Remove(context.Background(), vol, ceph.RemoveOptions{PurgeSnapshots: true})
	prev := "available"
	b, err := st.CreateBackup(ctx, store.Backup{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: "p1", UserID: "u1",
		Host: "test-backup-host", Status: "creating", PreviousStatus: &prev, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateBackup(ctx, store.Backup{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: "p1", UserID: "u1",
		Host: "another-host", Status: "creating", Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.DeleteBackup(context.Background(), other.ID)
	defer st.DeleteBackup(context.Background(), b.ID)
	defer st.DeleteVolume(context.Background(), v.ID)
	// What the crash left: the volume's snapshot and a partial copy.
	srcSnap := vol.WithSnap("backup." + b.ID + ".snap.1")
	if err := c.CreateSnapshot(ctx, srcSnap); err != nil {
		t.Fatal(err)
	}
	half := ceph.ImageSpec("backups", cephbackup.BaseName(v.ID, b.ID))
	if err := c.Create(ctx, half, 1<<30, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer c.Remove(context.Background(), half, ceph.RemoveOptions{PurgeSnapshots: true})

	drv := cephbackup.New(cephbackup.Config{Backup: cephbackup.Cluster{Pool: "backups", User: user, CephConf: conf},
		Backends: map[string]cephbackup.Cluster{"ceph": {Pool: "volumes", User: user, CephConf: conf}}})
	defer drv.Close()
	m := backup.New(backup.Config{Host: "test-backup-host", ReportInterval: time.Second}, st, servicegroup.NewStore(pool), drv,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(rctx) }()
	var got store.Backup
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if got, err = st.GetBackup(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if got.Status != "creating" || time.Now().After(deadline) {
			break
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got.Status != "error" || got.FailReason == nil || !strings.Contains(*got.FailReason, "restarted") {
		t.Errorf("backup after the restart: status %q reason %v", got.Status, got.FailReason)
	}
	if gv, _ := st.GetVolume(ctx, v.ID); gv.Status != "available" {
		t.Errorf("volume after the restart: %q, want available", gv.Status)
	}
	if ms, _ := st.ListMessages(ctx, "p1", b.ID); len(ms) != 1 {
		t.Errorf("%d user messages for the interrupted backup, want 1", len(ms))
	}
	if ok, err := c.Exists(ctx, half); err != nil || ok {
		t.Errorf("the half-made backup image %s is still there (%v)", half, err)
	}
	if ok, err := c.Exists(ctx, srcSnap); err != nil || ok {
		t.Errorf("the backup's snapshot %s of the volume is still there (%v)", srcSnap, err)
	}
	if o, _ := st.GetBackup(ctx, other.ID); o.Status != "creating" {
		t.Errorf("another host's backup was touched: %s", o.Status)
	}
	if svc, err := servicegroup.NewStore(pool).GetByHostBinary(ctx, "test-backup-host", "cinder-backup"); err != nil || svc.ReportCount == 0 {
		t.Errorf("no heartbeat of the cinder-backup service: %v %v", svc, err)
	}
}
