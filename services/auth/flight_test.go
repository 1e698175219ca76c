package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFlightCoalesces(t *testing.T) {
	var g flight[string, int]
	var calls atomic.Int32
	release := make(chan struct{})
	fn := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	const n = 10
	var wg sync.WaitGroup
	var shared atomic.Int32
	for range n {
		wg.Go(func() {
			v, s, err := g.do(context.Background(), "k", fn)
			if err != nil || v != 42 {
				t.Errorf("do: %d, %v", v, err)
			}
			if s {
				shared.Add(1)
			}
		})
	}
	// Release the call only once every caller waits on it.
	deadline := time.Now().Add(10 * time.Second)
	for dups(&g, "k") < n-1 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d callers joined", dups(&g, "k"))
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Errorf("fn ran %d times, want 1", c)
	}
	if s := shared.Load(); s != n-1 {
		t.Errorf("%d callers shared, want %d", s, n-1)
	}
	if dups(&g, "k") != -1 {
		t.Error("call not forgotten after it ended")
	}
}

// dups returns how many callers joined the call in flight for k, -1 if
// there is none.
func dups(g *flight[string, int], k string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.calls[k]
	if !ok {
		return -1
	}
	return c.dups
}

func TestFlightCallerGivesUpOthersGetResult(t *testing.T) {
	var g flight[string, int]
	release := make(chan struct{})
	seen := make(chan error, 1)
	fn := func(ctx context.Context) (int, error) {
		<-release
		seen <- ctx.Err()
		return 7, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, _, err := g.do(ctx, "k", fn)
		first <- err
	}()
	second := make(chan int, 1)
	deadline := time.Now().Add(10 * time.Second)
	for dups(&g, "k") < 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first call never started")
		}
		time.Sleep(time.Millisecond)
	}
	go func() {
		v, _, _ := g.do(context.Background(), "k", fn)
		second <- v
	}()
	for dups(&g, "k") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the second caller never joined")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: %v", err)
	}
	close(release)
	if v := <-second; v != 7 {
		t.Errorf("the other caller got %d", v)
	}
	if err := <-seen; err != nil {
		t.Errorf("the call saw its starter's cancellation: %v", err)
	}
}
