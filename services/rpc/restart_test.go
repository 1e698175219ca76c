package rpc_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/testenv"
)

// rabbitmqctl runs one rabbitmqctl command against the stack's node.
func rabbitmqctl(t *testing.T, args ...string) {
	t.Helper()
	argv := append(testenv.RabbitMQCtl(t), args...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// restartLoad runs calls and casts in a loop and tallies what happened
// before and after the broker came back.
type restartLoad struct {
	mu        sync.Mutex
	confirmed []string // tags of casts whose Cast returned nil
	castErrs  []error
	callErrs  int
	calls     int

	restarted  atomic.Bool
	castsAfter atomic.Int64
	callsAfter atomic.Int64
	stop       atomic.Bool
	wg         sync.WaitGroup
}

func (l *restartLoad) casts(c *rpc.Client, target rpc.Target) {
	defer l.wg.Done()
	for i := 0; !l.stop.Load(); i++ {
		tag := fmt.Sprint(i)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err := c.Cast(ctx, target, "record", recordArgs{Tag: tag})
		cancel()
		l.mu.Lock()
		if err == nil {
			l.confirmed = append(l.confirmed, tag)
		} else {
			l.castErrs = append(l.castErrs, err)
		}
		l.mu.Unlock()
		if err == nil && l.restarted.Load() {
			l.castsAfter.Add(1)
		}
	}
}

func (l *restartLoad) callLoop(c *rpc.Client, target rpc.Target) {
	defer l.wg.Done()
	for !l.stop.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var got string
		err := c.Call(ctx, target, "echo", "ping", &got)
		cancel()
		l.mu.Lock()
		l.calls++
		if err != nil || got != "ping" {
			l.callErrs++
		}
		l.mu.Unlock()
		if err == nil && l.restarted.Load() {
			l.callsAfter.Add(1)
		}
	}
}

func (l *restartLoad) progress() (casts, calls int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.confirmed), l.calls - l.callErrs
}

// TestBrokerRestart runs calls and casts while the broker application is
// stopped and started again: afterwards both work again, and every cast
// the broker confirmed reached the server.
func TestBrokerRestart(t *testing.T) {
	e := newEnv(t)
	srv := e.startChild(t, "s1")
	tr := e.transport(t)
	c := rpc.NewClient(tr)
	defer c.Close()
	target := rpc.Target{Topic: e.topic, Server: "s1"}

	l := &restartLoad{}
	l.wg.Add(2)
	go l.casts(c, target)
	go l.callLoop(c, rpc.Target{Topic: e.topic})
	defer func() { l.stop.Store(true); l.wg.Wait() }()

	eventually(t, 30*time.Second, "calls and casts flow before the restart", func() bool {
		casts, calls := l.progress()
		return casts >= 20 && calls >= 20
	})

	rabbitmqctl(t, "stop_app")
	eventually(t, 30*time.Second, "the client notices the broker is gone", func() bool { return tr.Health() != nil })
	t.Logf("broker stopped; health: %v", tr.Health())
	rabbitmqctl(t, "start_app")
	l.restarted.Store(true)
	beforeCasts, _ := l.progress()
	t.Logf("broker started again; %d casts confirmed so far", beforeCasts)

	eventually(t, 120*time.Second, "calls and casts work again after the restart", func() bool {
		return l.castsAfter.Load() >= 20 && l.callsAfter.Load() >= 20
	})
	l.stop.Store(true)
	l.wg.Wait()
	if err := tr.Health(); err != nil {
		t.Errorf("Health() after the restart = %v", err)
	}

	l.mu.Lock()
	confirmed := append([]string(nil), l.confirmed...)
	t.Logf("casts confirmed %d (failed %d), calls %d (failed %d, around the restart)", len(confirmed), len(l.castErrs), l.calls, l.callErrs)
	for _, err := range l.castErrs {
		t.Logf("cast error: %v", err)
	}
	l.mu.Unlock()

	var missing []string
	eventually(t, 60*time.Second, "every confirmed cast reached the server", func() bool {
		got := srv.records()
		missing = missing[:0]
		for _, tag := range confirmed {
			if got[tag] == 0 {
				missing = append(missing, tag)
			}
		}
		return len(missing) == 0
	})
	dups := 0
	for _, n := range srv.records() {
		dups += n - 1
	}
	t.Logf("server recorded every confirmed cast; %d duplicates", dups)
}
