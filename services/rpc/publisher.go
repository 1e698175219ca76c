package rpc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// outgoing is one message to publish.
type outgoing struct {
	exchange  string // "" is the default exchange (replies)
	kind      string // exchange type: "topic" or "fanout"
	key       string // routing key
	mandatory bool   // fail with ErrNoRoute if no queue takes it
	msg       amqp.Publishing
}

// errUnconfirmed: the broker nacked the message or the channel closed
// before confirming it; the message may or may not have been enqueued.
var errUnconfirmed = errors.New("the broker did not confirm the message")

// publisher is a channel in confirm mode. Messages returned as unroutable
// (mandatory) are recorded by message id; the broker always sends the
// return before the confirmation of the same message.
type publisher struct {
	ch      *amqp.Channel
	returns chan amqp.Return
	barrier chan struct{}
	done    chan struct{} // closed when the channel is closed

	mu       sync.Mutex
	returned map[string]bool // message ids awaiting confirmation -> returned?

	declMu   sync.Mutex
	declared map[string]bool // exchanges declared on this channel
}

func openPublisher(conn *amqp.Connection) (*publisher, error) {
	ch, err := conn.Channel()
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("enable publisher confirms: %w", err)
	}
	p := &publisher{
		ch:       ch,
		returns:  make(chan amqp.Return), // unbuffered: see watchReturns
		barrier:  make(chan struct{}),
		done:     make(chan struct{}),
		returned: map[string]bool{},
		declared: map[string]bool{},
	}
	ch.NotifyReturn(p.returns)
	go p.watchReturns()
	return p, nil
}

// watchReturns records returned messages. The returns channel is
// unbuffered, so a return has been received here before the library goes
// on to process the confirmation that follows it; publish then passes a
// barrier through this loop, which it can only do once the return has been
// recorded.
func (p *publisher) watchReturns() {
	defer close(p.done)
	for {
		select {
		case r, ok := <-p.returns:
			if !ok {
				return
			}
			p.mu.Lock()
			if _, waiting := p.returned[r.MessageId]; waiting {
				p.returned[r.MessageId] = true
			}
			p.mu.Unlock()
		case <-p.barrier:
		}
	}
}

func (p *publisher) closed() bool {
	select {
	case <-p.done:
		return true
	default:
		return p.ch.IsClosed()
	}
}

// declare declares a durable exchange once per channel.
func (p *publisher) declare(name, kind string) error {
	p.declMu.Lock()
	defer p.declMu.Unlock()
	if p.declared[name] {
		return nil
	}
	if err := declareExchange(p.ch, name, kind); err != nil {
		return err
	}
	p.declared[name] = true
	return nil
}

// publish sends o and waits for the broker's confirmation.
func (p *publisher) publish(ctx context.Context, o outgoing) error {
	id := o.msg.MessageId
	if o.mandatory {
		p.mu.Lock()
		p.returned[id] = false
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			delete(p.returned, id)
			p.mu.Unlock()
		}()
	}
	dc, err := p.ch.PublishWithDeferredConfirmWithContext(ctx, o.exchange, o.key, o.mandatory, false, o.msg)
	if err != nil {
		return fmt.Errorf("publish to %q with key %q: %w", o.exchange, o.key, err)
	}
	select {
	case <-dc.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	if !dc.Acked() {
		return errUnconfirmed
	}
	if !o.mandatory {
		return nil
	}
	select {
	case p.barrier <- struct{}{}:
	case <-p.done:
	}
	p.mu.Lock()
	returned := p.returned[id]
	p.mu.Unlock()
	if returned {
		return ErrNoRoute
	}
	return nil
}
