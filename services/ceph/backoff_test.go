package ceph

import (
	"context"
	"errors"
	"reflect"
	"syscall"
	"testing"
	"time"
)

func TestBackoffRetriesWithDoublingUpToMax(t *testing.T) {
	var slept []time.Duration
	b := Backoff{Attempts: 5, Initial: time.Second, Max: 3 * time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	calls := 0
	err := b.Do(context.Background(), func() error { calls++; return syscall.EBUSY },
		func(err error) bool { return errors.Is(err, syscall.EBUSY) })
	if !errors.Is(err, syscall.EBUSY) || calls != 5 {
		t.Fatalf("err %v after %d calls; want EBUSY after 5", err, calls)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}
	if !reflect.DeepEqual(slept, want) {
		t.Fatalf("slept %v, want %v", slept, want)
	}
}

func TestBackoffStops(t *testing.T) {
	never := func(context.Context, time.Duration) error { return nil }
	calls := 0
	err := Backoff{Attempts: 5, Sleep: never}.Do(context.Background(),
		func() error { calls++; return syscall.ENOENT },
		func(err error) bool { return errors.Is(err, syscall.EBUSY) })
	if calls != 1 || !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("non-retryable error: %d calls, %v", calls, err)
	}

	calls = 0
	err = Backoff{Attempts: 5, Sleep: never}.Do(context.Background(),
		func() error {
			calls++
			if calls < 3 {
				return syscall.EBUSY
			}
			return nil
		}, func(error) bool { return true })
	if calls != 3 || err != nil {
		t.Fatalf("success on the third try: %d calls, %v", calls, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	err = Backoff{Attempts: 5, Initial: time.Hour}.Do(ctx, func() error { calls++; return syscall.EBUSY },
		func(error) bool { return true })
	if calls != 1 || !errors.Is(err, syscall.EBUSY) {
		t.Fatalf("cancelled context: %d calls, %v", calls, err)
	}

	calls = 0
	_ = Backoff{}.Do(context.Background(), func() error { calls++; return syscall.EBUSY }, func(error) bool { return true })
	if calls != 1 {
		t.Fatalf("zero Backoff made %d calls, want 1", calls)
	}
}
