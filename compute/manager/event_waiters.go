package manager

import (
	"context"
	"sync"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/services/fault"
)

// instanceEvents are the external events (os-server-external-events) a
// handler is waiting for, as nova's InstanceEvents behind
// virtapi.wait_for_instance_event: the waiter is registered before the
// action that brings the event starts, and externalInstanceEvent hands
// the event over. An event nobody waits for is only logged.
type instanceEvents struct {
	mu      sync.Mutex
	waiting map[eventKey]chan computeapi.InstanceEvent
}

// eventKey is one awaited event: an instance, an event name and its tag
// (the volume of volume-reimaged, the port of network-vif-plugged).
type eventKey struct{ instance, name, tag string }

// prepare registers a waiter for one event; wait it, then call done.
func (e *instanceEvents) prepare(instance, name, tag string) *eventWaiter {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.waiting == nil {
		e.waiting = map[eventKey]chan computeapi.InstanceEvent{}
	}
	k := eventKey{instance, name, tag}
	ch := make(chan computeapi.InstanceEvent, 1)
	e.waiting[k] = ch
	return &eventWaiter{events: e, key: k, ch: ch}
}

// pop gives an event to its waiter and reports whether there was one.
func (e *instanceEvents) pop(instance string, ev computeapi.InstanceEvent) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := eventKey{instance, ev.Name, ev.Tag}
	ch, ok := e.waiting[k]
	if !ok {
		return false
	}
	delete(e.waiting, k)
	ch <- ev
	return true
}

// eventWaiter waits for one registered event.
type eventWaiter struct {
	events *instanceEvents
	key    eventKey
	ch     chan computeapi.InstanceEvent
}

// wait returns the event's status once it arrives: nil for completed, a
// fault for failed (nova's error_callback), fault.Unavailable after
// timeout (nova's InstanceEventTimeout) or when ctx ends.
func (w *eventWaiter) wait(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case ev := <-w.ch:
		if ev.Status == "failed" {
			return fault.New(fault.Internal, "The block storage service reported failure during %s for instance %s.", ev.Name, w.key.instance)
		}
		return nil
	case <-t.C:
		return fault.New(fault.Unavailable, "Timed out after %s waiting for the %s event of instance %s.", timeout, w.key.name, w.key.instance)
	case <-ctx.Done():
		return fault.Wrap(ctx.Err(), fault.Unavailable, "Stopped waiting for the %s event of instance %s.", w.key.name, w.key.instance)
	}
}

// done unregisters the waiter (an event arriving later is only logged).
func (w *eventWaiter) done() {
	w.events.mu.Lock()
	defer w.events.mu.Unlock()
	if w.events.waiting[w.key] == w.ch {
		delete(w.events.waiting, w.key)
	}
}
