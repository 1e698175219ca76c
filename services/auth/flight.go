package auth

import (
	"context"
	"sync"
)

// flight coalesces concurrent calls with the same key into one, as
// golang.org/x/sync/singleflight does, but bounded by each caller's ctx:
// a caller that gives up leaves the call running for the others, and the
// call itself runs with a ctx that no single caller can cancel (callers
// bound it with their own timeout inside fn).
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	val  V
	err  error
	dups int // callers that joined; guarded by flight.mu
}

// do runs fn once for all callers of key that arrive while it runs, and
// returns its result, or ctx's error if ctx ends first. shared reports
// whether this caller joined a call another caller started.
func (g *flight[K, V]) do(ctx context.Context, key K, fn func(context.Context) (V, error)) (v V, shared bool, err error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[K]*flightCall[V]{}
	}
	c, shared := g.calls[key]
	if shared {
		c.dups++
	} else {
		c = &flightCall[V]{done: make(chan struct{})}
		g.calls[key] = c
		go g.run(context.WithoutCancel(ctx), key, c, fn)
	}
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.val, shared, c.err
	case <-ctx.Done():
		var zero V
		return zero, shared, ctx.Err()
	}
}

func (g *flight[K, V]) run(ctx context.Context, key K, c *flightCall[V], fn func(context.Context) (V, error)) {
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn(ctx)
}
