package ceph_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

// ctxFor returns a context bounded for one test.
func ctxFor(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// connect opens a client to the stack's Ceph as its admin-like test user.
func connect(t testing.TB) *ceph.Client {
	t.Helper()
	conf, user := testenv.Ceph(t)
	c, err := ceph.Connect(ctxFor(t), ceph.Config{ConfPath: conf, User: user, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("connect to Ceph: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// randomName returns a name no other test run uses.
func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "gostack-test-" + prefix + "-" + hex.EncodeToString(b[:])
}

// scratch creates an image that is removed, with its snapshots, when the test
// ends. Clones made later are removed earlier (cleanups run last-in,
// first-out), so parents are free by the time their turn comes.
func scratch(t testing.TB, c *ceph.Client, pool string, size uint64) ceph.Spec {
	t.Helper()
	spec := ceph.ImageSpec(pool, randomName("img"))
	if err := c.Create(ctxFor(t), spec, size, ceph.CreateOptions{}); err != nil {
		t.Fatalf("create %s: %v", spec, err)
	}
	cleanupImage(t, c, spec)
	return spec
}

// cleanupImage removes spec (and its snapshots) when the test ends, if it
// still exists.
func cleanupImage(t testing.TB, c *ceph.Client, spec ceph.Spec) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := c.Remove(ctx, spec, ceph.RemoveOptions{PurgeSnapshots: true})
		if err != nil && fault.KindOf(err) != fault.NotFound {
			t.Errorf("cleanup: remove %s: %v", spec, err)
		}
	})
}

// cli runs a Ceph command-line tool (ceph, rbd) as the test user.
func cli(t testing.TB, tool string, args ...string) string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	full := append([]string{"--conf", conf, "--id", user}, args...)
	out, err := exec.CommandContext(ctxFor(t), tool, full...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(full, " "), err, out)
	}
	return string(out)
}

// wantFault fails unless err is a fault of kind whose message contains all
// the parts.
func wantFault(t testing.TB, err error, kind fault.Kind, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", kind)
	}
	if got := fault.KindOf(err); got != kind {
		t.Fatalf("got kind %s, want %s: %v", got, kind, err)
	}
	msg := fault.MessageOf(err)
	t.Logf("%s: %s", kind, msg)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Fatalf("message %q lacks %q", msg, p)
		}
	}
}

// heapPeak samples the Go heap in use (live and unswept objects plus free
// space in in-use spans, as MemStats.HeapInuse) until stopped, and returns
// the peak.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

func watchHeap() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64, 1)}
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() + samples[1].Value.Uint64()
	}
	go func() {
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-h.stop:
				h.done <- max(peak, read())
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak in bytes.
func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	return <-h.done
}
