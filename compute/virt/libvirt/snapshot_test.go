package libvirt

import (
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestDirectSnapshot copies a running instance's root disk into the images
// pool as Glance stores images, and boots a new instance from the copy.
func TestDirectSnapshot(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	ctx := ctxFor(t)
	spec := f.spec()
	spawn(t, d, spec)

	imageID := randomUUID()
	img := ceph.ImageSpec("images", imageID)
	t.Cleanup(func() { removeImage(f.admin, img) })
	loc, err := d.DirectSnapshot(ctx, spec.UUID, imageID, "images")
	if err != nil {
		t.Fatal(err)
	}
	fsid, err := f.admin.FSID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if loc != "rbd://"+fsid+"/images/"+imageID+"/snap" {
		t.Fatalf("location %s", loc)
	}
	if _, isClone, err := f.admin.Parent(ctx, img); err != nil || isClone {
		t.Fatalf("the copy still depends on the instance's disk (%v, %v)", isClone, err)
	}
	snaps, err := f.admin.ListSnapshots(ctx, img)
	if err != nil || len(snaps) != 1 || snaps[0].Name != "snap" || !snaps[0].Protected {
		t.Fatalf("image snapshots %+v, %v", snaps, err)
	}
	if left, err := f.admin.ListSnapshots(ctx, ceph.ImageSpec(testPool, spec.UUID+"_disk")); err != nil || len(left) != 0 {
		t.Fatalf("snapshots left on the root disk: %+v, %v", left, err)
	}
	if _, err := d.DirectSnapshot(ctx, spec.UUID, imageID, "images"); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("snapshot onto an existing image: %v, want Conflict", err)
	}
	if _, err := d.DirectSnapshot(ctx, randomUUID(), randomUUID(), "images"); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("snapshot of a missing instance: %v, want NotFound", err)
	}

	// The instance's disk can go; the copy boots.
	if err := d.Destroy(ctx, spec.UUID, virt.DestroyOptions{}); err != nil {
		t.Fatal(err)
	}
	child := f.spec()
	child.Image.ID = imageID
	child.Image.Location = &virt.RBDLocation{FSID: fsid, Pool: "images", Image: imageID, Snap: "snap"}
	spawn(t, d, child)
	out := waitBooted(t, d, child.UUID, "")
	if !strings.Contains(out, bootMarker) {
		t.Fatal(out)
	}
}
