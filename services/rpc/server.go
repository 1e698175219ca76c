package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
)

// Server consumes the queues of one Target: the shared "<topic>" queue,
// the directed "<topic>.<server>" queue (if Target.Server is set) and a
// private queue on "<topic>_fanout", and runs the registered handlers.
type Server struct {
	t        *Transport
	target   Target
	exchange string
	fanoutQ  string
	pool     int
	log      *slog.Logger
	ready    *gate
	serving  atomic.Bool

	mu       sync.Mutex
	handlers map[string]Handler
	inflight map[string]*inflight // by message id
	recent   *recentIDs
}

// inflight is a message whose handler runs; redelivered copies of it join
// deliveries and are acknowledged together when it finishes.
type inflight struct {
	deliveries []amqp.Delivery
}

// NewServer returns a Server for the target; Register its methods, then
// call Serve.
func NewServer(t *Transport, target Target) *Server {
	return &Server{
		t:        t,
		target:   target,
		exchange: target.exchange(t.cfg.ControlExchange),
		fanoutQ:  fmt.Sprintf("%s_fanout_%s", target.Topic, strings.ReplaceAll(uuid.NewString(), "-", "")),
		pool:     t.cfg.ExecutorPoolSize,
		log:      t.log.With("exchange", target.exchange(t.cfg.ControlExchange), "topic", target.Topic, "server", target.Server),
		ready:    newGate(),
		handlers: map[string]Handler{},
		inflight: map[string]*inflight{},
		recent:   newRecentIDs(4096),
	}
}

// Register serves method with h, replacing any previous handler.
func (s *Server) Register(method string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[method] = h
}

// Ready waits until the Server consumes its queues (on the current
// connection) or ctx is done.
func (s *Server) Ready(ctx context.Context) error { return s.ready.wait(ctx) }

// Serve consumes and dispatches messages until ctx is cancelled, then
// stops consuming, waits for the running handlers and returns nil. It
// survives broker restarts. It returns an error only if the broker refuses
// the server's queues (a permission or declaration conflict), or the
// Transport is closed.
func (s *Server) Serve(ctx context.Context) error {
	if s.target.Topic == "" {
		return errors.New("rpc: a server needs a topic")
	}
	if !s.serving.CompareAndSwap(false, true) {
		return errors.New("rpc: Serve called twice")
	}
	w := &workers{sem: make(chan struct{}, s.pool)}
	defer w.wg.Wait()
	for attempt := 0; ; {
		sess, err := s.t.session(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("rpc: serve %s: %w", s.target, err)
		}
		err = s.consume(ctx, sess, w)
		s.ready.shut()
		switch {
		case ctx.Err() != nil:
			return nil
		case isPermanent(err):
			return fmt.Errorf("rpc: serve %s: %w", s.target, err)
		case sess.conn.IsClosed():
			attempt = 0
			_ = sess.waitLost(ctx)
			continue
		}
		d := s.t.backoff.Delay(attempt)
		attempt++
		s.log.Warn("rpc: server channel failed; retrying", "error", err, "retry_in", d)
		if s.t.sleep(ctx, d) != nil {
			return nil
		}
	}
}

// workers bounds and tracks the running handlers.
type workers struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

// consume declares the server's topology on a new channel and dispatches
// its deliveries until the channel closes or ctx is cancelled.
func (s *Server) consume(ctx context.Context, sess *session, w *workers) error {
	ch, err := sess.conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", err)
	}
	defer ch.Close() // the broker requeues whatever is not acknowledged
	if err := ch.Qos(s.pool, 0, false); err != nil {
		return fmt.Errorf("set prefetch: %w", err)
	}
	queues := []string{s.target.Topic}
	if s.target.Server != "" {
		queues = append(queues, s.target.routingKey())
	}
	if err := declareExchange(ch, s.exchange, amqp.ExchangeTopic); err != nil {
		return err
	}
	for _, q := range queues {
		if err := declareServerQueue(ch, s.exchange, q); err != nil {
			return err
		}
	}
	if err := declareFanoutQueue(ch, s.target.Topic, s.fanoutQ); err != nil {
		return err
	}
	queues = append(queues, s.fanoutQ)

	var tags []string
	merged := make(chan amqp.Delivery)
	var fwd sync.WaitGroup
	for _, q := range queues {
		tag := q + "-" + uuid.NewString()
		deliveries, err := ch.Consume(q, tag, false, false, false, false, nil)
		if err != nil {
			return fmt.Errorf("consume queue %q: %w", q, err)
		}
		tags = append(tags, tag)
		fwd.Add(1)
		go func() {
			defer fwd.Done()
			for d := range deliveries {
				select {
				case merged <- d:
				case <-ctx.Done():
					// not dispatched: the channel's close requeues it
				}
			}
		}()
	}
	allClosed := make(chan struct{})
	go func() { fwd.Wait(); close(allClosed) }()

	s.ready.open()
	s.log.Info("rpc: server consuming", "queues", queues)
	for {
		select {
		case d := <-merged:
			s.dispatch(ctx, d, w)
		case <-allClosed:
			return errors.New("channel closed")
		case <-ctx.Done():
			for _, tag := range tags {
				_ = ch.Cancel(tag, false)
			}
			w.wg.Wait() // handlers acknowledge on this channel: keep it open
			return nil
		}
	}
}
