package libvirt

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// Driver is the libvirt implementation of virt.Driver. It holds one
// connection to libvirtd, reopened when it breaks, and a Ceph client for
// the instances' disks, which the caller owns.
type Driver struct {
	s    Settings
	ceph *ceph.Client
	log  *slog.Logger

	mu   sync.Mutex
	conn *golibvirt.Connect

	locks keyedMutex

	secretMu    sync.Mutex
	secretReady bool
}

var _ virt.Driver = (*Driver)(nil)

// New checks the settings, connects to libvirtd and checks the disks' pool.
// cluster is a Ceph connection as s.RBDUser; the caller closes it after
// Close.
func New(ctx context.Context, s Settings, cluster *ceph.Client, logger *slog.Logger) (*Driver, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if s.ImagesType != "rbd" {
		return nil, fault.New(fault.Invalid,
			"[libvirt] images_type = %q is not supported by this driver: set images_type = rbd.", s.ImagesType)
	}
	if s.VirtType != "kvm" && s.VirtType != "qemu" {
		return nil, fault.New(fault.Invalid, "[libvirt] virt_type = %q is not supported: use kvm or qemu.", s.VirtType)
	}
	if s.Pool == "" {
		return nil, fault.New(fault.Invalid, "[libvirt] images_rbd_pool must name the pool for instance disks.")
	}
	if s.RBDUser != "" && s.SecretUUID == "" {
		return nil, fault.New(fault.Invalid,
			"[libvirt] rbd_user = %s needs rbd_secret_uuid: the uuid of the libvirt secret that will hold its key.", s.RBDUser)
	}
	if s.InstancesPath == "" {
		return nil, fault.New(fault.Invalid, "[DEFAULT] instances_path must not be empty.")
	}
	if s.ConnectionURI == "" {
		s.ConnectionURI = "qemu:///system"
	}
	if cluster == nil {
		return nil, fmt.Errorf("libvirt driver: no Ceph client")
	}
	if err := os.MkdirAll(s.InstancesPath, 0o755); err != nil {
		return nil, fault.Wrap(err, fault.Unavailable, "Cannot create instances_path %s.", s.InstancesPath)
	}
	d := &Driver{s: s, ceph: cluster, log: logger}
	if _, err := d.connect(); err != nil {
		return nil, err
	}
	if err := cluster.CheckPool(ctx, s.Pool); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the libvirt connection.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		_, err := d.conn.Close()
		d.conn = nil
		return err
	}
	return nil
}

// Settings returns the driver's settings.
func (d *Driver) Settings() Settings { return d.s }

// connect returns the open connection, opening it when there is none or
// the last one died.
func (d *Driver) connect() (*golibvirt.Connect, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		if alive, err := d.conn.IsAlive(); err == nil && alive {
			return d.conn, nil
		}
		_, _ = d.conn.Close()
		d.conn = nil
	}
	c, err := golibvirt.NewConnect(d.s.ConnectionURI)
	if err != nil {
		return nil, fault.Wrap(err, fault.Unavailable, "Cannot connect to libvirt at %s.", d.s.ConnectionURI)
	}
	d.conn = c
	return c, nil
}

// dropIfLost forgets the connection after an error that says it is gone,
// so that the next call reconnects.
func (d *Driver) dropIfLost(c *golibvirt.Connect, err error) {
	if err == nil || !connectionLost(err) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == c {
		_, _ = d.conn.Close()
		d.conn = nil
	}
}

// withDomain runs fn on the instance's domain; a missing domain is
// virt.NotFound. Errors are classified for action.
func (d *Driver) withDomain(uuid, action string, fn func(*golibvirt.Domain) error) error {
	c, err := d.connect()
	if err != nil {
		return err
	}
	dom, err := c.LookupDomainByUUIDString(uuid)
	if err != nil {
		d.dropIfLost(c, err)
		if hasCode(err, golibvirt.ERR_NO_DOMAIN) {
			return notFound(uuid)
		}
		return classify(err, action, uuid)
	}
	defer dom.Free()
	err = fn(dom)
	d.dropIfLost(c, err)
	return classify(err, action, uuid)
}

// instanceDir is where an instance keeps its local files.
func (d *Driver) instanceDir(uuid string) string { return filepath.Join(d.s.InstancesPath, uuid) }

// consoleLog is the file virtlogd writes the serial console to.
func (d *Driver) consoleLog(uuid string) string {
	return filepath.Join(d.instanceDir(uuid), "console.log")
}

// keyedMutex serialises operations on one instance.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

// lock locks key and returns its unlock.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
