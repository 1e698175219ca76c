package ceph_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

func TestImageLifecycle(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	const mib = 1 << 20
	spec := scratch(t, c, "volumes", 10*mib)

	if ok, err := c.Exists(ctx, spec); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	info, err := c.Stat(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ceph.DefaultFeatures {
		if !slices.Contains(info.Features, f) {
			t.Errorf("feature %s missing from %v", f, info.Features)
		}
	}
	if info.Size != 10*mib || info.ObjectSize != 4*mib || info.ID == "" || info.Parent != nil {
		t.Fatalf("Stat = %+v", info)
	}
	names, err := c.ListImages(ctx, "volumes")
	if err != nil || !slices.Contains(names, spec.Image) {
		t.Fatalf("ListImages lacks %s: %v", spec.Image, err)
	}
	wantFault(t, c.Create(ctx, spec, mib, ceph.CreateOptions{}), fault.Conflict, "already exists")
	wantFault(t, c.Create(ctx, ceph.ImageSpec("volumes", randomName("x")), mib, ceph.CreateOptions{Features: []string{"layering", "warp-drive"}}),
		fault.Invalid, "warp-drive")

	// Resize: grow, same size, refuse shrink, allowed shrink.
	if err := c.Resize(ctx, spec, 20*mib, ceph.ResizeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Resize(ctx, spec, 20*mib, ceph.ResizeOptions{}); err != nil {
		t.Fatalf("same size: %v", err)
	}
	wantFault(t, c.Resize(ctx, spec, 5*mib, ceph.ResizeOptions{}), fault.Invalid, "Shrinking", "refused")
	if n, _ := c.Size(ctx, spec); n != 20*mib {
		t.Fatalf("size after refused shrink = %d", n)
	}
	if err := c.Resize(ctx, spec, 5*mib, ceph.ResizeOptions{AllowShrink: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Size(ctx, spec); n != 5*mib {
		t.Fatalf("size after shrink = %d", n)
	}

	// Random access through the handle.
	img, err := c.Open(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.WriteAt([]byte("hello"), 3*mib); err != nil {
		t.Fatal(err)
	}
	_, err = img.WriteAt([]byte("past the end"), 5*mib-4)
	wantFault(t, err, fault.Invalid, "beyond the end")
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}

	// Snapshots: create, protect (twice), list, read, unprotect, remove.
	snap := spec.WithSnap("snap")
	if err := c.CreateSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	wantFault(t, c.CreateSnapshot(ctx, snap), fault.Conflict, "already exists")
	for i := 0; i < 2; i++ {
		if err := c.ProtectSnapshot(ctx, snap); err != nil {
			t.Fatalf("protect #%d: %v", i, err)
		}
	}
	snaps, err := c.ListSnapshots(ctx, spec)
	if err != nil || len(snaps) != 1 || snaps[0].Name != "snap" || !snaps[0].Protected || snaps[0].Size != 5*mib {
		t.Fatalf("ListSnapshots = %+v, %v", snaps, err)
	}
	if ok, err := c.Exists(ctx, snap); !ok || err != nil {
		t.Fatalf("Exists(snap) = %v, %v", ok, err)
	}
	ro, err := c.Open(ctx, snap) // a snapshot opens read-only
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := ro.ReadAt(got, 3*mib); err != nil || string(got) != "hello" {
		t.Fatalf("snapshot read %q, %v", got, err)
	}
	_, err = ro.WriteAt([]byte("x"), 0)
	wantFault(t, err, fault.Conflict, "read-only")
	ro.Close()
	kids, err := c.Children(ctx, snap)
	if err != nil || len(kids) != 0 {
		t.Fatalf("Children = %v, %v", kids, err)
	}
	wantFault(t, c.Remove(ctx, spec, ceph.RemoveOptions{}), fault.Conflict, "has snapshots (snap)")
	if err := c.UnprotectSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := c.UnprotectSnapshot(ctx, snap); err != nil {
		t.Fatalf("unprotect twice: %v", err)
	}
	if err := c.RemoveSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	wantFault(t, c.RemoveSnapshot(ctx, snap), fault.NotFound, "snapshot "+snap.String())
	wantFault(t, c.ProtectSnapshot(ctx, snap), fault.NotFound, snap.String())

	if err := c.Remove(ctx, spec, ceph.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Exists(ctx, spec); ok || err != nil {
		t.Fatalf("Exists after Remove = %v, %v", ok, err)
	}
}

func TestMissingImageIsNotFound(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	spec := ceph.ImageSpec("vms", randomName("missing")+"_disk")
	_, err := c.Stat(ctx, spec)
	wantFault(t, err, fault.NotFound, "image "+spec.String()+" does not exist")
	wantFault(t, c.Remove(ctx, spec, ceph.RemoveOptions{}), fault.NotFound, spec.String())
	wantFault(t, c.Resize(ctx, spec, 1<<20, ceph.ResizeOptions{}), fault.NotFound, spec.String())
	wantFault(t, c.CreateSnapshot(ctx, spec.WithSnap("s")), fault.NotFound, spec.String())
	_, err = c.Export(ctx, spec, &bytes.Buffer{}, ceph.ExportOptions{})
	wantFault(t, err, fault.NotFound, spec.String())
	wantFault(t, c.Clone(ctx, ceph.SnapSpec("images", randomName("nope"), "snap"), ceph.ImageSpec("vms", randomName("c")), ceph.CreateOptions{}),
		fault.NotFound, "does not exist")
	if ok, err := c.Exists(ctx, spec); ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	_, err = c.Stat(ctx, ceph.ImageSpec("no-such-pool-"+randomName("p"), "x"))
	wantFault(t, err, fault.Unavailable, "does not exist", "rbd pool init")
}
