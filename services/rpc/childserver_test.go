package rpc_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// The child server's configuration, passed in its environment.
const (
	envServe    = "RPCTEST_SERVE" // set: run as a server
	envURL      = "RPCTEST_URL"
	envExchange = "RPCTEST_EXCHANGE"
	envTopic    = "RPCTEST_TOPIC"
	envServer   = "RPCTEST_SERVER"
	envRecord   = "RPCTEST_RECORD" // file the "record" method appends to
	readyLine   = "READY"
)

// secretCause is the internal cause of the errors "fail" returns; it must
// never reach the caller.
const secretCause = "secret-cause: db at 10.9.9.9 said no"

// runChildServer serves until its stdin closes or it gets SIGTERM.
func runChildServer() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	name := os.Getenv(envServer)
	log = log.With("child", name, "pid", os.Getpid())
	t, err := rpc.Open(rpc.Config{
		TransportURL:     os.Getenv(envURL),
		ControlExchange:  os.Getenv(envExchange),
		RetryInterval:    100 * time.Millisecond,
		RetryIntervalMax: time.Second,
		ExecutorPoolSize: 16,
		ConnectionName:   "rpctest-" + name,
		Logger:           log,
	})
	if err != nil {
		log.Error("open", "error", err)
		return 2
	}
	defer t.Close()

	s := rpc.NewServer(t, rpc.Target{Topic: os.Getenv(envTopic), Server: name})
	registerTestMethods(s, name, os.Getenv(envRecord))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() { // the parent closes our stdin to stop us, or dies
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()

	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := s.Ready(rctx); err != nil {
		log.Error("server not ready", "error", err)
		return 2
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, readyLine)
	w.Flush()
	if err := <-served; err != nil {
		log.Error("serve", "error", err)
		return 1
	}
	return 0
}

type recordArgs struct {
	Tag string `json:"tag"`
}

type failArgs struct {
	Kind    fault.Kind `json:"kind"`
	Message string     `json:"message"`
}

type sleepArgs struct {
	MS int `json:"ms"`
}

// Whoami is the answer of the "whoami" method.
type Whoami struct {
	Server string `json:"server"`
	PID    int    `json:"pid"`
}

func registerTestMethods(s *rpc.Server, name, recordPath string) {
	var mu sync.Mutex
	s.Register("echo", func(ctx context.Context, args json.RawMessage) (any, error) {
		return args, nil
	})
	s.Register("whoami", rpc.Handle(func(ctx context.Context, _ struct{}) (Whoami, error) {
		return Whoami{Server: name, PID: os.Getpid()}, nil
	}))
	s.Register("context", rpc.Handle(func(ctx context.Context, _ struct{}) (rpc.Context, error) {
		c, _ := rpc.FromContext(ctx)
		return c, nil
	}))
	s.Register("sleep", rpc.Handle(func(ctx context.Context, a sleepArgs) (struct{}, error) {
		select {
		case <-time.After(time.Duration(a.MS) * time.Millisecond):
		case <-ctx.Done():
		}
		return struct{}{}, nil
	}))
	s.Register("fail", rpc.Handle(func(ctx context.Context, a failArgs) (struct{}, error) {
		return struct{}{}, fault.Wrap(errors.New(secretCause), a.Kind, "%s", a.Message)
	}))
	s.Register("fail_plain", rpc.Handle(func(ctx context.Context, _ struct{}) (struct{}, error) {
		return struct{}{}, errors.New(secretCause)
	}))
	s.Register("panic", rpc.Handle(func(ctx context.Context, _ struct{}) (struct{}, error) {
		panic(secretCause)
	}))
	s.Register("record", rpc.Handle(func(ctx context.Context, a recordArgs) (struct{}, error) {
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(recordPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return struct{}{}, fmt.Errorf("open record file: %w", err)
		}
		defer f.Close()
		if _, err := fmt.Fprintln(f, a.Tag); err != nil {
			return struct{}{}, fmt.Errorf("write record file: %w", err)
		}
		return struct{}{}, nil
	}))
}
