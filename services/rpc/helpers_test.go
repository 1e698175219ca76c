package rpc_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/testenv"
)

// env is one test's corner of the broker: its own exchange and topic,
// deleted when the test ends.
type env struct {
	url      string
	exchange string
	topic    string
	servers  []string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	e := &env{url: testenv.AMQPURL(t), exchange: "rpctest_" + id, topic: "rpctest" + id}
	t.Cleanup(func() { e.cleanup(t) })
	return e
}

// transport opens a Transport with quick reconnection and waits for it.
func (e *env) transport(t testing.TB) *rpc.Transport {
	t.Helper()
	tr, err := rpc.Open(rpc.Config{
		TransportURL:     e.url,
		ControlExchange:  e.exchange,
		RetryInterval:    100 * time.Millisecond,
		RetryIntervalMax: time.Second,
		Logger:           slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tr.WaitConnected(ctx); err != nil {
		t.Fatalf("connect to %s: %v", testenv.EnvAMQP, err)
	}
	return tr
}

func (e *env) client(t testing.TB) *rpc.Client {
	t.Helper()
	c := rpc.NewClient(e.transport(t))
	t.Cleanup(func() { c.Close() })
	return c
}

// cleanup deletes the test's queues and exchanges.
func (e *env) cleanup(t testing.TB) {
	conn, err := amqp.Dial(strings.Replace(e.url, "rabbit://", "amqp://", 1))
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer ch.Close()
	for _, q := range append([]string{e.topic}, e.servers...) {
		_, _ = ch.QueueDelete(q, false, false, false)
	}
	_ = ch.ExchangeDelete(e.exchange, false, false)
	_ = ch.ExchangeDelete(e.topic+"_fanout", false, false)
}

// child is a server running in another process (this test binary, see
// TestMain).
type child struct {
	name   string
	record string
	cmd    *exec.Cmd
	stdin  interface{ Close() error }
	exited chan struct{}
}

// startChild starts a server process for the env's topic and waits until
// it consumes its queues.
func (e *env) startChild(t testing.TB, name string) *child {
	t.Helper()
	e.servers = append(e.servers, e.topic+"."+name)
	c := &child{name: name, record: filepath.Join(t.TempDir(), name+".record"), exited: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(),
		envServe+"=1", envURL+"="+e.url, envExchange+"="+e.exchange,
		envTopic+"="+e.topic, envServer+"="+name, envRecord+"="+c.record)
	c.cmd.Stderr = os.Stderr
	stdin, err := c.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.stdin = stdin
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start child server %s: %v", name, err)
	}
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(c.stop)

	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == readyLine {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("child server %s exited before it was ready", name)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("child server %s not ready after 60s", name)
	}
	return c
}

// stop asks the child to stop (closing its stdin) and waits for it.
func (c *child) stop() {
	_ = c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// kill kills the child at once, as a crash would.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// records returns how many times the child recorded each tag.
func (c *child) records() map[string]int {
	b, _ := os.ReadFile(c.record)
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line != "" {
			counts[line]++
		}
	}
	return counts
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func timeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
