package rpc

import (
	"context"
	"time"
)

// backoff is the reconnection delay policy: Initial, doubled after every
// failed attempt, capped at Max.
type backoff struct {
	Initial time.Duration
	Max     time.Duration
}

// Delay returns how long to wait before attempt number attempt (0 = the
// first retry).
func (b backoff) Delay(attempt int) time.Duration {
	d := b.Initial
	for i := 0; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// sleeper waits for d or until ctx is done; the Transport holds one so that
// tests can replace the clock.
type sleeper func(ctx context.Context, d time.Duration) error

func realSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
