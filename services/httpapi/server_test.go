package httpapi

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestServerDrainsInFlightRequestsOnShutdown(t *testing.T) {
	logger, _ := testLogger()
	started := make(chan struct{})
	release := make(chan struct{})
	mux := NewRouter(Config{Flavor: Glance, Logger: logger})
	mux.Get("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = w.Write([]byte("done"))
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &Server{Handler: mux, Logger: logger, ShutdownTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		got <- result{body: string(b), err: err}
	}()

	<-started
	cancel() // shutdown begins while the request is in flight
	waitUntil(t, func() bool {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
		}
		return err != nil
	}, "listener to close")
	close(release)

	r := <-got
	if r.err != nil || r.body != "done" {
		t.Fatalf("in-flight request: body %q, err %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v after a graceful shutdown", err)
	}
}

func TestServerListenError(t *testing.T) {
	srv := &Server{Addr: "256.0.0.1:bad", Handler: http.NotFoundHandler()}
	if err := srv.ListenAndServe(context.Background()); err == nil {
		t.Fatal("ListenAndServe on a bad address succeeded")
	}
}

// waitUntil polls cond with a deadline instead of sleeping.
func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
