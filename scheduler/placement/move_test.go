package placement_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/fault"
)

// TestMoveClaims: a resize on one node, as the conductor and nova-compute
// drive it: the instance's claim passes to the migration, the instance
// claims its new flavor beside it (both count), then a revert gives the
// old claim back (the new one dropped) and a confirm drops the old one.
func TestMoveClaims(t *testing.T) {
	ctx := testCtx(t)
	s := placement.NewStore(newPool(t))
	n, err := s.Report(ctx, smallNode("mv-"+uuid.NewString()[:8]))
	if err != nil {
		t.Fatal(err)
	}
	inst, mig := uuid.NewString(), uuid.NewString()
	if err := s.Claim(ctx, placement.Claim{Consumer: inst, NodeID: n.ID, VCPUs: 1, MemoryMB: 512, DiskGB: 1}); err != nil {
		t.Fatal(err)
	}
	used := func() (int, int) {
		h, err := s.Get(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h.Used.Instances, h.Used.MemoryMB
	}

	if err := s.MoveClaim(ctx, inst, mig); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveClaim(ctx, inst, mig); fault.KindOf(err) != fault.Conflict && fault.KindOf(err) != fault.NotFound {
		t.Errorf("moving again: %v", err)
	}
	if err := s.Claim(ctx, placement.Claim{Consumer: inst, NodeID: n.ID, VCPUs: 2, MemoryMB: 1024, DiskGB: 2}); err != nil {
		t.Fatal(err)
	}
	if k, mb := used(); k != 2 || mb != 1536 {
		t.Errorf("during the resize: %d claims, %d MB; want 2, 1536", k, mb)
	}

	// revert: the old claim (512 MB) is the instance's again
	if err := s.RevertMove(ctx, inst, mig); err != nil {
		t.Fatal(err)
	}
	if k, mb := used(); k != 1 || mb != 512 {
		t.Errorf("after the revert: %d claims, %d MB; want 1, 512", k, mb)
	}
	if err := s.RevertMove(ctx, inst, mig); err != nil {
		t.Errorf("a repeated revert: %v", err)
	}
	if k, mb := used(); k != 1 || mb != 512 {
		t.Errorf("after a repeated revert: %d claims, %d MB; want 1, 512", k, mb)
	}

	// a second resize, confirmed: only the new claim stays
	mig2 := uuid.NewString()
	if err := s.MoveClaim(ctx, inst, mig2); err != nil {
		t.Fatal(err)
	}
	if err := s.Claim(ctx, placement.Claim{Consumer: inst, NodeID: n.ID, VCPUs: 2, MemoryMB: 1024, DiskGB: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, mig2); err != nil {
		t.Fatal(err)
	}
	if k, mb := used(); k != 1 || mb != 1024 {
		t.Errorf("after the confirm: %d claims, %d MB; want 1, 1024", k, mb)
	}
	if err := s.MoveClaim(ctx, uuid.NewString(), uuid.NewString()); fault.KindOf(err) != fault.NotFound {
		t.Errorf("moving a claim nobody holds: %v", err)
	}
	_ = s.Release(ctx, inst)
}
