package rpc

import (
	"errors"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// start starts the reply listener once.
func (c *Client) start() {
	c.startOnce.Do(func() {
		c.mu.Lock()
		c.started = true
		c.mu.Unlock()
		go c.listen()
	})
}

// listen consumes the reply queue, re-declaring it on every new connection.
func (c *Client) listen() {
	defer close(c.done)
	for attempt := 0; ; {
		s, err := c.t.session(c.ctx)
		if err != nil {
			return // closed
		}
		err = c.consumeReplies(s)
		c.ready.shut()
		if c.ctx.Err() != nil {
			return
		}
		if s.conn.IsClosed() {
			attempt = 0
			_ = s.waitLost(c.ctx)
			continue
		}
		d := c.t.backoff.Delay(attempt)
		attempt++
		c.t.log.Warn("rpc: reply queue failed; retrying", "queue", c.replyQ, "error", err, "retry_in", d)
		if c.t.sleep(c.ctx, d) != nil {
			return
		}
	}
}

// consumeReplies declares and consumes the reply queue until the channel
// closes or the Client is closed.
func (c *Client) consumeReplies(s *session) error {
	ch, err := s.conn.Channel()
	if err != nil {
		return fmt.Errorf("open reply channel: %w", err)
	}
	defer ch.Close()
	if err := declareReplyQueue(ch, c.replyQ); err != nil {
		return err
	}
	deliveries, err := ch.Consume(c.replyQ, "", true, true, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume reply queue %q: %w", c.replyQ, err)
	}
	c.ready.open()
	for {
		select {
		case d, ok := <-deliveries:
			if !ok {
				return errors.New("reply channel closed")
			}
			c.deliver(d)
		case <-c.ctx.Done():
			return nil
		}
	}
}

// deliver hands a reply to the call waiting for it. Replies nobody waits
// for (the call timed out) and duplicates are dropped.
func (c *Client) deliver(d amqp.Delivery) {
	r, err := decodeReply(d.Body)
	if err != nil {
		c.t.log.Warn("rpc: dropping a malformed reply", "queue", c.replyQ, "error", err)
		return
	}
	c.mu.Lock()
	waiting := c.pending[r.MsgID]
	c.mu.Unlock()
	if waiting == nil {
		c.t.log.Debug("rpc: dropping a reply nobody waits for", "msg_id", r.MsgID)
		return
	}
	select {
	case waiting <- r:
	default:
	}
}
