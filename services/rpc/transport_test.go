package rpc

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// fakeClock records the reconnection delays instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.delays = append(c.delays, d)
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Millisecond):
		return nil
	}
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.delays...)
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestTransportRetriesWithBoundedBackoff(t *testing.T) {
	clock := &fakeClock{}
	tr, err := open(Config{
		TransportURL:     "rabbit://u:secret@" + closedPort(t) + "/",
		RetryInterval:    time.Second,
		RetryIntervalMax: 8 * time.Second,
	}, clock.sleep)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()

	deadline := time.Now().Add(10 * time.Second)
	for len(clock.recorded()) < 7 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d reconnection attempts", len(clock.recorded()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	want := []time.Duration{1, 2, 4, 8, 8, 8, 8}
	for i, d := range clock.recorded()[:len(want)] {
		if d != want[i]*time.Second {
			t.Errorf("delay %d = %s, want %s", i, d, want[i]*time.Second)
		}
	}

	h := tr.Health()
	if !errors.Is(h, fault.Of(fault.Unavailable)) || !strings.Contains(h.Error(), "connection refused") {
		t.Errorf("Health() = %v, want Unavailable naming the dial error", h)
	}
	if strings.Contains(h.Error(), "secret") {
		t.Errorf("Health() shows the password: %v", h)
	}

	// A cast while disconnected waits for the connection, bounded by ctx.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = NewClient(tr).Cast(ctx, Target{Topic: "t"}, "m", nil)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, fault.Of(fault.Unavailable)) || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("Cast while disconnected = %v, want an Unavailable timeout saying the broker is unreachable", err)
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	_, err := Open(Config{TransportURL: "http://h"})
	if !errors.Is(err, fault.Of(fault.Invalid)) {
		t.Errorf("Open = %v, want Invalid", err)
	}
}
