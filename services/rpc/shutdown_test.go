package rpc_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gostack/gostack/services/rpc"
)

// A server that stops while a handler runs hands the message back to the
// broker, and the next server of the topic handles it.
func TestStoppingServerRequeuesUnfinishedCast(t *testing.T) {
	e := newEnv(t)
	target := rpc.Target{Topic: e.topic}

	started := make(chan struct{}, 1)
	first := rpc.NewServer(e.transport(t), target)
	first.Register("work", func(ctx context.Context, _ json.RawMessage) (any, error) {
		started <- struct{}{}
		<-ctx.Done() // a long job that gives up when the server stops
		return nil, ctx.Err()
	})
	ctx1, stop1 := context.WithCancel(context.Background())
	done1 := make(chan error, 1)
	go func() { done1 <- first.Serve(ctx1) }()
	defer stop1()
	if err := first.Ready(timeout(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}

	if err := e.client(t).Cast(timeout(t, 30*time.Second), target, "work", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the first server never started the cast")
	}
	stop1()
	select {
	case err := <-done1:
		if err != nil {
			t.Fatalf("Serve returned %v after its ctx was cancelled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after its ctx was cancelled")
	}

	handled := make(chan rpc.Context, 1)
	second := rpc.NewServer(e.transport(t), target)
	second.Register("work", func(ctx context.Context, _ json.RawMessage) (any, error) {
		c, _ := rpc.FromContext(ctx)
		handled <- c
		return nil, nil
	})
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	go func() { _ = second.Serve(ctx2) }()
	select {
	case <-handled:
	case <-time.After(30 * time.Second):
		t.Fatal("the requeued cast never reached the second server")
	}
}
