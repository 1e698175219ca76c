package libvirt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

// The tests run the driver as a restricted cephx user of their own (caps
// like nova's) whose key reaches QEMU through a libvirt secret of their own,
// so they never touch the dev cloud's nova secret.
const (
	testUser       = "gostack-virt-test"
	testSecretUUID = "6f0b9a9e-2c51-4d7e-9b1e-5a7c3e0d1f42"
	testPool       = "vms"
	bootMarker     = "tinyvm booted"
)

// fixture is what every test of the package shares: admin and driver-user
// Ceph clients, the tiny image in images/<id>@snap, a keyring.
type fixture struct {
	conf     string
	admin    *ceph.Client
	user     *ceph.Client
	keyring  string
	imageID  string
	imageLen int64
	tinyPath string
	key      string // the test user's key, to prove it leaks nowhere
	uri      string
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDone []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(fixDone) - 1; i >= 0; i-- {
		fixDone[i]()
	}
	os.Exit(code)
}

// shared returns the package fixture, building it on first use; it fails
// the test (never skips) when a component is missing.
func shared(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = buildFixture(t) })
	if fixErr != nil {
		t.Fatalf("test fixture: %v", fixErr)
	}
	return fix
}

func buildFixture(t testing.TB) (*fixture, error) {
	conf, adminUser := testenv.Ceph(t)
	uri := testenv.LibvirtURI(t)
	tiny := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	f := &fixture{conf: conf, tinyPath: tiny, uri: uri}

	admin, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: adminUser})
	if err != nil {
		return nil, err
	}
	f.admin = admin
	fixDone = append(fixDone, func() { admin.Close() })

	dir, err := os.MkdirTemp("", "virt-test-keyring-")
	if err != nil {
		return nil, err
	}
	fixDone = append(fixDone, func() { os.RemoveAll(dir) })
	f.keyring = filepath.Join(dir, "keyring")
	caps := []string{"mon", "profile rbd", "osd", "profile rbd pool=vms, profile rbd pool=volumes, profile rbd pool=images"}
	// An older run may have made the user with other caps: set them first
	// (this fails harmlessly when the user does not exist yet).
	_ = exec.CommandContext(ctx, "ceph", append([]string{"--conf", conf, "--id", adminUser, "auth", "caps", "client." + testUser}, caps...)...).Run()
	args := append([]string{"--conf", conf, "--id", adminUser, "auth", "get-or-create", "client." + testUser}, caps...)
	if out, err := exec.CommandContext(ctx, "ceph", append(args, "-o", f.keyring)...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("create cephx user %s: %v: %s", testUser, err, out)
	}
	user, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: testUser, Keyring: f.keyring})
	if err != nil {
		return nil, err
	}
	f.user = user
	fixDone = append(fixDone, func() { user.Close() })
	if f.key, err = user.Key(ctx); err != nil {
		return nil, err
	}

	// The tiny image, as Glance stores it: images/<id> with a protected snap.
	f.imageID = randomUUID()
	img, err := os.Open(tiny)
	if err != nil {
		return nil, fmt.Errorf("the tiny image: %w", err)
	}
	defer img.Close()
	spec := ceph.ImageSpec("images", f.imageID)
	if f.imageLen, err = admin.Import(ctx, spec, img, ceph.ImportOptions{}); err != nil {
		return nil, err
	}
	fixDone = append(fixDone, func() { removeImage(admin, spec) })
	if err := admin.CreateSnapshot(ctx, spec.WithSnap("snap")); err != nil {
		return nil, err
	}
	if err := admin.ProtectSnapshot(ctx, spec.WithSnap("snap")); err != nil {
		return nil, err
	}
	// A stale secret for the test user (from a killed run) is reused as is.
	return f, nil
}

func removeImage(c *ceph.Client, spec ceph.Spec) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Remove(ctx, spec, ceph.RemoveOptions{PurgeSnapshots: true}); err != nil && fault.KindOf(err) != fault.NotFound {
		fmt.Fprintf(os.Stderr, "cleanup: remove %s: %v\n", spec, err)
	}
}

func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// settings are the driver settings the tests use: TCG (nested KVM cannot
// run the tiny image's boot loader on this kind of machine) and short
// waits.
func (f *fixture) settings(t testing.TB) Settings {
	return Settings{
		VirtType:       "qemu",
		ConnectionURI:  f.uri,
		ImagesType:     "rbd",
		Pool:           testPool,
		CephConf:       f.conf,
		RBDUser:        testUser,
		SecretUUID:     testSecretUUID,
		WaitSoftReboot: 2 * time.Second,
		InstancesPath:  t.TempDir(),
	}
}

// newDriver makes a driver for one test.
func newDriver(t testing.TB) (*Driver, *fixture) {
	t.Helper()
	f := shared(t)
	var out io.Writer = io.Discard
	if os.Getenv("GOSTACK_TEST_LOG") != "" {
		out = os.Stderr
	}
	d, err := New(ctxFor(t), f.settings(t), f.user, slog.New(slog.NewTextHandler(out, nil)))
	if err != nil {
		t.Fatalf("new driver: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d, f
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// spec returns an instance spec booting the tiny image from RBD.
func (f *fixture) spec() virt.InstanceSpec {
	id := randomUUID()
	return virt.InstanceSpec{
		UUID:      id,
		Name:      "instance-test-" + id[:8],
		VCPUs:     1,
		MemoryMiB: 128,
		RootGB:    1,
		Image: virt.Image{
			ID:         f.imageID,
			DiskFormat: "raw",
			SizeBytes:  f.imageLen,
			Location:   &virt.RBDLocation{Pool: "images", Image: f.imageID, Snap: "snap"},
		},
		Metadata: virt.Metadata{DisplayName: "virt-test", FlavorName: "test", CreatedAt: time.Now()},
	}
}

// spawn spawns spec and destroys it (domain and disks) when the test ends.
func spawn(t testing.TB, d *Driver, spec virt.InstanceSpec) {
	t.Helper()
	cleanupInstance(t, d, spec.UUID)
	if err := d.Spawn(ctxFor(t), spec); err != nil {
		t.Fatalf("spawn: %v", err)
	}
}

func cleanupInstance(t testing.TB, d *Driver, uuid string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := d.Destroy(ctx, uuid, virt.DestroyOptions{}); err != nil {
			t.Errorf("cleanup: destroy %s: %v", uuid, err)
		}
	})
}

// waitConsole polls the console log until ok accepts it.
func waitConsole(t testing.TB, d *Driver, uuid, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(180 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		out, err := d.ConsoleOutput(ctxFor(t), uuid, 0)
		if err != nil {
			t.Fatalf("console output: %v", err)
		}
		last = out
		if ok(out) {
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; console:\n%s", what, last)
	return ""
}

// waitBooted waits for a fresh boot: the log was truncated (a new QEMU
// process writes a new log) or gained a boot marker (a reboot inside the
// same process) since before, and then shows the marker followed by a
// heartbeat. before is the console just before the action ("" for the
// first boot).
func waitBooted(t testing.TB, d *Driver, uuid, before string) string {
	t.Helper()
	restarted := before == ""
	return waitConsole(t, d, uuid, "a fresh boot marker", func(out string) bool {
		if !restarted {
			restarted = len(out) < len(before) || !strings.HasPrefix(out, before) ||
				strings.Count(out, bootMarker) > strings.Count(before, bootMarker)
		}
		if !restarted {
			return false
		}
		i := strings.LastIndex(out, bootMarker)
		return i >= 0 && heartbeatRE.MatchString(out[i:])
	})
}

var heartbeatRE = regexp.MustCompile(`tinyvm heartbeat (\d+)`)

// lastHeartbeat returns the guest's last heartbeat counter in out, or 0.
func lastHeartbeat(out string) int {
	m := heartbeatRE.FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

// waitState polls Info until the power state is want.
func waitState(t testing.TB, d *Driver, uuid string, want virt.PowerState) virt.InstanceInfo {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var info virt.InstanceInfo
	var err error
	for time.Now().Before(deadline) {
		info, err = d.Info(ctxFor(t), uuid)
		if err == nil && info.State == want {
			return info
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("instance %s: state %v (err %v), want %v", uuid, info.State, err, want)
	return info
}

// instanceDisks lists the RBD images of an instance in the pool.
func instanceDisks(t testing.TB, f *fixture, uuid string) []string {
	t.Helper()
	names, err := f.admin.ListImages(ctxFor(t), testPool)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, uuid+"_") {
			out = append(out, n)
		}
	}
	return out
}

// domainExists reports whether libvirt knows a domain with the uuid.
func domainExists(t testing.TB, f *fixture, uuid string) bool {
	t.Helper()
	c, err := golibvirt.NewConnect(f.uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dom, err := c.LookupDomainByUUIDString(uuid)
	if err != nil {
		if hasCode(err, golibvirt.ERR_NO_DOMAIN) {
			return false
		}
		t.Fatal(err)
	}
	dom.Free()
	return true
}
