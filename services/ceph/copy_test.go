package ceph_test

import (
	"bytes"
	"testing"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestCopyToAnotherPool copies a clone with data of its own into another
// pool: the copy has the parent's data and the clone's writes, no parent
// and no snapshots, and the source is untouched.
func TestCopyToAnotherPool(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	const mib = 1 << 20
	base := scratch(t, c, "volumes", 8*mib)
	write := func(spec ceph.Spec, off int64, p []byte) {
		t.Helper()
		img, err := c.Open(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		defer img.Close()
		if _, err := img.WriteAt(p, off); err != nil {
			t.Fatal(err)
		}
	}
	parentData := bytes.Repeat([]byte("parent!!"), 512)
	write(base, 0, parentData)
	snap := base.WithSnap("s")
	if err := c.CreateSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := c.ProtectSnapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	clone := ceph.ImageSpec("volumes", randomName("clone"))
	if err := c.Clone(ctx, snap, clone, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cleanupImage(t, c, clone)
	own := bytes.Repeat([]byte("clone..."), 512)
	write(clone, 5*mib, own)
	if err := c.CreateSnapshot(ctx, clone.WithSnap("not-copied")); err != nil {
		t.Fatal(err)
	}

	dst := ceph.ImageSpec("vms", randomName("copy"))
	cleanupImage(t, c, dst)
	if err := c.Copy(ctx, clone, nil, dst); err != nil {
		t.Fatal(err)
	}
	info, err := c.Stat(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 8*mib || info.Parent != nil {
		t.Fatalf("copy: %+v, want 8 MiB and no parent", info)
	}
	if snaps, err := c.ListSnapshots(ctx, dst); err != nil || len(snaps) != 0 {
		t.Fatalf("copy's snapshots = %v, %v; want none", snaps, err)
	}
	img, err := c.OpenReadOnly(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	for _, want := range []struct {
		off  int64
		data []byte
	}{{0, parentData}, {5 * mib, own}, {7 * mib, make([]byte, 4096)}} {
		got := make([]byte, len(want.data))
		if _, err := img.ReadAt(got, want.off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.data) {
			t.Fatalf("copy at %d differs from the source", want.off)
		}
	}
	if ok, _ := c.Exists(ctx, clone); !ok {
		t.Fatal("the source is gone after a copy")
	}

	// An existing destination is a conflict and stays as it was.
	wantFault(t, c.Copy(ctx, clone, nil, dst), fault.Conflict, "already exists")
	if ok, _ := c.Exists(ctx, dst); !ok {
		t.Fatal("a refused copy removed the existing destination")
	}
	// A missing source or pool is reported, and nothing is left behind.
	missing := ceph.ImageSpec("volumes", randomName("missing"))
	other := ceph.ImageSpec("vms", randomName("never"))
	wantFault(t, c.Copy(ctx, missing, nil, other), fault.NotFound)
	wantFault(t, c.Copy(ctx, clone, nil, ceph.ImageSpec("no-such-pool-"+randomName("p"), "x")), fault.Unavailable, "does not exist")
	if ok, _ := c.Exists(ctx, other); ok {
		t.Fatal("a failed copy left an image behind")
	}
}
