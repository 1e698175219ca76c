package ceph_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

// confValue reads a [global] option from a ceph.conf, accepting spaces or
// underscores in the name.
func confValue(t *testing.T, path, name string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	norm := func(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "_", " ") }
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && norm(k) == norm(name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestFSIDNeverZero connects many times: librados has been seen to return an
// all-zero fsid on a fresh connection about one time in six.
func TestFSIDNeverZero(t *testing.T) {
	conf, user := testenv.Ceph(t)
	want := confValue(t, conf, "fsid")
	for i := 0; i < 12; i++ {
		c, err := ceph.Connect(ctxFor(t), ceph.Config{ConfPath: conf, User: user})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.FSID(ctxFor(t))
		c.Close()
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if got == "00000000-0000-0000-0000-000000000000" || (want != "" && got != want) {
			t.Fatalf("connection %d: fsid %q, conf says %q", i, got, want)
		}
	}
}

func TestMonAddrsAndHealth(t *testing.T) {
	c := connect(t)
	conf, _ := testenv.Ceph(t)
	addrs, err := c.MonAddrs(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	monHost := confValue(t, conf, "mon host")
	if len(addrs) == 0 || addrs[0].Host == "" || addrs[0].Port == "" || !strings.Contains(monHost, addrs[0].Host) {
		t.Fatalf("MonAddrs = %+v; conf mon host %q", addrs, monHost)
	}
	h, err := c.Health(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if !h.OK() {
		t.Fatalf("cluster health %s", h)
	}
	t.Logf("monitors %+v, health %s", addrs, h)
}

func TestConnectFailuresAreUnavailable(t *testing.T) {
	conf, user := testenv.Ceph(t)
	ctx := ctxFor(t)

	_, err := ceph.Connect(ctx, ceph.Config{ConfPath: filepath.Join(t.TempDir(), "missing.conf"), User: user})
	wantFault(t, err, fault.Unavailable, "missing.conf", "client."+user)

	// A keyring without the user's key.
	empty := filepath.Join(t.TempDir(), "empty.keyring")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user, Keyring: empty, Timeout: 5 * time.Second})
	wantFault(t, err, fault.Unavailable, "client."+user, conf)

	// A wrong key for a real user: the monitors refuse it.
	wrong := filepath.Join(t.TempDir(), "wrong.keyring")
	bad := "[client." + user + "]\n\tkey = AQBcRiRnAAAAABAAl7Y3Zb5uE5XqZKxJ6F3lWg==\n"
	if err := os.WriteFile(wrong, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user, Keyring: wrong, Timeout: 5 * time.Second})
	wantFault(t, err, fault.Unavailable, "client."+user)
	if strings.Contains(err.Error(), "AQBcRiRn") {
		t.Fatalf("the key leaked into the error: %v", err)
	}

	// No monitor listening: the connect times out, naming the monitor.
	dead := filepath.Join(t.TempDir(), "dead.conf")
	text := "[global]\nmon host = 127.0.0.1:1\nauth client required = none\n"
	if err := os.WriteFile(dead, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ceph.Connect(ctx, ceph.Config{ConfPath: dead, User: user, Timeout: 2 * time.Second})
	wantFault(t, err, fault.Unavailable, "127.0.0.1:1", dead, "client."+user)
}

func TestPools(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	for _, p := range []string{"images", "volumes", "vms", "backups"} {
		if err := c.CheckPool(ctx, p); err != nil {
			t.Errorf("CheckPool(%s): %v", p, err)
		}
		if err := c.EnsurePool(ctx, p, ceph.PoolOptions{}); err != nil {
			t.Errorf("EnsurePool(%s) on an existing pool: %v", p, err)
		}
	}
	missing := randomName("pool")
	wantFault(t, c.CheckPool(ctx, missing), fault.Unavailable, missing, "rbd pool init")

	// A new pool is created and initialised for RBD; images then work in it.
	pool := randomName("pool")
	t.Cleanup(func() { cli(t, "ceph", "osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it") })
	if err := c.EnsurePool(ctx, pool, ceph.PoolOptions{PGNum: 8}); err != nil {
		t.Fatal(err)
	}
	if err := c.EnsurePool(ctx, pool, ceph.PoolOptions{PGNum: 8}); err != nil {
		t.Fatalf("EnsurePool twice: %v", err)
	}
	if err := c.CheckPool(ctx, pool); err != nil {
		t.Fatal(err)
	}
	spec := scratch(t, c, pool, 1<<20)
	names, err := c.ListImages(ctx, pool)
	if err != nil || len(names) != 1 || names[0] != spec.Image {
		t.Fatalf("ListImages = %v, %v", names, err)
	}
}

// TestRestrictedUser works as a service user with upstream's `profile rbd`
// caps on one pool: it can check its pool and read the cluster's identity,
// and an operation outside its caps is a clear Unavailable naming it.
func TestRestrictedUser(t *testing.T) {
	conf, _ := testenv.Ceph(t)
	id := randomName("user")
	keyring := filepath.Join(t.TempDir(), "ceph.client."+id+".keyring")
	cli(t, "ceph", "auth", "get-or-create", "client."+id,
		"mon", "profile rbd", "osd", "profile rbd pool=images", "-o", keyring)
	t.Cleanup(func() { cli(t, "ceph", "auth", "del", "client."+id) })

	c, err := ceph.Connect(ctxFor(t), ceph.Config{ConfPath: conf, User: "client." + id, Keyring: keyring, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() }) // after the scratch image's cleanup
	ctx := ctxFor(t)
	if c.User() != id {
		t.Fatalf("User() = %q", c.User())
	}
	if err := c.CheckPool(ctx, "images"); err != nil {
		t.Fatalf("CheckPool(images) with profile rbd: %v", err)
	}
	if _, err := c.FSID(ctx); err != nil {
		t.Fatal(err)
	}
	if addrs, err := c.MonAddrs(ctx); err != nil || len(addrs) == 0 {
		t.Fatalf("MonAddrs with profile rbd = %v, %v", addrs, err)
	}
	spec := scratch(t, c, "images", 1<<20)
	if _, err := c.Stat(ctx, spec); err != nil {
		t.Fatal(err)
	}
	err = c.Create(ctx, ceph.ImageSpec("vms", randomName("denied")), 1<<20, ceph.CreateOptions{})
	wantFault(t, err, fault.Unavailable, "client."+id, "caps")
}
