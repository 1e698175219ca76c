package rpc_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/services/rpc"
)

// benchServer serves "echo" in this process, on its own connection, and
// returns a client on another connection.
func benchServer(b *testing.B) (*rpc.Client, rpc.Target) {
	e := newEnv(b)
	e.servers = append(e.servers, e.topic+".bench")
	s := rpc.NewServer(e.transport(b), rpc.Target{Topic: e.topic, Server: "bench"})
	s.Register("echo", func(ctx context.Context, args json.RawMessage) (any, error) { return args, nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	if err := s.Ready(timeout(b, 30*time.Second)); err != nil {
		b.Fatal(err)
	}
	return e.client(b), rpc.Target{Topic: e.topic}
}

type benchArgs struct {
	InstanceUUID string   `json:"instance_uuid"`
	Host         string   `json:"host"`
	Hosts        []string `json:"hosts"`
}

var benchPayload = benchArgs{InstanceUUID: "8f0b3a7e-6a31-4c6b-9c3e-1f6f2c3f1d2a", Host: "compute-1", Hosts: []string{"compute-1", "compute-2", "compute-3"}}

// reportLatency adds p50/p99 in milliseconds and operations per second.
func reportLatency(b *testing.B, d []time.Duration, elapsed time.Duration, rate string) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(len(d))/elapsed.Seconds(), rate)
}

// BenchmarkCall: one caller, one call at a time, round trip through the broker.
func BenchmarkCall(b *testing.B) {
	c, target := benchServer(b)
	ctx := context.Background()
	var d []time.Duration
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		var got benchArgs
		if err := c.Call(ctx, target, "echo", benchPayload, &got); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	reportLatency(b, d, time.Since(start), "calls/s")
}

// BenchmarkCallParallel: 8 callers per CPU sharing one Client.
func BenchmarkCallParallel(b *testing.B) {
	c, target := benchServer(b)
	ctx := context.Background()
	var mu sync.Mutex
	var all []time.Duration
	b.ReportAllocs()
	b.SetParallelism(8)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var d []time.Duration
		for pb.Next() {
			t0 := time.Now()
			var got benchArgs
			if err := c.Call(ctx, target, "echo", benchPayload, &got); err != nil {
				b.Error(err)
				return
			}
			d = append(d, time.Since(t0))
		}
		mu.Lock()
		all = append(all, d...)
		mu.Unlock()
	})
	reportLatency(b, all, time.Since(start), "calls/s")
}

// BenchmarkCast: confirmed, persistent casts from one sender.
func BenchmarkCast(b *testing.B) {
	c, target := benchServer(b)
	ctx := context.Background()
	var d []time.Duration
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		if err := c.Cast(ctx, target, "echo", benchPayload); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	reportLatency(b, d, time.Since(start), "casts/s")
}
