package manager_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/manager"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// world is a nova database with compute hosts, and a scheduler served over
// the real broker on a test-only exchange and topic.
type world struct {
	pool   *pgxpool.Pool
	nodes  *placement.Store
	svcs   *servicegroup.Store
	client *schedulerapi.Client
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newWorld(t testing.TB, s manager.Settings) *world {
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
	w := &world{pool: pool, nodes: placement.NewStore(pool), svcs: servicegroup.NewStore(pool)}
	m, err := manager.New(w.nodes, s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}

	var b [4]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	target := rpc.Target{Exchange: "schedtest_" + id, Topic: "schedtest" + id}
	url := testenv.AMQPURL(t)
	tr, err := rpc.Open(rpc.Config{TransportURL: url, ControlExchange: target.Exchange, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srvCtx, stop := context.WithCancel(context.Background())
	srv := rpc.NewServer(tr, target)
	m.Register(srv)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(srvCtx) }()
	c := rpc.NewClient(tr)
	t.Cleanup(func() {
		c.Close()
		stop()
		<-done
		tr.Close()
		if conn, err := amqp.Dial(strings.Replace(url, "rabbit://", "amqp://", 1)); err == nil {
			if ch, err := conn.Channel(); err == nil {
				_, _ = ch.QueueDelete(target.Topic, false, false, false)
				_ = ch.ExchangeDelete(target.Exchange, false, false)
				_ = ch.ExchangeDelete(target.Topic+"_fanout", false, false)
			}
			conn.Close()
		}
	})
	if err := srv.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	w.client = schedulerapi.NewClientFor(c, target)
	return w
}

// host registers a nova-compute service (heartbeating now) and its node:
// 2 CPUs, 4096 MB (512 reserved, ratio 1.5: 5376 MB to claim), 20 GB.
func (w *world) host(t testing.TB, name string) placement.Hypervisor {
	t.Helper()
	ctx := testCtx(t)
	svc, err := w.svcs.Register(ctx, servicegroup.Registration{Binary: placement.BinaryCompute, Host: name, Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svcs.Report(ctx, svc.ID); err != nil {
		t.Fatal(err)
	}
	h, err := w.nodes.Report(ctx, placement.NodeReport{Host: name, Hostname: name, HypervisorType: "QEMU",
		VCPUs: 2, MemoryMB: 4096, LocalGB: 20, ReservedMemoryMB: 512, CPUInfo: `{"arch": "x86_64"}`})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func uuids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = uuid.NewString()
	}
	return out
}

func spec(n, memMB int) schedulerapi.RequestSpec {
	return schedulerapi.RequestSpec{InstanceUUIDs: uuids(n), ProjectID: "p1", FlavorID: "f1",
		Resources: schedulerapi.Resources{VCPUs: 1, MemoryMB: memMB, RootGB: 1}}
}

func TestSpreadByDefault(t *testing.T) {
	w := newWorld(t, manager.DefaultSettings())
	w.host(t, "a")
	w.host(t, "b")
	got, err := w.client.SelectDestinations(testCtx(t), spec(2, 1024))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ServiceHost == got[1].ServiceHost {
		t.Fatalf("two instances not spread over two hosts: %+v", got)
	}
	if got[0].AvailabilityZone != "nova" || got[0].ComputeNodeUUID == "" || got[0].Nodename == "" {
		t.Fatalf("selection %+v", got[0])
	}
}

func TestStackWithNegativeMultiplier(t *testing.T) {
	s := manager.DefaultSettings()
	s.RAMWeightMultiplier, s.CPUWeightMultiplier, s.DiskWeightMultiplier = -1, 0, 0
	w := newWorld(t, s)
	w.host(t, "a")
	w.host(t, "b")
	got, err := w.client.SelectDestinations(testCtx(t), spec(3, 1024))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ServiceHost != got[1].ServiceHost || got[1].ServiceHost != got[2].ServiceHost {
		t.Fatalf("not stacked: %+v", got)
	}
}

func TestNoValidHostSaysWhyAndLeavesNoClaims(t *testing.T) {
	ctx := testCtx(t)
	w := newWorld(t, manager.DefaultSettings())
	a := w.host(t, "a")
	// 6 instances of 1024 MB: 5 fit, the sixth does not; none stays claimed.
	_, err := w.client.SelectDestinations(ctx, spec(6, 1024))
	var nv *schedulerapi.NoValidHost
	if !errors.As(err, &nv) {
		t.Fatalf("want NoValidHost, got %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "No valid host was found. There are not enough hosts available.") || !strings.Contains(msg, "RamFilter") {
		t.Fatalf("message %q", msg)
	}
	if h, _ := w.nodes.Get(ctx, a.ID); h.Used != (placement.Usage{}) {
		t.Fatalf("claims left behind: %+v", h.Used)
	}
	// A disabled host is refused by ComputeFilter, with its reason.
	svc, _ := w.svcs.GetByHostBinary(ctx, "a", placement.BinaryCompute)
	if _, err := w.svcs.Disable(ctx, svc.ID, "maintenance"); err != nil {
		t.Fatal(err)
	}
	_, err = w.client.SelectDestinations(ctx, spec(1, 512))
	if !errors.As(err, &nv) || !strings.Contains(err.Error(), "ComputeFilter: a is disabled: maintenance") {
		t.Fatalf("disabled host: %v", err)
	}
	// An admin's forced host bypasses the filters but not the claim.
	sp := spec(1, 512)
	sp.ForceHosts = []string{"a"}
	if got, err := w.client.SelectDestinations(ctx, sp); err != nil || got[0].ServiceHost != "a" {
		t.Fatalf("forced host: %v %+v", err, got)
	}
	sp = spec(1, 8192)
	sp.ForceHosts = []string{"a"}
	if _, err := w.client.SelectDestinations(ctx, sp); !errors.As(err, &nv) || !strings.Contains(err.Error(), "MEMORY_MB") {
		t.Fatalf("forced host too small: %v", err)
	}
	// A requested destination (cold migration to a host) narrows the
	// hosts but keeps the filters: the disabled host is refused.
	sp = spec(1, 512)
	sp.RequestedHost = "a"
	if _, err := w.client.SelectDestinations(ctx, sp); !errors.As(err, &nv) || !strings.Contains(err.Error(), "ComputeFilter: a is disabled") {
		t.Fatalf("requested disabled host: %v", err)
	}
	sp.RequestedHost = "nowhere"
	if _, err := w.client.SelectDestinations(ctx, sp); !errors.As(err, &nv) || !strings.Contains(err.Error(), "nowhere") {
		t.Fatalf("requested unknown host: %v", err)
	}
	// No hosts at all.
	w2 := newWorld(t, manager.DefaultSettings())
	if _, err := w2.client.SelectDestinations(ctx, spec(1, 512)); !errors.As(err, &nv) || !strings.Contains(err.Error(), "no compute host") {
		t.Fatalf("no hosts: %v", err)
	}
}

// TestConcurrentBootsNeverOvercommit: 10 requests at once for one small
// host with room for 5 give 5 destinations and 5 NoValidHost, and the
// host's claims add up to exactly the 5.
func TestConcurrentBootsNeverOvercommit(t *testing.T) {
	ctx := testCtx(t)
	w := newWorld(t, manager.DefaultSettings())
	a := w.host(t, "small")
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		placed   []string
		refused  int
		failures []error
	)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := w.client.SelectDestinations(ctx, spec(1, 1024))
			mu.Lock()
			defer mu.Unlock()
			var nv *schedulerapi.NoValidHost
			switch {
			case err == nil:
				placed = append(placed, got[0].InstanceUUID)
			case errors.As(err, &nv):
				refused++
			default:
				failures = append(failures, err)
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	if len(placed) != 5 || refused != 5 {
		t.Fatalf("placed %d, refused %d; want 5 and 5", len(placed), refused)
	}
	h, err := w.nodes.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h.Used != (placement.Usage{VCPUs: 5, MemoryMB: 5120, DiskGB: 5, Instances: 5}) {
		t.Fatalf("usage %+v", h.Used)
	}
	allocs, _ := w.nodes.Allocations(ctx, a.ID, "")
	for _, al := range allocs {
		found := false
		for _, p := range placed {
			found = found || p == al.Consumer
		}
		if !found {
			t.Fatalf("claim of %s, which was not placed", al.Consumer)
		}
	}
}
