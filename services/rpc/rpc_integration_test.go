package rpc_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

type point struct {
	X, Y int
	Name string
}

func TestCallAcrossProcesses(t *testing.T) {
	e := newEnv(t)
	e.startChild(t, "s1")
	c := e.client(t)
	ctx := timeout(t, 30*time.Second)

	var got point
	if err := c.Call(ctx, rpc.Target{Topic: e.topic}, "echo", point{1, 2, "a"}, &got); err != nil {
		t.Fatalf("call echo: %v", err)
	}
	if got != (point{1, 2, "a"}) {
		t.Errorf("echo = %+v", got)
	}

	var who Whoami
	if err := c.Call(ctx, rpc.Target{Topic: e.topic, Server: "s1"}, "whoami", nil, &who); err != nil {
		t.Fatalf("directed call: %v", err)
	}
	if who.Server != "s1" || who.PID == os.Getpid() || who.PID == 0 {
		t.Errorf("whoami = %+v, want server s1 in another process than %d", who, os.Getpid())
	}

	sent := rpc.Context{
		RequestID: "req-123", GlobalRequestID: "req-000", UserID: "u", ProjectID: "p",
		Roles: []string{"admin", "member"}, IsAdmin: true, AuthToken: "tok",
	}
	var seen rpc.Context
	if err := c.Call(rpc.WithContext(ctx, sent), rpc.Target{Topic: e.topic}, "context", nil, &seen); err != nil {
		t.Fatalf("call context: %v", err)
	}
	if seen.RequestID != sent.RequestID || seen.GlobalRequestID != sent.GlobalRequestID || seen.UserID != "u" ||
		seen.ProjectID != "p" || !slices.Equal(seen.Roles, sent.Roles) || !seen.IsAdmin || seen.AuthToken != "tok" {
		t.Errorf("handler saw context %+v, want %+v", seen, sent)
	}
	// Without a context the server makes up a request id for its logs.
	if err := c.Call(ctx, rpc.Target{Topic: e.topic}, "context", nil, &seen); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(seen.RequestID, "req-") || seen.UserID != "" {
		t.Errorf("context without a sender context = %+v", seen)
	}
}

func TestCastAcrossProcesses(t *testing.T) {
	e := newEnv(t)
	s1 := e.startChild(t, "s1")
	c := e.client(t)
	ctx := timeout(t, 30*time.Second)
	for i := range 50 {
		target := rpc.Target{Topic: e.topic}
		if i%2 == 1 {
			target.Server = "s1"
		}
		if err := c.Cast(ctx, target, "record", recordArgs{Tag: fmt.Sprint(i)}); err != nil {
			t.Fatalf("cast %d: %v", i, err)
		}
	}
	eventually(t, 30*time.Second, "the server recorded 50 casts", func() bool { return len(s1.records()) == 50 })
}

func TestFanoutReachesEveryServer(t *testing.T) {
	e := newEnv(t)
	s1, s2 := e.startChild(t, "s1"), e.startChild(t, "s2")
	c := e.client(t)
	ctx := timeout(t, 30*time.Second)

	if err := c.Fanout(ctx, e.topic, "record", recordArgs{Tag: "fanout"}); err != nil {
		t.Fatalf("fanout: %v", err)
	}
	eventually(t, 30*time.Second, "both servers got the fanout", func() bool {
		return s1.records()["fanout"] == 1 && s2.records()["fanout"] == 1
	})

	// A cast to the topic reaches exactly one of them.
	for i := range 20 {
		if err := c.Cast(ctx, rpc.Target{Topic: e.topic}, "record", recordArgs{Tag: fmt.Sprint(i)}); err != nil {
			t.Fatalf("cast %d: %v", i, err)
		}
	}
	eventually(t, 30*time.Second, "every cast handled once by one server", func() bool {
		r1, r2 := s1.records(), s2.records()
		for i := range 20 {
			if r1[fmt.Sprint(i)]+r2[fmt.Sprint(i)] != 1 {
				return false
			}
		}
		return true
	})
	t.Logf("casts handled: s1 %d, s2 %d", len(s1.records())-1, len(s2.records())-1)
}

func TestErrorKindsCrossTheWire(t *testing.T) {
	e := newEnv(t)
	e.startChild(t, "s1")
	c := e.client(t)
	ctx := timeout(t, 30*time.Second)
	target := rpc.Target{Topic: e.topic}

	for _, kind := range []fault.Kind{fault.NotFound, fault.Conflict, fault.Invalid, fault.Forbidden, fault.OverLimit, fault.Unavailable} {
		msg := fmt.Sprintf("Thing is %s.", kind)
		err := c.Call(ctx, target, "fail", failArgs{Kind: kind, Message: msg}, nil)
		var fe *fault.Error
		if !errors.As(err, &fe) || !errors.Is(err, fault.Of(kind)) || fe.Message != msg {
			t.Errorf("fail %s: got %#v, want a *fault.Error of kind %s with message %q", kind, err, kind, msg)
		}
		if err != nil && strings.Contains(err.Error(), "secret-cause") {
			t.Errorf("fail %s: the internal cause crossed the wire: %v", kind, err)
		}
		if errors.Is(err, rpc.ErrTimeout) {
			t.Errorf("fail %s: %v is a timeout", kind, err)
		}
	}
	// errors.Is must not match other kinds.
	if err := c.Call(ctx, target, "fail", failArgs{Kind: fault.NotFound, Message: "x"}, nil); errors.Is(err, fault.Of(fault.Conflict)) {
		t.Errorf("NotFound matches Conflict: %v", err)
	}

	for _, method := range []string{"fail_plain", "panic"} {
		err := c.Call(ctx, target, method, nil, nil)
		if !errors.Is(err, fault.Of(fault.Internal)) || strings.Contains(err.Error(), "secret-cause") {
			t.Errorf("%s: %v, want Internal without the cause", method, err)
		}
	}
	err := c.Call(ctx, target, "sleep", map[string]string{"ms": "soon"}, nil)
	if !errors.Is(err, fault.Of(fault.Invalid)) {
		t.Errorf("malformed args: %v, want Invalid", err)
	}
	// The server survived the panic.
	if err := c.Call(ctx, target, "echo", nil, nil); err != nil {
		t.Errorf("call after a panic: %v", err)
	}
}

func TestUnknownMethodFailsAtOnce(t *testing.T) {
	e := newEnv(t)
	e.startChild(t, "s1")
	c := e.client(t)
	err := c.Call(timeout(t, 60*time.Second), rpc.Target{Topic: e.topic}, "no_such_method", nil, nil)
	if !errors.Is(err, fault.Of(fault.NotImplemented)) || errors.Is(err, rpc.ErrTimeout) {
		t.Fatalf("err = %v, want NotImplemented, not a timeout", err)
	}
	if msg := fault.MessageOf(err); !strings.Contains(msg, "no_such_method") || !strings.Contains(msg, e.topic) {
		t.Errorf("message %q should name the method and the topic", msg)
	}
}

func TestCallTimesOutWhenTheServerDoesNotAnswer(t *testing.T) {
	e := newEnv(t)
	e.startChild(t, "slow")
	dead := e.startChild(t, "dead")
	dead.kill() // its durable queue stays, with nobody consuming it
	c := e.client(t)

	check := func(err error, method string, target rpc.Target) {
		t.Helper()
		if !errors.Is(err, rpc.ErrTimeout) || !errors.Is(err, fault.Of(fault.Unavailable)) {
			t.Fatalf("err = %v, want ErrTimeout in an Unavailable fault", err)
		}
		msg := fault.MessageOf(err)
		for _, want := range []string{method, target.Topic, "300ms"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not name %q", msg, want)
			}
		}
		t.Logf("timeout error: %v", err)
	}
	slow := rpc.Target{Topic: e.topic, Server: "slow"}
	check(c.Call(timeout(t, 300*time.Millisecond), slow, "sleep", sleepArgs{MS: 5000}, nil), "sleep", slow)
	gone := rpc.Target{Topic: e.topic, Server: "dead"}
	check(c.Call(timeout(t, 300*time.Millisecond), gone, "echo", nil, nil), "echo", gone)
}

// A cast to a server that is down waits in its queue until it is back.
func TestCastWaitsForAServerThatIsDown(t *testing.T) {
	e := newEnv(t)
	first := e.startChild(t, "h1")
	first.kill()
	c := e.client(t)
	ctx := timeout(t, 30*time.Second)
	for i := range 5 {
		if err := c.Cast(ctx, rpc.Target{Topic: e.topic, Server: "h1"}, "record", recordArgs{Tag: fmt.Sprint(i)}); err != nil {
			t.Fatalf("cast %d: %v", i, err)
		}
	}
	again := e.startChild(t, "h1")
	eventually(t, 30*time.Second, "the restarted server handled the casts sent while it was down", func() bool {
		return len(again.records()) == 5
	})
}

func TestNoServerListeningFailsAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := timeout(t, 60*time.Second)
	target := rpc.Target{Topic: e.topic, Server: "nowhere"}
	for name, err := range map[string]error{
		"call": c.Call(ctx, target, "echo", nil, nil),
		"cast": c.Cast(ctx, target, "echo", nil),
	} {
		if !errors.Is(err, rpc.ErrNoRoute) || !errors.Is(err, fault.Of(fault.Unavailable)) || errors.Is(err, rpc.ErrTimeout) {
			t.Errorf("%s: %v, want ErrNoRoute in an Unavailable fault", name, err)
		}
	}
	if ctx.Err() != nil {
		t.Error("the calls waited for their timeout")
	}
	// A fanout with no listener is not an error.
	if err := c.Fanout(ctx, e.topic, "echo", nil); err != nil {
		t.Errorf("fanout without listeners: %v", err)
	}
}

func TestHealthWhileConnected(t *testing.T) {
	e := newEnv(t)
	if err := e.transport(t).Health(); err != nil {
		t.Errorf("Health() = %v while connected", err)
	}
}
