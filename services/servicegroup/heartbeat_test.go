package servicegroup_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/services/servicegroup"
)

// logBuffer is a concurrency-safe sink for a slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHeartbeatAdvancesLastSeenUp(t *testing.T) {
	ctx := testCtx(t)
	s := newStore(t, "nova")
	svc, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "c1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	if !svc.LastSeenUp.IsZero() || svc.ReportCount != 0 {
		t.Fatalf("a new service already reported: %+v", svc)
	}

	hbCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Heartbeat(hbCtx, svc.ID, 20*time.Millisecond, slog.New(slog.DiscardHandler))
	}()

	var first servicegroup.Service
	eventually(t, "the first heartbeat", func() bool {
		first, err = s.Get(ctx, svc.ID)
		return err == nil && first.ReportCount >= 1
	})
	var later servicegroup.Service
	eventually(t, "last_seen_up to advance", func() bool {
		later, err = s.Get(ctx, svc.ID)
		return err == nil && later.LastSeenUp.After(first.LastSeenUp) && later.ReportCount > first.ReportCount
	})
	if !servicegroup.IsUp(later, time.Now(), servicegroup.DefaultServiceDownTime) {
		t.Fatalf("a heartbeating service is not up: %+v", later)
	}

	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Heartbeat did not return after its context ended")
	}
}

func TestHeartbeatLogsFailuresAndKeepsGoing(t *testing.T) {
	ctx := testCtx(t)
	s := newStore(t, "nova")
	svc, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, svc.ID); err != nil { // every report now fails
		t.Fatal(err)
	}
	var logs logBuffer
	hbCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Heartbeat(hbCtx, svc.ID, 10*time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	eventually(t, "repeated failure logs", func() bool {
		return strings.Count(logs.String(), "heartbeat failed") >= 3
	})
	select {
	case <-done:
		t.Fatal("Heartbeat gave up after failures")
	default:
	}
	if !strings.Contains(logs.String(), "could not be found") {
		t.Errorf("logs do not say why: %s", logs.String())
	}
}
