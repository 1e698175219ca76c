package ceph

import (
	"context"
	"time"
)

// Backoff bounds a retry: at most Attempts tries, waiting Initial before the
// second and doubling up to Max between the next ones. Sleep waits; nil
// means a real timer that returns early with ctx.Err() when ctx ends. Tests
// inject Sleep to run without waiting.
type Backoff struct {
	Attempts int
	Initial  time.Duration
	Max      time.Duration
	Sleep    func(ctx context.Context, d time.Duration) error
}

// DefaultRemoveRetry is the retry for removing a busy image: a guest that
// was just destroyed can keep its watch for up to the OSD's watch timeout
// (30 s), as Nova's rbd_destroy_volume_retries allows for.
var DefaultRemoveRetry = Backoff{Attempts: 8, Initial: 500 * time.Millisecond, Max: 8 * time.Second}

// Do calls op until it succeeds, returns a non-retryable error, or the
// attempts run out; it returns op's last error. retry reports whether an
// error is worth another try.
func (b Backoff) Do(ctx context.Context, op func() error, retry func(error) bool) error {
	attempts := max(b.Attempts, 1)
	delay := b.Initial
	sleep := b.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if serr := sleep(ctx, delay); serr != nil {
				return err
			}
			delay *= 2
			if b.Max > 0 && delay > b.Max {
				delay = b.Max
			}
		}
		if err = op(); err == nil || !retry(err) {
			return err
		}
	}
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
