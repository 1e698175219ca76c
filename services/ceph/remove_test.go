package ceph_test

import (
	"context"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestRemoveInUse holds an image open from a second client, as a running
// guest's QEMU does, and removes it.
func TestRemoveInUse(t *testing.T) {
	c := connect(t)
	guest := connect(t)
	ctx := ctxFor(t)
	// A disk name as Nova makes them.
	disk := ceph.ImageSpec("vms", randomName("vm")+"_disk")
	if err := c.Create(ctx, disk, 1<<20, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cleanupImage(t, c, disk)

	held, err := guest.Open(ctx, disk)
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	retry := &ceph.Backoff{Attempts: 3, Initial: time.Second, Max: time.Minute,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	err = c.Remove(ctx, disk, ceph.RemoveOptions{Retry: retry})
	wantFault(t, err, fault.Conflict, "image "+disk.String()+" is in use by a running guest", "1 watcher")
	if len(slept) != 2 || slept[0] != time.Second || slept[1] != 2*time.Second {
		t.Fatalf("backoff slept %v; want [1s 2s]", slept)
	}

	// The guest goes away during the backoff: the retry succeeds.
	slept = nil
	retry.Sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return held.Close()
	}
	if err := c.Remove(ctx, disk, ceph.RemoveOptions{Retry: retry}); err != nil {
		t.Fatalf("remove after the guest closed: %v", err)
	}
	if len(slept) != 1 {
		t.Fatalf("backoff slept %v; want one wait", slept)
	}
}

// TestRemoveWithClones removes an image whose protected snapshot has a
// clone, as deleting a Glance image that a server boots from does.
func TestRemoveWithClones(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	parent := scratch(t, c, "images", 8<<20)
	snap := parent.WithSnap("snap")
	if err := c.CreateSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := c.ProtectSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	child := ceph.ImageSpec("vms", randomName("vm")+"_disk")
	if err := c.Clone(ctx, snap, child, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cleanupImage(t, c, child)

	for _, opts := range []ceph.RemoveOptions{{}, {PurgeSnapshots: true}} {
		err := c.Remove(ctx, parent, opts)
		wantFault(t, err, fault.Conflict, "snapshot "+snap.String()+" has clones ("+child.String()+")", "flatten or delete")
	}
	wantFault(t, c.RemoveSnapshot(ctx, snap), fault.Conflict, "has clones ("+child.String()+")")
	wantFault(t, c.UnprotectSnapshot(ctx, snap), fault.Conflict, "has clones ("+child.String()+")")
	if ok, err := c.Exists(ctx, snap); !ok || err != nil {
		t.Fatalf("the snapshot must survive the refused removals: %v, %v", ok, err)
	}

	// With the clone gone, the purge removes snapshot and image.
	if err := c.Remove(ctx, child, ceph.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, parent, ceph.RemoveOptions{PurgeSnapshots: true}); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Exists(ctx, parent); ok || err != nil {
		t.Fatalf("Exists after purge = %v, %v", ok, err)
	}
}
