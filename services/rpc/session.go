package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// session is one live broker connection and its publishing channel.
type session struct {
	conn *amqp.Connection
	ep   endpoint
	lost chan struct{} // closed once the connection is gone
	log  *slog.Logger

	mu  sync.Mutex
	pub *publisher
}

// waitLost waits until the Transport has noticed that this connection is
// gone, so that the caller's next session() waits for a new one.
func (s *session) waitLost(ctx context.Context) error {
	select {
	case <-s.lost:
		return nil
	case <-ctx.Done():
		return &errNotConnected{ctxErr: ctx.Err()}
	}
}

// publisher returns the session's publishing channel, opening a new one if
// the broker closed the previous one.
func (s *session) publisher() (*publisher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub != nil && !s.pub.closed() {
		return s.pub, nil
	}
	p, err := openPublisher(s.conn)
	if err != nil {
		return nil, fmt.Errorf("open publishing channel on %s: %w", s.ep, err)
	}
	s.pub = p
	return p, nil
}

func (s *session) publish(ctx context.Context, o outgoing) error {
	p, err := s.publisher()
	if err != nil {
		return err
	}
	if o.exchange != "" {
		if err := p.declare(o.exchange, o.kind); err != nil {
			return err
		}
	}
	return p.publish(ctx, o)
}
