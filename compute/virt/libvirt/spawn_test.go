package libvirt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// TestSecretCreatedOnceAndReused runs first (it is not parallel): a decoy
// secret holding the usage name under another uuid is refused clearly,
// then the driver defines its secret once and a second driver (a restarted
// nova-compute) reuses it. The secret's value cannot be read back.
func TestSecretCreatedOnceAndReused(t *testing.T) {
	f := shared(t)
	c, err := golibvirt.NewConnect(f.uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	undefineSecrets(t, c)

	decoy, err := c.SecretDefineXML(SecretXML("0e5b7d7a-1111-4222-8333-944455556666", testUser), 0)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := newDriver(t)
	spec := f.spec()
	cleanupInstance(t, d1, spec.UUID)
	err = d1.Spawn(ctxFor(t), spec)
	if fault.KindOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "0e5b7d7a-1111-4222-8333-944455556666") {
		t.Fatalf("spawn with a decoy secret: %v", err)
	}
	if left := instanceDisks(t, f, spec.UUID); len(left) > 0 {
		t.Fatalf("disks left: %v", left)
	}
	if err := decoy.Undefine(); err != nil {
		t.Fatal(err)
	}
	decoy.Free()

	spawn(t, d1, spec)
	d2, _ := newDriver(t)
	spec2 := f.spec()
	spawn(t, d2, spec2) // QEMU opened the disk through the secret
	secs := secretsFor(t, c)
	if len(secs) != 1 || secs[0] != testSecretUUID {
		t.Fatalf("secrets for %s: %v, want only %s", testUser, secs, testSecretUUID)
	}
	sec, err := c.LookupSecretByUUIDString(testSecretUUID)
	if err != nil {
		t.Fatal(err)
	}
	defer sec.Free()
	if v, err := sec.GetValue(0); err == nil {
		clear(v)
		t.Fatal("the secret's value can be read back through the API")
	}
}

func secretsFor(t *testing.T, c *golibvirt.Connect) []string {
	t.Helper()
	all, err := c.ListAllSecrets(0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range all {
		if u, err := all[i].GetUsageID(); err == nil && u == secretUsage(testUser) {
			id, _ := all[i].GetUUIDString()
			out = append(out, id)
		}
		all[i].Free()
	}
	return out
}

func undefineSecrets(t *testing.T, c *golibvirt.Connect) {
	t.Helper()
	for _, id := range secretsFor(t, c) {
		s, err := c.LookupSecretByUUIDString(id)
		if err == nil {
			_ = s.Undefine()
			s.Free()
		}
	}
}

// TestSpawnFetchedImages spawns images that are not in the cluster: raw
// data streamed in, and a qcow2 image converted on the host. The root disk
// holds exactly the tiny image's bytes (TestLifecycle shows those boot;
// booting here again would only add minutes under TCG). Spawning again is
// a no-op.
func TestSpawnFetchedImages(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	qcow := filepath.Join(t.TempDir(), "tiny.qcow2")
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", f.tinyPath, qcow).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v: %s", err, out)
	}
	for _, c := range []struct{ format, path string }{{"raw", f.tinyPath}, {"qcow2", qcow}} {
		t.Run(c.format, func(t *testing.T) {
			spec := f.spec()
			spec.RootGB = 0 // the image's size
			spec.Image.Location = nil
			spec.Image.DiskFormat = c.format
			fetched := 0
			spec.Image.Fetch = func(ctx context.Context, id string) (io.ReadCloser, int64, error) {
				fetched++
				if id != f.imageID {
					t.Errorf("fetch %s, want %s", id, f.imageID)
				}
				r, err := os.Open(c.path)
				if err != nil {
					return nil, 0, err
				}
				st, _ := r.Stat()
				return r, st.Size(), nil
			}
			spawn(t, d, spec)
			if info, err := d.Info(ctxFor(t), spec.UUID); err != nil || info.State != virt.Running {
				t.Fatalf("info %+v, %v", info, err)
			}
			if fetched != 1 {
				t.Fatalf("fetched %d times", fetched)
			}
			root := ceph.ImageSpec(testPool, spec.UUID+"_disk")
			if _, ok, err := f.admin.Parent(ctxFor(t), root); err != nil || ok {
				t.Fatalf("imported root disk is a clone (%v, %v)", ok, err)
			}
			if size, err := f.admin.Size(ctxFor(t), root); err != nil || size != uint64(f.imageLen) {
				t.Fatalf("root disk size %d (%v), want the image's %d", size, err, f.imageLen)
			}
			if got, want := rbdSum(t, f, root), fileSum(t, f.tinyPath); got != want {
				t.Fatalf("root disk data %s, want the image's %s", got, want)
			}
			if err := d.Spawn(ctxFor(t), spec); err != nil || fetched != 1 {
				t.Fatalf("second spawn: %v (fetched %d)", err, fetched)
			}
		})
	}
}

// TestSpawnFailuresLeaveNothing: a flavor disk smaller than the image, an
// image that cannot be had, and a definition libvirt refuses leave no disk,
// no domain and no instance directory behind.
func TestSpawnFailuresLeaveNothing(t *testing.T) {
	t.Parallel()
	d, f := newDriver(t)
	ctx := ctxFor(t)

	big := ceph.ImageSpec("images", randomUUID())
	if err := f.admin.Create(ctx, big, 2<<30, ceph.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeImage(f.admin, big) })
	if err := f.admin.CreateSnapshot(ctx, big.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.ProtectSnapshot(ctx, big.WithSnap("snap")); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		edit func(*virt.InstanceSpec)
		kind fault.Kind
		msg  []string
	}{
		"flavor too small": {func(s *virt.InstanceSpec) {
			s.Image.ID = big.Image
			s.Image.Location = &virt.RBDLocation{Pool: "images", Image: big.Image, Snap: "snap"}
		}, fault.Invalid, []string{"Flavor's disk is too small", "1073741824", "2147483648"}},
		"not in cluster, no fetcher": {func(s *virt.InstanceSpec) { s.Image.Location = nil }, fault.Invalid, []string{"not in this deployment's Ceph cluster"}},
		"missing snapshot":           {func(s *virt.InstanceSpec) { s.Image.Location.Snap = "nope" }, fault.Invalid, []string{"is missing"}},
		"define refused":             {func(s *virt.InstanceSpec) { s.Name = "bad/name"; s.EphemeralGB = 1; s.SwapMiB = 16 }, fault.Internal, []string{"refused the definition"}},
		"bad disk bus":               {func(s *virt.InstanceSpec) { s.Image.Properties.DiskBus = "floppy" }, fault.Invalid, []string{"floppy"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			spec := f.spec()
			c.edit(&spec)
			cleanupInstance(t, d, spec.UUID)
			err := d.Spawn(ctx, spec)
			if fault.KindOf(err) != c.kind {
				t.Fatalf("got %v, want %s", err, c.kind)
			}
			for _, m := range c.msg {
				if !strings.Contains(fault.MessageOf(err), m) {
					t.Fatalf("message %q lacks %q", fault.MessageOf(err), m)
				}
			}
			if left := instanceDisks(t, f, spec.UUID); len(left) > 0 {
				t.Fatalf("disks left: %v", left)
			}
			if domainExists(t, f, spec.UUID) {
				t.Fatal("domain left")
			}
			if _, err := os.Stat(d.instanceDir(spec.UUID)); !os.IsNotExist(err) {
				t.Fatalf("instance directory left: %v", err)
			}
		})
	}
}

// TestMissingInstance: actions on an unknown instance are NotFound, and
// destroying it is not an error.
func TestMissingInstance(t *testing.T) {
	t.Parallel()
	d, _ := newDriver(t)
	ctx := ctxFor(t)
	id := randomUUID()
	for name, call := range map[string]func() error{
		"info":      func() error { _, err := d.Info(ctx, id); return err },
		"power off": func() error { return d.PowerOff(ctx, id, 0) },
		"power on":  func() error { return d.PowerOn(ctx, id) },
		"reboot":    func() error { return d.Reboot(ctx, id, true) },
		"pause":     func() error { return d.Pause(ctx, id) },
		"console":   func() error { _, err := d.ConsoleOutput(ctx, id, 10); return err },
	} {
		if err := call(); !virt.IsNotFound(err) || !strings.Contains(fault.MessageOf(err), id) {
			t.Errorf("%s: %v, want NotFound naming the instance", name, err)
		}
	}
	if err := d.Destroy(ctx, id, virt.DestroyOptions{}); err != nil {
		t.Fatalf("destroy: %v", err)
	}
}

func TestHostResources(t *testing.T) {
	t.Parallel()
	d, _ := newDriver(t)
	r, err := d.HostResources(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
	if r.VCPUs <= 0 || r.MemoryMiB <= 0 || r.MemoryMiBUsed <= 0 || r.LocalGB <= 0 || r.HypervisorType != "QEMU" ||
		r.HypervisorVersion < 1000000 || r.HypervisorHostname == "" || r.CPUInfo.Arch != "x86_64" || r.CPUInfo.Topology.Sockets <= 0 {
		t.Fatalf("implausible host resources %+v", r)
	}
}

func TestNewRefusesSettings(t *testing.T) {
	f := shared(t)
	for name, edit := range map[string]func(*Settings){
		"images_type": func(s *Settings) { s.ImagesType = "qcow2" },
		"virt_type":   func(s *Settings) { s.VirtType = "xen" },
		"no secret":   func(s *Settings) { s.SecretUUID = "" },
		"no pool":     func(s *Settings) { s.Pool = "" },
	} {
		s := f.settings(t)
		edit(&s)
		if _, err := New(ctxFor(t), s, f.user, nil); fault.KindOf(err) != fault.Invalid {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	s := f.settings(t)
	s.Pool = "no-such-pool"
	if _, err := New(ctxFor(t), s, f.user, nil); fault.KindOf(err) != fault.Unavailable {
		t.Errorf("missing pool: %v, want Unavailable", err)
	}
}

func rbdSum(t *testing.T, f *fixture, spec ceph.Spec) string {
	t.Helper()
	h := sha256.New()
	if _, err := f.admin.Export(ctxFor(t), spec, h, ceph.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGoldenXMLDefines has libvirt validate the golden domain XMLs against
// its schema (define with VALIDATE, then undefine): the golden files are
// not only stable but acceptable to the real libvirtd.
func TestGoldenXMLDefines(t *testing.T) {
	t.Parallel()
	f := shared(t)
	c, err := golibvirt.NewConnect(f.uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, name := range []string{"guest-rbd-qemu.xml", "guest-rbd-kvm-scsi-nic.xml"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		id := randomUUID()
		x := strings.ReplaceAll(string(raw), "6b1c3b0e-6f57-4c53-9f0c-3f6f0a4d2b11", id)
		x = strings.ReplaceAll(x, "instance-0000002a", "instance-xmltest-"+id[:8])
		dom, err := c.DomainDefineXMLFlags(x, golibvirt.DOMAIN_DEFINE_VALIDATE)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := dom.Undefine(); err != nil {
			t.Errorf("undefine: %v", err)
		}
		dom.Free()
	}
}
