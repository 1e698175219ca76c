package rbd_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/rpcapi"
)

// The cross-pool tests move volumes between the dev cluster's pools
// volumes and vms: two RBD backends of one cluster in different pools, as
// the dev cloud's own backends (both in volumes) are not.

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// backend opens an RBD backend on pool as the test's Ceph user.
func backend(t *testing.T, pool string) *rbd.Driver {
	t.Helper()
	conf, user := testenv.Ceph(t)
	d, err := rbd.Open(testCtx(t), rbd.Config{Pool: pool, User: user, CephConf: conf})
	if err != nil {
		t.Fatalf("open the RBD backend on %s: %v", pool, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// admin is a plain Ceph client for looking at the pools.
func admin(t *testing.T) *ceph.Client {
	t.Helper()
	conf, user := testenv.Ceph(t)
	c, err := ceph.Connect(testCtx(t), ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// destination is what the scheduler would pass for backend d.
func destination(t *testing.T, d *rbd.Driver, host string) rpcapi.Destination {
	t.Helper()
	st, err := d.Stats(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return rpcapi.Destination{Host: host, AvailabilityZone: "nova", StorageProtocol: st.StorageProtocol, LocationInfo: st.LocationInfo}
}

// newVolume makes a 1 GiB volume on d with a pattern at 0 and at 700 MiB,
// removed from both pools when the test ends.
func newVolume(t *testing.T, c *ceph.Client, d *rbd.Driver) (string, []byte) {
	t.Helper()
	ctx := testCtx(t)
	id := uuid.NewString()
	if err := d.CreateVolume(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pool := range []string{"volumes", "vms"} {
			err := c.Remove(context.Background(), ceph.ImageSpec(pool, rbd.VolumeName(id)), ceph.RemoveOptions{PurgeSnapshots: true})
			if err != nil && fault.KindOf(err) != fault.NotFound {
				t.Errorf("cleanup %s/%s: %v", pool, rbd.VolumeName(id), err)
			}
		}
	})
	pattern := bytes.Repeat([]byte("migrate "+id[:8]), 4096)
	write(t, c, ceph.ImageSpec("volumes", rbd.VolumeName(id)), pattern)
	return id, pattern
}

func write(t *testing.T, c *ceph.Client, spec ceph.Spec, pattern []byte) {
	t.Helper()
	img, err := c.Open(testCtx(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	for _, off := range []int64{0, 700 << 20} {
		if _, err := img.WriteAt(pattern, off); err != nil {
			t.Fatal(err)
		}
	}
}

// holds fails unless spec exists with the pattern at 0 and 700 MiB.
func holds(t *testing.T, c *ceph.Client, spec ceph.Spec, pattern []byte) {
	t.Helper()
	img, err := c.OpenReadOnly(testCtx(t), spec)
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	defer img.Close()
	if size, _ := img.Size(testCtx(t)); size != 1<<30 {
		t.Fatalf("%s is %d bytes, want 1 GiB", spec, size)
	}
	for _, off := range []int64{0, 700 << 20} {
		got := make([]byte, len(pattern))
		if _, err := img.ReadAt(got, off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pattern) {
			t.Fatalf("%s at %d: not the volume's data", spec, off)
		}
	}
}

func gone(t *testing.T, c *ceph.Client, spec ceph.Spec) {
	t.Helper()
	if ok, err := c.Exists(testCtx(t), spec); err != nil || ok {
		t.Fatalf("%s exists (%v), want it gone", spec, err)
	}
}

func TestLocationInfo(t *testing.T) {
	conf, user := testenv.Ceph(t)
	d := backend(t, "volumes")
	st, err := d.Stats(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(st.LocationInfo, ":")
	if len(f) != 5 || f[0] != "ceph" || f[1] != conf || len(f[2]) != 36 || f[3] != user || f[4] != "volumes" {
		t.Fatalf("location_info %q, want ceph:%s:<fsid>:%s:volumes", st.LocationInfo, conf, user)
	}
}

// TestMigrateWithinPool: another backend on the same pool takes the
// volume as it is; nothing moves, attached or not.
func TestMigrateWithinPool(t *testing.T) {
	c := admin(t)
	src, other := backend(t, "volumes"), backend(t, "volumes")
	id, pattern := newVolume(t, c, src)
	for _, attached := range []bool{false, true} {
		if err := src.MigrateVolume(testCtx(t), id, attached, destination(t, other, "h@other#other")); err != nil {
			t.Fatalf("attached %v: %v", attached, err)
		}
		holds(t, c, ceph.ImageSpec("volumes", rbd.VolumeName(id)), pattern)
	}
}

// TestMigrateToAnotherPool: a volume cloned from a snapshot of another
// moves to another pool of the cluster with its data (the parent's too),
// flat and without its snapshots, and leaves nothing behind; the
// destination backend serves it and can move it back. An attached volume
// is refused and stays.
func TestMigrateToAnotherPool(t *testing.T) {
	ctx := testCtx(t)
	c := admin(t)
	src, dst := backend(t, "volumes"), backend(t, "vms")
	parent, pattern := newVolume(t, c, src)
	snap := uuid.NewString()
	if err := src.CreateSnapshot(ctx, parent, snap); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	if err := src.CreateFromSnapshot(ctx, id, 1, parent, snap); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pool := range []string{"volumes", "vms"} {
			_ = c.Remove(context.Background(), ceph.ImageSpec(pool, rbd.VolumeName(id)), ceph.RemoveOptions{PurgeSnapshots: true})
		}
		_ = src.DeleteSnapshot(context.Background(), parent, snap)
	})
	own := bytes.Repeat([]byte("own data"), 4096)
	img, err := c.Open(ctx, ceph.ImageSpec("volumes", rbd.VolumeName(id)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.WriteAt(own, 4<<20); err != nil {
		t.Fatal(err)
	}
	img.Close()
	from, to := ceph.ImageSpec("volumes", rbd.VolumeName(id)), ceph.ImageSpec("vms", rbd.VolumeName(id))
	dest := destination(t, dst, "h@other#other")

	err = src.MigrateVolume(ctx, id, true, dest)
	if !errors.Is(err, driver.ErrCannotMigrate) || !strings.Contains(err.Error(), "attached") {
		t.Fatalf("attached volume to another pool: %v, want a refusal", err)
	}
	holds(t, c, from, pattern)
	gone(t, c, to)

	start := time.Now()
	if err := src.MigrateVolume(ctx, id, false, dest); err != nil {
		t.Fatal(err)
	}
	t.Logf("1 GiB volume moved to another pool in %s", time.Since(start).Round(time.Millisecond))
	gone(t, c, from)
	holds(t, c, to, pattern)
	info, err := c.Stat(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	if info.Parent != nil {
		t.Errorf("the moved volume is still a clone of %v", info.Parent)
	}
	check, err := c.OpenReadOnly(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(own))
	_, _ = check.ReadAt(got, 4<<20)
	check.Close()
	if !bytes.Equal(got, own) {
		t.Error("the moved volume lost what was written to the clone")
	}
	// The destination backend now serves it.
	if err := dst.Extend(ctx, id, 2); err != nil {
		t.Fatal(err)
	}
	conn, err := dst.Connection(ctx, id, nil)
	if err != nil || conn.Data["name"] != "vms/"+rbd.VolumeName(id) {
		t.Errorf("connection after the move: %v, %v", conn.Data["name"], err)
	}
	// And back.
	if err := dst.MigrateVolume(ctx, id, false, destination(t, src, "h@src#src")); err != nil {
		t.Fatal(err)
	}
	gone(t, c, to)
	if size, _ := c.Size(ctx, from); size != 2<<30 {
		t.Errorf("moved back: %d bytes, want 2 GiB", size)
	}
}

// TestMigrateRefusals: another kind of backend, an unusable
// location_info, another cluster: refused, nothing moves.
func TestMigrateRefusals(t *testing.T) {
	c := admin(t)
	src, dst := backend(t, "volumes"), backend(t, "vms")
	id, pattern := newVolume(t, c, src)
	good := destination(t, dst, "h@other#other")
	otherCluster := good
	f := strings.Split(good.LocationInfo, ":")
	f[2] = "00000000-1111-2222-3333-444444444444"
	otherCluster.LocationInfo = strings.Join(f, ":")
	for name, dest := range map[string]rpcapi.Destination{
		"lvm":           {Host: "h@lvm#lvm", StorageProtocol: "iSCSI", LocationInfo: good.LocationInfo},
		"no location":   {Host: "h@x#x", StorageProtocol: "ceph"},
		"bad location":  {Host: "h@x#x", StorageProtocol: "ceph", LocationInfo: "ceph:vms"},
		"other cluster": otherCluster,
	} {
		err := src.MigrateVolume(testCtx(t), id, false, dest)
		if !errors.Is(err, driver.ErrCannotMigrate) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	holds(t, c, ceph.ImageSpec("volumes", rbd.VolumeName(id)), pattern)
	gone(t, c, ceph.ImageSpec("vms", rbd.VolumeName(id)))
}

// TestMigrateRepeats: a copy an interrupted attempt left in the
// destination pool is replaced by the volume's data; a move that finished
// (the image only in the destination) is done.
func TestMigrateRepeats(t *testing.T) {
	ctx := testCtx(t)
	c := admin(t)
	src, dst := backend(t, "volumes"), backend(t, "vms")
	id, pattern := newVolume(t, c, src)
	to := ceph.ImageSpec("vms", rbd.VolumeName(id))
	if err := c.Create(ctx, to, 1<<20, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dest := destination(t, dst, "h@other#other")
	if err := src.MigrateVolume(ctx, id, false, dest); err != nil {
		t.Fatal(err)
	}
	holds(t, c, to, pattern)
	gone(t, c, ceph.ImageSpec("volumes", rbd.VolumeName(id)))
	if err := src.MigrateVolume(ctx, id, false, dest); err != nil {
		t.Fatalf("a repeated move that had finished: %v", err)
	}
	holds(t, c, to, pattern)
}

// TestMigrateFailuresLeaveTheVolume: a destination pool that does not
// exist, and a source that cannot be removed after the copy (a client
// still has it open): the volume stays whole where it was and nothing is
// left in the destination pool.
func TestMigrateFailuresLeaveTheVolume(t *testing.T) {
	ctx := testCtx(t)
	c := admin(t)
	src, dst := backend(t, "volumes"), backend(t, "vms")
	id, pattern := newVolume(t, c, src)
	from, to := ceph.ImageSpec("volumes", rbd.VolumeName(id)), ceph.ImageSpec("vms", rbd.VolumeName(id))

	dest := destination(t, dst, "h@other#other")
	noPool := dest
	noPool.LocationInfo = strings.TrimSuffix(dest.LocationInfo, ":vms") + ":no-such-pool"
	err := src.MigrateVolume(ctx, id, false, noPool)
	if err == nil || errors.Is(err, driver.ErrCannotMigrate) {
		t.Fatalf("migration to a missing pool: %v, want a failure", err)
	}
	holds(t, c, from, pattern)

	// A watcher keeps the source busy through the remove's retries.
	busy, err := c.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	err = src.MigrateVolume(ctx, id, false, dest)
	if err == nil || errors.Is(err, driver.ErrCannotMigrate) {
		t.Fatalf("migration of a busy volume: %v, want a failure", err)
	}
	t.Logf("busy source: %v", err)
	busy.Close()
	holds(t, c, from, pattern)
	gone(t, c, to)
}
