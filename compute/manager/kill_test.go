package manager_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/manager"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/virt/libvirt"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/testenv"
)

// A child nova-compute (this test binary run again) gets its settings in
// its environment.
const (
	envChild     = "MANAGER_TEST_CHILD"
	envConf      = "MANAGER_TEST_CEPH_CONF"
	envKeyring   = "MANAGER_TEST_KEYRING"
	envURL       = "MANAGER_TEST_AMQP"
	envExchange  = "MANAGER_TEST_EXCHANGE"
	envCondTopic = "MANAGER_TEST_COND_TOPIC"
	envTopic     = "MANAGER_TEST_TOPIC"
	envHost      = "MANAGER_TEST_HOST"
	envInstances = "MANAGER_TEST_INSTANCES"
	envLibvirt   = "MANAGER_TEST_LIBVIRT"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild is a nova-compute: the real driver and the manager serving
// the parent's topics, until it is killed.
func runChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log := testLogger()
	user, err := ceph.Connect(ctx, ceph.Config{ConfPath: os.Getenv(envConf), User: testUser, Keyring: os.Getenv(envKeyring)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	d, err := libvirt.New(ctx, libvirt.Settings{VirtType: "qemu", ConnectionURI: os.Getenv(envLibvirt), ImagesType: "rbd",
		Pool: "vms", CephConf: os.Getenv(envConf), RBDUser: testUser, SecretUUID: testSecretUUID,
		WaitSoftReboot: 2 * time.Second, InstancesPath: os.Getenv(envInstances)}, user, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	tr, err := rpc.Open(rpc.Config{TransportURL: os.Getenv(envURL), ControlExchange: os.Getenv(envExchange), Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	c := rpc.NewClient(tr)
	m := manager.New(manager.Config{Host: os.Getenv(envHost), HostIP: "127.0.0.1", VirtType: "qemu", Topic: os.Getenv(envTopic),
		ReportInterval: time.Second, ReservedMemoryMB: 512},
		d, manager.NewConductorClientFor(c, rpc.Target{Exchange: os.Getenv(envExchange), Topic: os.Getenv(envCondTopic)}), log)
	if err := m.Serve(ctx, tr); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// TestKilledDuringBuild kills a nova-compute process (SIGKILL) while it
// builds an instance, once the instance's domain is defined and starting. When
// nova-compute starts again, the instance is in ERROR with a fault, its
// RBD disk and any domain are gone, and its claim is released; the build
// message the killed process never acknowledged, delivered again, does
// not rebuild it.
func TestKilledDuringBuild(t *testing.T) {
	r := newRig(t)
	ctx := ctxT(t, 4*time.Minute)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), envChild+"=1", envConf+"="+r.conf, envKeyring+"="+r.keyring, envURL+"="+r.url,
		envExchange+"="+r.exchange, envCondTopic+"="+r.condT.Topic, envTopic+"="+r.topic, envHost+"="+r.host,
		envInstances+"="+r.instPath, envLibvirt+"="+testenv.LibvirtURI(t))
	child.Stdout, child.Stderr = os.Stderr, os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = child.Process.Kill()
			_ = child.Wait()
		}
	})
	r.eventually("the child's compute node report", 60*time.Second, func() bool {
		l, err := r.nodes.List(context.Background(), placement.ListOptions{Host: r.host})
		return err == nil && len(l) == 1 && l[0].Service != nil
	})

	inst, _ := r.boot(ctx, tiny, r.image())
	// Kill once the domain is defined: the child is then starting it
	// (the longest step of a build) and holds no RBD image open itself.
	// (A process killed while it has an image open leaves a librbd watch
	// that the dev cluster's OSD was seen never to expire, so such a disk
	// cannot be removed by anyone until the OSD restarts.)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := r.driver.Info(ctx, inst.UUID); err == nil {
			break
		} else if !virt.IsNotFound(err) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the domain was never defined")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	killed = true
	in := r.get(inst.UUID)
	if in.VMState != objects.VMBuilding {
		t.Fatalf("the kill came too late: the instance is already %s", in.VMState)
	}
	if u := r.used(); u.Instances != 1 {
		t.Fatalf("the build's claim is not there: %+v", u)
	}

	r.startManager() // nova-compute starts again on the host
	in = r.waitState(inst.UUID, objects.VMError, "")
	faults, _ := r.st.LatestFaults(ctx, []string{inst.UUID})
	if !strings.Contains(faults[inst.UUID].Message, "interrupted") || in.Host != "" {
		t.Fatalf("fault %+v, host %q", faults[inst.UUID], in.Host)
	}
	r.eventually("the root disk removed (after the killed client's watch expires)", 120*time.Second, func() bool { return !r.diskExists(inst.UUID) })
	if _, err := r.driver.Info(ctx, inst.UUID); !virt.IsNotFound(err) {
		t.Fatalf("a domain is left: %v", err)
	}
	if u := r.used(); u != (placement.Usage{}) {
		t.Fatalf("claims left: %+v", u)
	}
	time.Sleep(2 * time.Second) // the redelivered build, if any, has run by now
	if in := r.get(inst.UUID); in.VMState != objects.VMError || r.diskExists(inst.UUID) {
		t.Fatalf("the redelivered build rebuilt it: %+v", in)
	}
}
