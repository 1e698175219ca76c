// Package testenv hands tests the real components that the dev stack runs:
// PostgreSQL, RabbitMQ, Ceph and libvirt. It reads their addresses from the
// environment or, failing that, from .stack/test.env, which `make dev` and
// `make test-deps` write. A test that asks for a component that is not there
// fails with a message saying how to start it; it never skips, so a CI run
// without the component cannot pass by accident.
package testenv

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Variables the dev stack writes into .stack/test.env.
const (
	EnvPostgres    = "GOSTACK_PG_URL"      // a role that may CREATE DATABASE
	EnvAMQP        = "GOSTACK_AMQP_URL"    // amqp://user:pass@host:port/vhost
	EnvRabbitMQCtl = "GOSTACK_RABBITMQCTL" // the rabbitmqctl command line for our node
	EnvCephConf    = "CEPH_CONF"           // ceph.conf of the dev cluster
	EnvCephUser    = "GOSTACK_CEPH_USER"   // a cephx user (without "client.") allowed everything
	EnvLibvirtURI  = "GOSTACK_LIBVIRT_URI" // e.g. qemu:///system
	EnvStackDir    = "GOSTACK_STACK_DIR"   // where the stack keeps its state
)

const hint = "start the components with `make test-deps` (or `make dev`)"

var (
	loadOnce sync.Once
	fileVars map[string]string
)

// Get returns the value of a stack variable: the process environment wins,
// then .stack/test.env found by walking up from the working directory to
// the module root.
func Get(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	loadOnce.Do(loadFile)
	return fileVars[name]
}

// Require returns a stack variable or fails the test, naming what is missing.
func Require(t testing.TB, name string) string {
	t.Helper()
	v := Get(name)
	if v == "" {
		t.Fatalf("testenv: %s is not set and not in .stack/test.env: %s", name, hint)
	}
	return v
}

// moduleRoot walks up from the working directory to the directory that
// holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func loadFile() {
	fileVars = map[string]string{}
	dir, err := moduleRoot()
	if err != nil {
		return
	}
	stack := os.Getenv(EnvStackDir)
	if stack == "" {
		stack = filepath.Join(dir, ".stack")
	}
	vars, err := readEnvFile(filepath.Join(stack, "test.env"))
	if err != nil {
		return
	}
	fileVars = vars
}

// readEnvFile parses KEY=VALUE lines (an optional leading "export ",
// surrounding quotes removed, # comments skipped), as in test.env and openrc.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vars[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return vars, sc.Err()
}

// OpenRC returns the OS_* variables of the dev cloud's admin credentials,
// read from the openrc that `make dev` writes at the module root. A test
// that drives the running cloud (the real openstack client against the
// daemons) uses it; it fails when the file is missing, since then the
// cloud is not up.
func OpenRC(t testing.TB) map[string]string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("testenv: find the module root: %v", err)
	}
	path := filepath.Join(root, "openrc")
	vars, err := readEnvFile(path)
	if err != nil {
		t.Fatalf("testenv: read the dev cloud's credentials: %v: run `make dev`", err)
	}
	for _, k := range []string{"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD"} {
		if vars[k] == "" {
			t.Fatalf("testenv: %s has no %s: run `make dev`", path, k)
		}
	}
	return vars
}

// AMQPURL returns the URL of the stack's RabbitMQ.
func AMQPURL(t testing.TB) string { t.Helper(); return Require(t, EnvAMQP) }

// RabbitMQCtl returns the rabbitmqctl command line (program and arguments)
// that controls the stack's broker node.
func RabbitMQCtl(t testing.TB) []string {
	t.Helper()
	return strings.Fields(Require(t, EnvRabbitMQCtl))
}

// Ceph returns the ceph.conf path and the cephx user (without "client.").
func Ceph(t testing.TB) (conf, user string) {
	t.Helper()
	return Require(t, EnvCephConf), Require(t, EnvCephUser)
}

// LibvirtURI returns the libvirt connection URI of the stack's libvirtd.
func LibvirtURI(t testing.TB) string { t.Helper(); return Require(t, EnvLibvirtURI) }

// Postgres creates a new, empty database for the test and returns its URL.
// The database is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := Require(t, EnvPostgres)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testenv: connect to PostgreSQL at %s: %v: %s", redact(admin), err, hint)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("testenv: drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("testenv: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("testenv: %s is not a URL: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Fatalf-free variant for benchmarks and TestMain: Lookup reports whether a
// variable is available without failing anything.
func Lookup(name string) (string, error) {
	if v := Get(name); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s is not set: %s", name, hint)
}
