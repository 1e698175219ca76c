package manager_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductor"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/manager"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/virt/libvirt"
	"github.com/gostack/gostack/migrations"
	schedmanager "github.com/gostack/gostack/scheduler/manager"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// The manager tests run the real libvirt driver (QEMU under TCG, RBD disks
// as a restricted cephx user of their own, like nova's), the real
// conductor and scheduler over real RPC on an exchange and topics of their
// own, and a real nova database.
const (
	testUser       = "gostack-compute-test"
	testSecretUUID = "0d9e3c1a-7b54-4f61-8a2e-3c6b9d4e5f70"
	bootMarker     = "tinyvm booted"
)

type rig struct {
	t        testing.TB
	conf     string // ceph.conf
	keyring  string // the test user's keyring
	url      string // AMQP
	exchange string
	admin    *ceph.Client
	user     *ceph.Client
	imageID  string
	st       *store.Store
	nodes    *placement.Store
	svcs     *servicegroup.Store
	sched    *schedmanager.Manager
	driver   *libvirt.Driver
	tr       *rpc.Transport
	client   *rpc.Client
	compute  *computeapi.Client
	condT    rpc.Target
	topic    string
	host     string
	instPath string
	cancel   context.CancelFunc
	done     chan error
	mgr      *manager.Manager
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newRig(t testing.TB) *rig {
	t.Helper()
	ctx := ctxT(t, 2*time.Minute)
	r := &rig{t: t, host: "mtest-" + randHex(3), topic: "computetest" + randHex(3)}

	// Ceph: a cephx user with nova's caps, and the tiny image as Glance keeps it.
	conf, adminUser := testenv.Ceph(t)
	tiny := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: adminUser})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	r.admin = admin
	keyring := filepath.Join(t.TempDir(), "keyring")
	r.conf, r.keyring = conf, keyring
	caps := []string{"mon", "profile rbd", "osd", "profile rbd pool=vms, profile rbd-read-only pool=images"}
	if out, err := exec.CommandContext(ctx, "ceph", append([]string{"--conf", conf, "--id", adminUser, "auth", "get-or-create", "client." + testUser}, append(caps, "-o", keyring)...)...).CombinedOutput(); err != nil {
		t.Fatalf("cephx user: %v: %s", err, out)
	}
	user, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: testUser, Keyring: keyring})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { user.Close() })
	r.user = user
	r.imageID = uuid.NewString()
	img, err := os.Open(tiny)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	spec := ceph.ImageSpec("images", r.imageID)
	if _, err := admin.Import(ctx, spec, img, ceph.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = admin.Remove(c, spec, ceph.RemoveOptions{PurgeSnapshots: true})
	})
	if err := admin.CreateSnapshot(ctx, spec.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}
	if err := admin.ProtectSnapshot(ctx, spec.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}

	// Database.
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	// Domain names derive from instance ids (instance-%08x): start this
	// database's ids far from the dev cloud's so the names never meet.
	if _, err := pool.Exec(ctx, fmt.Sprintf(`ALTER TABLE instances ALTER COLUMN id RESTART WITH %d`, 0x10000000+mrand.IntN(0x60000000))); err != nil {
		t.Fatal(err)
	}
	r.st, r.nodes, r.svcs = store.New(pool), placement.NewStore(pool), servicegroup.NewStore(pool)
	if r.sched, err = schedmanager.New(r.nodes, schedmanager.DefaultSettings(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}

	// The driver.
	r.instPath = t.TempDir()
	r.driver, err = libvirt.New(ctx, libvirt.Settings{VirtType: "qemu", ConnectionURI: testenv.LibvirtURI(t),
		ImagesType: "rbd", Pool: "vms", CephConf: conf, RBDUser: testUser, SecretUUID: testSecretUUID,
		WaitSoftReboot: 2 * time.Second, InstancesPath: r.instPath}, user, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.driver.Close() })
	// Whatever a failed test left: every guest and disk of its instances.
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		rows, err := pool.Query(c, `SELECT uuid::text FROM instances`)
		if err != nil {
			return
		}
		ids, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, id := range ids {
			if err := r.driver.Destroy(c, id, virt.DestroyOptions{}); err != nil {
				t.Logf("cleanup of %s: %v", id, err)
			}
		}
	})

	// RPC on an exchange of the test's own: the real scheduler and
	// conductor (compute/conductor) on the test's database, and the manager.
	url := testenv.AMQPURL(t)
	exchange := "mtest_" + randHex(4)
	r.url, r.exchange = url, exchange
	r.condT = rpc.Target{Exchange: exchange, Topic: "condtest" + randHex(3)}
	schedT := rpc.Target{Exchange: exchange, Topic: "schedtest" + randHex(3)}
	r.tr, err = rpc.Open(rpc.Config{TransportURL: url, ControlExchange: exchange, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	r.client = rpc.NewClient(r.tr)
	r.compute = computeapi.NewClientFor(r.client, r.topic)
	srvCtx, stopSrv := context.WithCancel(context.Background())
	cond := rpc.NewServer(r.tr, r.condT)
	conductor.New(r.st, r.svcs, r.nodes, schedulerapi.NewClientFor(r.client, schedT), r.compute, testLogger()).Register(cond)
	sched := rpc.NewServer(r.tr, schedT)
	r.sched.Register(sched)
	srvDone := make(chan error, 2)
	go func() { srvDone <- cond.Serve(srvCtx) }()
	go func() { srvDone <- sched.Serve(srvCtx) }()
	t.Cleanup(func() {
		r.stopManager()
		stopSrv()
		<-srvDone
		<-srvDone
		r.client.Close()
		r.tr.Close()
		if conn, err := amqp.Dial(strings.Replace(url, "rabbit://", "amqp://", 1)); err == nil {
			if ch, err := conn.Channel(); err == nil {
				for _, q := range []string{r.condT.Topic, schedT.Topic, r.topic, r.topic + "." + r.host} {
					_, _ = ch.QueueDelete(q, false, false, false)
				}
				_ = ch.ExchangeDelete(exchange, false, false)
				for _, f := range []string{r.condT.Topic, schedT.Topic, r.topic} {
					_ = ch.ExchangeDelete(f+"_fanout", false, false)
				}
			}
			conn.Close()
		}
	})
	if err := sched.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cond.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// startManager runs a nova-compute manager for the rig's host.
func (r *rig) startManager() {
	r.t.Helper()
	cfg := manager.Config{Host: r.host, HostIP: "127.0.0.1", VirtType: "qemu", Topic: r.topic,
		ReportInterval: time.Second, ShutdownTimeout: 5 * time.Second, ReservedMemoryMB: 512}
	r.mgr = manager.New(cfg, r.driver, manager.NewConductorClientFor(r.client, r.condT), testLogger())
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.mgr.Serve(ctx, r.tr) }()
	// Serving once the node is reported and the host's queue takes casts.
	r.eventually("the compute node report", 60*time.Second, func() bool {
		l, err := r.nodes.List(context.Background(), placement.ListOptions{Host: r.host})
		return err == nil && len(l) == 1 && l[0].Service != nil
	})
}

func (r *rig) stopManager() {
	if r.cancel != nil {
		r.cancel()
		<-r.done
		r.cancel = nil
	}
}

func (r *rig) eventually(what string, d time.Duration, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// boot creates an instance as nova-api does (building/scheduling, with
// its create action) and casts build_instances to the conductor, which
// has the scheduler place and claim it and casts build_and_run_instance.
func (r *rig) boot(ctx context.Context, flavor objects.Flavor, image objects.ImageMeta) (objects.Instance, string) {
	r.t.Helper()
	reqID := "req-" + uuid.NewString()
	inst := objects.Instance{UUID: uuid.NewString(), Name: "vm-" + randHex(2), Hostname: "vm", ProjectID: "p1", UserID: "u1",
		ImageRef: image.ID, Flavor: flavor, VMState: objects.VMBuilding, TaskState: objects.TaskScheduling,
		ReservationID: "r-" + randHex(4)}
	made, err := r.st.CreateInstances(ctx, []store.NewInstance{{Instance: inst}},
		store.ActionStart{Action: objects.ActionCreate, RequestID: reqID, UserID: "u1", ProjectID: "p1"}, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	cctx := rpc.WithContext(ctx, rpc.Context{RequestID: reqID, ProjectID: "p1", UserID: "u1"})
	if err := r.client.Cast(cctx, r.condT, conductorapi.MethodBuildInstances, conductorapi.BuildInstances{
		Instances: made, Image: image, ForceHost: r.host, RequestID: reqID}); err != nil {
		r.t.Fatal(err)
	}
	return made[0], reqID
}

func (r *rig) image() objects.ImageMeta {
	fsid, err := r.admin.FSID(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return objects.ImageMeta{ID: r.imageID, Name: "tiny", Status: "active", DiskFormat: "raw", ContainerFormat: "bare",
		Size: 41 << 20, Locations: []string{fmt.Sprintf("rbd://%s/images/%s/snap", fsid, r.imageID)}}
}

func (r *rig) get(uuid string) objects.Instance {
	r.t.Helper()
	in, err := r.st.GetInstance(context.Background(), uuid, true)
	if err != nil {
		r.t.Fatal(err)
	}
	return in
}

func (r *rig) waitState(uuid, vm, task string) objects.Instance {
	r.t.Helper()
	var in objects.Instance
	r.eventually(fmt.Sprintf("%s to reach %s/%q", uuid, vm, task), 90*time.Second, func() bool {
		in = r.get(uuid)
		return in.VMState == vm && in.TaskState == task
	})
	return in
}

// act puts the instance in the task state the API would and casts.
func (r *rig) act(ctx context.Context, inst objects.Instance, action, task string, cast func(ctx context.Context, in objects.Instance) error) string {
	r.t.Helper()
	reqID := "req-" + uuid.NewString()
	if _, err := r.st.CreateAction(ctx, inst.UUID, store.ActionStart{Action: action, RequestID: reqID, UserID: "u1", ProjectID: "p1"}); err != nil {
		r.t.Fatal(err)
	}
	in, err := r.st.UpdateInstance(ctx, inst.UUID, store.InstanceUpdate{TaskState: &task})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := cast(rpc.WithContext(ctx, rpc.Context{RequestID: reqID}), in); err != nil {
		r.t.Fatal(err)
	}
	return reqID
}

// event returns the action's event once it has finished (its result is
// recorded just after the instance update the tests wait for).
func (r *rig) event(uuid, reqID, name string) objects.InstanceActionEvent {
	r.t.Helper()
	var found objects.InstanceActionEvent
	r.eventually("event "+name+" to finish", 30*time.Second, func() bool {
		a, err := r.st.Action(context.Background(), uuid, reqID)
		if err != nil {
			return false
		}
		for _, e := range a.Events {
			if e.Event == name && e.Result != "" {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func (r *rig) diskExists(uuid string) bool {
	ok, err := r.admin.Exists(context.Background(), ceph.ImageSpec("vms", uuid+"_disk"))
	if err != nil {
		r.t.Fatal(err)
	}
	return ok
}

func (r *rig) used() placement.Usage {
	l, err := r.nodes.List(context.Background(), placement.ListOptions{Host: r.host})
	if err != nil || len(l) != 1 {
		r.t.Fatalf("node of %s: %v %d", r.host, err, len(l))
	}
	return l[0].Used
}

var tiny = objects.Flavor{FlavorID: "t1", Name: "tiny", VCPUs: 1, MemoryMB: 128, RootGB: 1}

// TestLifecycleWithLibvirt boots an instance from its RBD clone, stops,
// starts, hard-reboots it, lets the power sync notice a guest that shut
// down by itself, and deletes it: states, events, disks and claims.
func TestLifecycleWithLibvirt(t *testing.T) {
	r := newRig(t)
	ctx := ctxT(t, 5*time.Minute)
	r.startManager()

	inst, reqID := r.boot(ctx, tiny, r.image())
	in := r.waitState(inst.UUID, objects.VMActive, "")
	if in.PowerState != objects.PowerRunning || in.LaunchedAt == nil || in.Host != r.host || in.RootDeviceName != "/dev/vda" {
		t.Fatalf("active instance %+v", in)
	}
	if e := r.event(inst.UUID, reqID, "compute_build_and_run_instance"); e.Result != objects.EventSuccess || e.Host != r.host {
		t.Fatalf("build event %+v", e)
	}
	parent, ok, err := r.admin.Parent(ctx, ceph.ImageSpec("vms", inst.UUID+"_disk"))
	if err != nil || !ok || parent.Pool != "images" || parent.Image != r.imageID || parent.Snap != "snap" {
		t.Fatalf("root disk parent %+v %v %v", parent, ok, err)
	}
	if u := r.used(); u.Instances != 1 || u.MemoryMB != 128 {
		t.Fatalf("claims %+v", u)
	}
	r.eventually("the boot marker on the console", 90*time.Second, func() bool {
		out, err := r.compute.GetConsoleOutput(ctx, in, 0)
		return err == nil && strings.Contains(out, bootMarker)
	})
	if up, err := r.compute.GetHostUptime(ctx, r.host); err != nil || !strings.Contains(up, "load average") {
		t.Fatalf("host uptime %q: %v", up, err)
	}
	if out, err := r.compute.GetConsoleOutput(ctx, in, 1); err != nil || strings.Count(out, "\n") > 1 {
		t.Fatalf("one line of console: %q %v", out, err)
	}

	reqID = r.act(ctx, in, objects.ActionStop, objects.TaskPoweringOff, func(c context.Context, i objects.Instance) error { return r.compute.StopInstance(c, i, true) })
	in = r.waitState(inst.UUID, objects.VMStopped, "")
	if in.PowerState != objects.PowerShutdown || r.event(inst.UUID, reqID, "compute_stop_instance").Result != objects.EventSuccess {
		t.Fatalf("stopped %+v", in)
	}
	r.act(ctx, in, objects.ActionStart, objects.TaskPoweringOn, r.compute.StartInstance)
	in = r.waitState(inst.UUID, objects.VMActive, "")
	if in.PowerState != objects.PowerRunning {
		t.Fatalf("started %+v", in)
	}
	r.act(ctx, in, objects.ActionReboot, objects.TaskRebootingHard, func(c context.Context, i objects.Instance) error {
		return r.compute.RebootInstance(c, i, computeapi.RebootHard)
	})
	in = r.waitState(inst.UUID, objects.VMActive, "")
	if in.PowerState != objects.PowerRunning {
		t.Fatalf("rebooted %+v", in)
	}
	r.act(ctx, in, objects.ActionPause, objects.TaskPausing, r.compute.PauseInstance)
	in = r.waitState(inst.UUID, objects.VMPaused, "")
	if in.PowerState != objects.PowerPaused {
		t.Fatalf("paused %+v", in)
	}
	r.act(ctx, in, objects.ActionUnpause, objects.TaskUnpausing, r.compute.UnpauseInstance)
	r.waitState(inst.UUID, objects.VMActive, "")

	// The guest shuts down by itself: the power sync makes it SHUTOFF.
	if err := r.driver.PowerOff(ctx, inst.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if err := r.mgr.SyncPowerStates(ctx); err != nil {
		t.Fatal(err)
	}
	in = r.get(inst.UUID)
	if in.VMState != objects.VMStopped || in.PowerState != objects.PowerShutdown || in.Status() != "SHUTOFF" {
		t.Fatalf("after the sync %s/%d", in.VMState, in.PowerState)
	}

	reqID = r.act(ctx, in, objects.ActionDelete, objects.TaskDeleting, func(c context.Context, i objects.Instance) error {
		return r.compute.TerminateInstance(c, i, nil)
	})
	r.eventually("the instance deleted", 60*time.Second, func() bool { in := r.get(inst.UUID); return in.Deleted() })
	if r.diskExists(inst.UUID) {
		t.Fatal("the root disk outlived the instance")
	}
	if _, err := r.driver.Info(ctx, inst.UUID); !virt.IsNotFound(err) {
		t.Fatalf("the domain outlived the instance: %v", err)
	}
	if u := r.used(); u != (placement.Usage{}) {
		t.Fatalf("claims after delete %+v", u)
	}
	if r.event(inst.UUID, reqID, "compute_terminate_instance").Result != objects.EventSuccess {
		t.Fatal("terminate event not a success")
	}
}

// TestFailedBuildLeavesNothing: a build the driver refuses (an image that
// is not in RBD and cannot be fetched) ends in ERROR with a fault, no disk,
// no domain and no claim.
func TestFailedBuildLeavesNothing(t *testing.T) {
	r := newRig(t)
	ctx := ctxT(t, 3*time.Minute)
	r.startManager()
	img := r.image()
	img.ID, img.Locations = uuid.NewString(), nil // not in this cluster, no way to download
	inst, reqID := r.boot(ctx, tiny, img)
	in := r.waitState(inst.UUID, objects.VMError, "")
	if in.Host != "" || in.Status() != "ERROR" {
		t.Fatalf("failed build %+v", in)
	}
	faults, err := r.st.LatestFaults(ctx, []string{inst.UUID})
	if err != nil || faults[inst.UUID].Message == "" {
		t.Fatalf("no fault: %v %+v", err, faults)
	}
	t.Logf("fault: %+v", faults[inst.UUID])
	if e := r.event(inst.UUID, reqID, "compute_build_and_run_instance"); e.Result != objects.EventError {
		t.Fatalf("build event %+v", e)
	}
	if r.diskExists(inst.UUID) {
		t.Fatal("a disk was left")
	}
	if u := r.used(); u != (placement.Usage{}) {
		t.Fatalf("claims left %+v", u)
	}
}

// TestStartUpCleansUp: while nova-compute is down, a build is interrupted
// (its guest and disk exist, the instance is still building) and another
// instance is deleted. When it starts again, the interrupted build ends in
// ERROR with a fault, and both guests and disks are gone, claims released.
func TestStartUpCleansUp(t *testing.T) {
	r := newRig(t)
	ctx := ctxT(t, 4*time.Minute)
	r.startManager()
	gone, _ := r.boot(ctx, tiny, r.image())
	r.waitState(gone.UUID, objects.VMActive, "")
	r.stopManager()

	// A build cut short by a crash: claimed, spawning, its guest made.
	inst, _ := r.boot(ctx, tiny, r.image()) // the compute cast waits in the queue
	r.eventually("the conductor to place the instance", 30*time.Second, func() bool { return r.get(inst.UUID).Host == r.host })
	in, err := r.st.UpdateInstance(ctx, inst.UUID, store.InstanceUpdate{TaskState: ptr(objects.TaskSpawning)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.driver.Spawn(ctx, manager.InstanceSpec(&in, ptr(r.image()))); err != nil {
		t.Fatal(err)
	}
	// The other instance is deleted by the API while the host is down.
	if _, err := r.st.DestroyInstance(ctx, gone.UUID); err != nil {
		t.Fatal(err)
	}

	r.startManager()
	in = r.waitState(inst.UUID, objects.VMError, "")
	faults, _ := r.st.LatestFaults(ctx, []string{inst.UUID})
	if !strings.Contains(faults[inst.UUID].Message, "interrupted") {
		t.Fatalf("fault %+v", faults[inst.UUID])
	}
	r.eventually("both guests and disks gone", 60*time.Second, func() bool {
		return !r.diskExists(inst.UUID) && !r.diskExists(gone.UUID)
	})
	for _, id := range []string{inst.UUID, gone.UUID} {
		if _, err := r.driver.Info(ctx, id); !virt.IsNotFound(err) {
			t.Fatalf("domain of %s left: %v", id, err)
		}
	}
	// The redelivered build cast finds the instance in ERROR and stops.
	time.Sleep(time.Second)
	if in := r.get(inst.UUID); in.VMState != objects.VMError {
		t.Fatalf("the queued build rebuilt it: %+v", in)
	}
	// gone's claim is the conductor's to free on delete (the API deleted it
	// here without one); inst's was released by the start-up.
	allocs, _ := r.nodes.Allocations(ctx, 0, inst.UUID)
	if len(allocs) != 0 {
		t.Fatalf("claim of the interrupted build left: %+v", allocs)
	}
}

// testLogger logs to stderr when GOSTACK_TEST_LOG is set (e.g. to see
// the driver's timings), and nowhere otherwise.
func testLogger() *slog.Logger {
	if os.Getenv("GOSTACK_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

func ptr[T any](v T) *T { return &v }

// TestNoValidHostThroughConductor: a flavor no host can take ends in ERROR
// with a fault that says why, and leaves no claim.
func TestNoValidHostThroughConductor(t *testing.T) {
	r := newRig(t)
	ctx := ctxT(t, 2*time.Minute)
	r.startManager()
	huge := tiny
	huge.MemoryMB = 10 << 20
	inst, reqID := r.boot(ctx, huge, r.image())
	r.waitState(inst.UUID, objects.VMError, "")
	faults, _ := r.st.LatestFaults(ctx, []string{inst.UUID})
	if msg := faults[inst.UUID].Message; !strings.Contains(msg, "No valid host was found.") || !strings.Contains(msg, "MEMORY_MB") {
		t.Fatalf("fault %q", msg)
	}
	if e := r.event(inst.UUID, reqID, "conductor_schedule_and_build_instances"); e.Result != objects.EventError {
		t.Fatalf("schedule event %+v", e)
	}
	if u := r.used(); u != (placement.Usage{}) {
		t.Fatalf("claims %+v", u)
	}
}
