package placement_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := testCtx(t)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	return pool
}

// smallNode: 2 CPUs, 4096 MB with 512 reserved, 10 GB; capacity 32 vCPUs,
// (4096-512)*1.5 = 5376 MB, 10 GB.
func smallNode(host string) placement.NodeReport {
	return placement.NodeReport{Host: host, Hostname: host + ".example", HypervisorType: "QEMU",
		HypervisorVersion: 7002000, HostIP: "10.250.0.11", VCPUs: 2, MemoryMB: 4096, LocalGB: 10,
		ReservedMemoryMB: 512, CPUInfo: `{"arch": "x86_64"}`}
}

func TestReportKeepsIdentityAndDefaults(t *testing.T) {
	ctx := testCtx(t)
	s := placement.NewStore(newPool(t))
	first, err := s.Report(ctx, smallNode("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if first.CPUAllocationRatio != 16 || first.RAMAllocationRatio != 1.5 || first.DiskAllocationRatio != 1 {
		t.Errorf("default ratios %v %v %v; want Zed's 16, 1.5, 1", first.CPUAllocationRatio, first.RAMAllocationRatio, first.DiskAllocationRatio)
	}
	if len(first.SupportedInstances) != 2 || first.SupportedInstances[0] != [3]string{"x86_64", "qemu", "hvm"} {
		t.Errorf("supported instances %v", first.SupportedInstances)
	}
	r := smallNode("c1")
	r.MemoryMB = 8192
	again, err := s.Report(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.UUID != first.UUID || again.MemoryMB != 8192 || again.UpdatedAt.IsZero() {
		t.Errorf("second report: %+v; first %+v", again.Node, first.Node)
	}
	if again.Service != nil {
		t.Errorf("a node without a service row has service %+v", again.Service)
	}
	if _, err := s.Report(ctx, placement.NodeReport{Host: "x"}); fault.KindOf(err) != fault.Invalid {
		t.Errorf("report without hostname: %v", err)
	}
}

// TestConcurrentClaimsNeverOvercommit: 10 claims of 1024 MB at once on a
// node with room for 5 give exactly 5 claims and 5 conflicts.
func TestConcurrentClaimsNeverOvercommit(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	s := placement.NewStore(pool)
	n, err := s.Report(ctx, smallNode("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := n.CapacityMemoryMB(); got != 5376 {
		t.Fatalf("capacity %d MB; want 5376", got)
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		ok, short int
		others    []error
	)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Claim(ctx, placement.Claim{Consumer: uuid.NewString(), NodeID: n.ID, VCPUs: 1, MemoryMB: 1024, DiskGB: 1})
			mu.Lock()
			defer mu.Unlock()
			var in *placement.Insufficient
			switch {
			case err == nil:
				ok++
			case errors.As(err, &in) && fault.KindOf(err) == fault.Conflict && in.Resource == "MEMORY_MB":
				short++
			default:
				others = append(others, err)
			}
		}()
	}
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("unexpected errors: %v", others)
	}
	if ok != 5 || short != 5 {
		t.Fatalf("%d claims succeeded and %d were refused; want 5 and 5", ok, short)
	}
	h, err := s.Get(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h.Used != (placement.Usage{VCPUs: 5, MemoryMB: 5120, DiskGB: 5, Instances: 5}) {
		t.Fatalf("usage %+v", h.Used)
	}
	if h.Used.MemoryMB > h.CapacityMemoryMB() {
		t.Fatalf("overcommitted: %d > %d", h.Used.MemoryMB, h.CapacityMemoryMB())
	}
}

func TestClaimIdempotentMoveAndRelease(t *testing.T) {
	ctx := testCtx(t)
	s := placement.NewStore(newPool(t))
	a, err := s.Report(ctx, smallNode("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Report(ctx, smallNode("b"))
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	c := placement.Claim{Consumer: id, ProjectID: "p", NodeID: a.ID, VCPUs: 2, MemoryMB: 2048, DiskGB: 5}
	for range 2 { // a redelivered request claims again
		if err := s.Claim(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if h, _ := s.Get(ctx, a.ID); h.Used.Instances != 1 || h.Used.MemoryMB != 2048 {
		t.Fatalf("after two identical claims: %+v", h.Used)
	}
	c.NodeID = b.ID
	if err := s.Claim(ctx, c); err != nil {
		t.Fatal(err)
	}
	ha, _ := s.Get(ctx, a.ID)
	hb, _ := s.Get(ctx, b.ID)
	if ha.Used.Instances != 0 || hb.Used.Instances != 1 {
		t.Fatalf("claim did not move: a %+v b %+v", ha.Used, hb.Used)
	}
	for range 2 {
		if err := s.Release(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if hb, _ := s.Get(ctx, b.ID); hb.Used != (placement.Usage{}) {
		t.Fatalf("after release: %+v", hb.Used)
	}
	// A flavor larger than the node in all is refused by its max unit.
	err = s.Claim(ctx, placement.Claim{Consumer: id, NodeID: a.ID, VCPUs: 4})
	var in *placement.Insufficient
	if !errors.As(err, &in) || in.Resource != "VCPU" || in.MaxUnit != 2 {
		t.Fatalf("4 vCPUs on a 2-CPU node: %v", err)
	}
	if err := s.Claim(ctx, placement.Claim{Consumer: id, NodeID: 999999, VCPUs: 1}); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("claim on a missing node: %v", err)
	}
}

func TestHypervisorViewAndStatistics(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	s := placement.NewStore(pool)
	sg := servicegroup.NewStore(pool)
	svc, err := sg.Register(ctx, servicegroup.Registration{Binary: placement.BinaryCompute, Host: "c1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sg.Register(ctx, servicegroup.Registration{Binary: placement.BinaryCompute, Host: "c2", Topic: "compute"}); err != nil {
		t.Fatal(err)
	}
	c1, _ := s.Report(ctx, smallNode("c1"))
	c2, _ := s.Report(ctx, smallNode("c2"))
	if err := s.Claim(ctx, placement.Claim{Consumer: uuid.NewString(), NodeID: c1.ID, VCPUs: 1, MemoryMB: 1024, DiskGB: 3}); err != nil {
		t.Fatal(err)
	}
	h, err := s.GetByUUID(ctx, c1.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if h.Service == nil || h.Service.ID != svc.ID {
		t.Fatalf("service %+v; want id %d", h.Service, svc.ID)
	}
	if h.MemoryMBUsed() != 1536 || h.FreeRAMMB() != 2560 || h.LocalGBUsed() != 3 || h.FreeDiskGB() != 7 ||
		h.RunningVMs() != 1 || h.Used.VCPUs != 1 {
		t.Fatalf("usage: used %d free %d disk %d/%d vms %d", h.MemoryMBUsed(), h.FreeRAMMB(), h.LocalGBUsed(), h.FreeDiskGB(), h.RunningVMs())
	}
	if h.State(time.Now(), time.Minute) != "up" || h.Status() != "enabled" {
		t.Fatalf("state %s status %s", h.State(time.Now(), time.Minute), h.Status())
	}
	list, err := s.List(ctx, placement.ListOptions{HostnamePattern: "c2"})
	if err != nil || len(list) != 1 || list[0].ID != c2.ID {
		t.Fatalf("pattern list: %v %+v", err, list)
	}
	page, err := s.List(ctx, placement.ListOptions{AfterID: c1.ID, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != c2.ID {
		t.Fatalf("page after c1: %v %+v", err, page)
	}
	if _, err := s.GetByUUID(ctx, "nope"); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("bad uuid: %v", err)
	}

	st, err := s.Statistics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != 2 || st.VCPUs != 4 || st.VCPUsUsed != 1 || st.MemoryMB != 8192 || st.MemoryMBUsed != 1536+512 || st.RunningVMs != 1 {
		t.Fatalf("statistics %+v", st)
	}
	c2svc, _ := sg.GetByHostBinary(ctx, "c2", placement.BinaryCompute)
	if _, err := sg.Disable(ctx, c2svc.ID, "maintenance"); err != nil {
		t.Fatal(err)
	}
	st, _ = s.Statistics(ctx)
	if st.Count != 1 || st.MemoryMB != 4096 {
		t.Fatalf("statistics with c2 disabled %+v", st)
	}
}
