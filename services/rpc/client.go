package rpc

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/services/fault"
)

// Client sends calls, casts and fanouts. It is safe for concurrent use;
// one per process is enough. Its reply queue is declared on the first Call.
type Client struct {
	t      *Transport
	replyQ string
	ready  *gate // the reply queue is being consumed

	mu      sync.Mutex
	pending map[string]chan *reply // by _msg_id

	startOnce sync.Once
	started   bool
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{} // closed when the reply listener has exited
}

// NewClient returns a Client on the Transport.
func NewClient(t *Transport) *Client {
	ctx, cancel := context.WithCancel(t.ctx)
	return &Client{
		t:       t,
		replyQ:  "reply_" + uuid.NewString(),
		ready:   newGate(),
		pending: map[string]chan *reply{},
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
	}
}

// Close stops the reply listener; calls in progress fail.
func (c *Client) Close() error {
	c.cancel()
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if started {
		<-c.done
	}
	return nil
}

// Call invokes method on one server of the target and waits for its reply,
// which it decodes into result (a pointer, or nil to discard it). It waits
// until ctx's deadline, or Config.ResponseTimeout if ctx has none. A
// remote failure comes back as a *fault.Error of the remote kind; no reply
// in time as ErrTimeout in a fault.Unavailable.
func (c *Client) Call(ctx context.Context, target Target, method string, args, result any) error {
	ctx, cancel, timeout := c.bound(ctx)
	defer cancel()
	if err := validate(target.Topic, method); err != nil {
		return err
	}
	msgID := uuid.NewString()
	rc, _ := FromContext(ctx)
	body, err := encodeRequest(rc, method, args, msgID, msgID, c.replyQ, timeout)
	if err != nil {
		return err
	}

	if c.ctx.Err() != nil {
		return sendError(ErrClosed, "call", method, target, timeout)
	}
	c.start()
	if err := c.ready.wait(ctx); err != nil {
		return sendError(&errNotConnected{ctxErr: err, lastErr: c.t.Health()}, "call", method, target, timeout)
	}
	replies := make(chan *reply, 1)
	c.mu.Lock()
	c.pending[msgID] = replies
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, msgID)
		c.mu.Unlock()
	}()

	err = c.t.publish(ctx, outgoing{
		exchange:  target.exchange(c.t.cfg.ControlExchange),
		kind:      amqp.ExchangeTopic,
		key:       target.routingKey(),
		mandatory: true,
		msg: amqp.Publishing{
			ContentType:   "application/json",
			DeliveryMode:  amqp.Transient,
			MessageId:     msgID,
			CorrelationId: msgID,
			ReplyTo:       c.replyQ,
			Expiration:    ttl(ctx),
			Timestamp:     time.Now(),
			Body:          body,
		},
	})
	if err != nil {
		return sendError(err, "call", method, target, timeout)
	}

	select {
	case r := <-replies:
		if err := r.err(method, target); err != nil {
			return err
		}
		return r.decodeResult(result)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutError(ctx.Err(), method, target, timeout)
		}
		return fmt.Errorf("rpc: call %q to %s: %w", method, target, ctx.Err())
	case <-c.ctx.Done():
		return sendError(ErrClosed, "call", method, target, timeout)
	}
}

// Cast sends method to one server of the target without waiting for it to
// run. It returns nil once the broker has confirmed the message, which is
// persistent and survives a broker restart. Bounded by ctx's deadline, or
// Config.ResponseTimeout if ctx has none.
func (c *Client) Cast(ctx context.Context, target Target, method string, args any) error {
	ctx, cancel, timeout := c.bound(ctx)
	defer cancel()
	if err := validate(target.Topic, method); err != nil {
		return err
	}
	id := uuid.NewString()
	rc, _ := FromContext(ctx)
	body, err := encodeRequest(rc, method, args, id, "", "", 0)
	if err != nil {
		return err
	}
	err = c.t.publish(ctx, outgoing{
		exchange:  target.exchange(c.t.cfg.ControlExchange),
		kind:      amqp.ExchangeTopic,
		key:       target.routingKey(),
		mandatory: true,
		msg: amqp.Publishing{
			ContentType:  "application/json",
			DeliveryMode: amqp.Persistent,
			MessageId:    id,
			Timestamp:    time.Now(),
			Body:         body,
		},
	})
	if err != nil {
		return sendError(err, "cast", method, target, timeout)
	}
	return nil
}

// Fanout sends method to every server of the topic that is connected now.
// It returns nil once the broker has confirmed the message, even if no
// server listens.
func (c *Client) Fanout(ctx context.Context, topic, method string, args any) error {
	ctx, cancel, timeout := c.bound(ctx)
	defer cancel()
	if err := validate(topic, method); err != nil {
		return err
	}
	id := uuid.NewString()
	rc, _ := FromContext(ctx)
	body, err := encodeRequest(rc, method, args, id, "", "", 0)
	if err != nil {
		return err
	}
	err = c.t.publish(ctx, outgoing{
		exchange: fanoutExchange(topic),
		kind:     amqp.ExchangeFanout,
		key:      topic,
		msg: amqp.Publishing{
			ContentType:  "application/json",
			DeliveryMode: amqp.Transient,
			MessageId:    id,
			Timestamp:    time.Now(),
			Body:         body,
		},
	})
	if err != nil {
		return sendError(err, "fanout", method, Target{Topic: fanoutExchange(topic)}, timeout)
	}
	return nil
}

// bound gives ctx the default deadline if it has none, and returns the
// time budget.
func (c *Client) bound(ctx context.Context) (context.Context, context.CancelFunc, time.Duration) {
	if dl, ok := ctx.Deadline(); ok {
		return ctx, func() {}, time.Until(dl).Round(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(ctx, c.t.cfg.ResponseTimeout)
	return ctx, cancel, c.t.cfg.ResponseTimeout
}

// ttl is the message expiration for a call: what is left of ctx's time,
// so that a server never starts a call its caller has given up on.
func ttl(ctx context.Context) string {
	dl, ok := ctx.Deadline()
	if !ok {
		return ""
	}
	ms := time.Until(dl).Milliseconds()
	return strconv.FormatInt(max(ms, 1), 10)
}

func validate(topic, method string) error {
	if topic == "" {
		return fault.New(fault.Invalid, "An RPC target needs a topic.")
	}
	if method == "" {
		return fault.New(fault.Invalid, "An RPC message needs a method name.")
	}
	return nil
}
