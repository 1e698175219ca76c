package rpc

import (
	"context"
	"sync"
)

// gate is a condition goroutines can wait for: "connected", "consuming".
// It can be opened and shut any number of times.
type gate struct {
	mu     sync.Mutex
	ch     chan struct{} // closed while open
	isOpen bool
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.isOpen {
		close(g.ch)
		g.isOpen = true
	}
}

func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.isOpen {
		g.ch = make(chan struct{})
		g.isOpen = false
	}
}

// done returns a channel that is closed once the gate is open.
func (g *gate) done() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ch
}

// wait returns nil once the gate is open, or ctx's error.
func (g *gate) wait(ctx context.Context) error {
	select {
	case <-g.done():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
