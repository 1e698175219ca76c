package manager

import (
	"context"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/services/fault"
)

// TestInstanceEvents: an awaited event reaches its waiter (completed is
// nil, failed an error), an event nobody waits for is not taken, a
// waiter gives up at its timeout, and a done waiter no longer takes one.
func TestInstanceEvents(t *testing.T) {
	var e instanceEvents
	ev := func(status string) computeapi.InstanceEvent {
		return computeapi.InstanceEvent{Name: "volume-reimaged", Tag: "vol-1", Status: status}
	}
	if e.pop("inst-1", ev("completed")) {
		t.Fatal("an event with no waiter was taken")
	}

	w := e.prepare("inst-1", "volume-reimaged", "vol-1")
	if e.pop("inst-2", ev("completed")) || e.pop("inst-1", computeapi.InstanceEvent{Name: "volume-reimaged", Tag: "vol-2"}) {
		t.Fatal("another instance's or volume's event was taken")
	}
	if !e.pop("inst-1", ev("completed")) {
		t.Fatal("the awaited event was not taken")
	}
	if err := w.wait(context.Background(), time.Second); err != nil {
		t.Errorf("completed event: %v", err)
	}
	w.done()

	w = e.prepare("inst-1", "volume-reimaged", "vol-1")
	e.pop("inst-1", ev("failed"))
	if err := w.wait(context.Background(), time.Second); err == nil {
		t.Error("a failed event is no error")
	}
	w.done()

	w = e.prepare("inst-1", "volume-reimaged", "vol-1")
	if err := w.wait(context.Background(), 10*time.Millisecond); fault.KindOf(err) != fault.Unavailable {
		t.Errorf("timeout: %v", err)
	}
	w.done()
	if e.pop("inst-1", ev("completed")) {
		t.Error("an event was taken by a waiter that is done")
	}
}
