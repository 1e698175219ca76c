package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/services/fault"
)

// Transport is the process's connection to the message broker. It
// connects in the background, reconnects with backoff when the connection
// drops, and hands the current connection to Clients and Servers, which
// re-declare what they need on each new one.
type Transport struct {
	cfg     Config
	eps     []endpoint
	log     *slog.Logger
	backoff backoff
	sleep   sleeper

	connected *gate
	mu        sync.Mutex
	sess      *session // nil while disconnected
	lastErr   error

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when the connection loop has exited
}

// Open validates cfg and starts connecting to the broker in the background;
// it does not wait for the connection (see WaitConnected and Health).
func Open(cfg Config) (*Transport, error) {
	return open(cfg, realSleep)
}

func open(cfg Config, sleep sleeper) (*Transport, error) {
	cfg = cfg.withDefaults()
	eps, err := parseTransportURL(cfg.TransportURL)
	if err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "[DEFAULT] transport_url is invalid: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &Transport{
		cfg:       cfg,
		eps:       eps,
		log:       cfg.Logger,
		backoff:   backoff{Initial: cfg.RetryInterval, Max: cfg.RetryIntervalMax},
		sleep:     sleep,
		connected: newGate(),
		ctx:       ctx,
		cancel:    cancel,
		done:      make(chan struct{}),
	}
	go t.run()
	return t, nil
}

// Close closes the connection; Clients and Servers on it stop. It waits
// for the connection loop to exit.
func (t *Transport) Close() error {
	t.cancel()
	<-t.done
	return nil
}

// WaitConnected waits until the broker connection is up or ctx is done.
func (t *Transport) WaitConnected(ctx context.Context) error {
	_, err := t.session(ctx)
	return err
}

// Health returns nil while connected to the broker, or an Unavailable
// error naming the broker and the last connection error.
func (t *Transport) Health() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx.Err() != nil {
		return fault.Wrap(ErrClosed, fault.Unavailable, "The RPC transport is closed.")
	}
	if t.sess != nil {
		return nil
	}
	return fault.Wrap(t.lastErr, fault.Unavailable, "Not connected to the message broker at %s.", t.brokers())
}

func (t *Transport) brokers() string {
	names := make([]string, len(t.eps))
	for i, ep := range t.eps {
		names[i] = ep.String()
	}
	return strings.Join(names, ", ")
}

// session returns the live connection, waiting for one (bounded by ctx).
func (t *Transport) session(ctx context.Context) (*session, error) {
	for {
		t.mu.Lock()
		s, lastErr := t.sess, t.lastErr
		t.mu.Unlock()
		if t.ctx.Err() != nil {
			return nil, ErrClosed
		}
		if s != nil {
			return s, nil
		}
		select {
		case <-t.connected.done():
		case <-t.ctx.Done():
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, &errNotConnected{ctxErr: ctx.Err(), lastErr: lastErr}
		}
	}
}

// run is the connection loop: dial, serve until the connection drops, redial.
func (t *Transport) run() {
	defer close(t.done)
	attempt := 0
	for i := 0; t.ctx.Err() == nil; i++ {
		ep := t.eps[i%len(t.eps)]
		conn, err := t.dial(ep)
		if err != nil {
			t.mu.Lock()
			t.lastErr = err
			t.mu.Unlock()
			d := t.backoff.Delay(attempt)
			attempt++
			t.log.Warn("rpc: cannot connect to the message broker", "broker", ep.String(), "error", err, "retry_in", d)
			if t.sleep(t.ctx, d) != nil {
				return
			}
			continue
		}
		attempt = 0
		t.hold(conn, ep)
	}
}

// hold publishes a new connection as the current session and waits until
// it drops or the Transport is closed.
func (t *Transport) hold(conn *amqp.Connection, ep endpoint) {
	s := &session{conn: conn, ep: ep, lost: make(chan struct{}), log: t.log}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	blocked := conn.NotifyBlocked(make(chan amqp.Blocking, 4))
	t.mu.Lock()
	t.sess, t.lastErr = s, nil
	t.mu.Unlock()
	t.connected.open()
	t.log.Info("rpc: connected to the message broker", "broker", ep.String())

	var reason error
	for reason == nil {
		select {
		case e := <-closed:
			reason = errors.New("connection closed")
			if e != nil {
				reason = e
			}
		case b := <-blocked:
			if b.Active {
				t.log.Warn("rpc: the broker blocks publishing (resource alarm)", "broker", ep.String(), "reason", b.Reason)
			} else {
				t.log.Info("rpc: the broker unblocked publishing", "broker", ep.String())
			}
		case <-t.ctx.Done():
			reason = ErrClosed
			_ = conn.Close()
		}
	}
	t.connected.shut()
	t.mu.Lock()
	t.sess, t.lastErr = nil, reason
	t.mu.Unlock()
	close(s.lost)
	if !errors.Is(reason, ErrClosed) {
		t.log.Warn("rpc: lost the connection to the message broker; reconnecting", "broker", ep.String(), "error", reason)
	}
}

func (t *Transport) dial(ep endpoint) (*amqp.Connection, error) {
	name := t.cfg.ConnectionName
	if name == "" {
		name = filepath.Base(os.Args[0])
	}
	conn, err := amqp.DialConfig(ep.dialURL(), amqp.Config{
		Vhost:      ep.Vhost,
		Heartbeat:  t.cfg.Heartbeat,
		Dial:       amqp.DefaultDial(t.cfg.ConnectTimeout),
		Properties: amqp.Table{"connection_name": name, "product": "gostack"},
	})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", ep, err)
	}
	return conn, nil
}

// publish sends one message with confirmation, waiting for the connection
// and sending again on the next connection when a confirmation is lost.
func (t *Transport) publish(ctx context.Context, o outgoing) error {
	for attempt := 0; ; attempt++ {
		s, err := t.session(ctx)
		if err != nil {
			return err
		}
		err = s.publish(ctx, o)
		switch {
		case err == nil, errors.Is(err, ErrNoRoute), isPermanent(err):
			return err
		case ctx.Err() != nil:
			return fmt.Errorf("%w (last attempt: %v)", ctx.Err(), err)
		}
		t.log.Debug("rpc: message not confirmed; sending again", "exchange", o.exchange, "routing_key", o.key, "error", err)
		if s.conn.IsClosed() {
			if err := s.waitLost(ctx); err != nil {
				return err
			}
			continue
		}
		if err := t.sleep(ctx, t.backoff.Delay(attempt)); err != nil {
			return err
		}
	}
}

// isPermanent reports broker refusals that retrying cannot fix: access
// refused, or a declaration that conflicts with an existing one.
func isPermanent(err error) bool {
	var ae *amqp.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case amqp.AccessRefused, amqp.PreconditionFailed, amqp.NotAllowed:
		return true
	}
	return false
}
