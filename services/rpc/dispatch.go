package rpc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/gostack/gostack/services/fault"
)

// dispatch starts the handler of a delivery, bounded by the worker pool,
// unless the message is a duplicate this server can recognise.
func (s *Server) dispatch(ctx context.Context, d amqp.Delivery, w *workers) {
	id := d.MessageId
	e := &inflight{deliveries: []amqp.Delivery{d}}
	if id != "" {
		s.mu.Lock()
		if running, ok := s.inflight[id]; ok {
			running.deliveries = append(running.deliveries, d)
			s.mu.Unlock()
			return
		}
		if s.recent.has(id) {
			s.mu.Unlock()
			s.log.Debug("rpc: acknowledging a duplicate of a handled message", "message_id", id)
			_ = d.Ack(false)
			return
		}
		s.inflight[id] = e
		s.mu.Unlock()
	}
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		s.finish(id, e, true)
		return
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { <-w.sem }()
		s.handle(ctx, id, e)
	}()
}

// handle runs one message: the handler, the reply for a call, the ack.
func (s *Server) handle(ctx context.Context, id string, e *inflight) {
	req, err := decodeRequest(e.deliveries[0].Body)
	if err != nil {
		s.log.Error("rpc: dropping a malformed message", "message_id", id, "error", err)
		s.finish(id, e, false)
		return
	}
	rc := req.context()
	if rc.RequestID == "" {
		rc.RequestID = "req-" + uuid.NewString()
	}
	hctx := WithContext(ctx, rc)
	cancel := context.CancelFunc(func() {})
	if req.isCall() {
		hctx, cancel = context.WithTimeout(hctx, s.callTimeout(req))
	}
	result, herr := s.invoke(hctx, req)
	cancel()

	if herr != nil && ctx.Err() != nil && errors.Is(herr, context.Canceled) {
		s.log.Info("rpc: stopping; requeueing an unfinished message", "method", req.Method, "request_id", rc.RequestID)
		s.finish(id, e, true)
		return
	}
	if herr != nil {
		level := s.log.Info
		if fault.KindOf(herr) == fault.Internal {
			level = s.log.Error
		}
		level("rpc: handler failed", "method", req.Method, "call", req.isCall(), "context", rc,
			"kind", fault.KindOf(herr), "error", herr)
	}
	if req.isCall() {
		s.reply(ctx, req, result, herr)
	}
	s.finish(id, e, false)
}

// invoke runs the handler of req's method, turning a panic into an
// Internal error and an unknown method into NotImplemented.
func (s *Server) invoke(ctx context.Context, req *request) (result any, err error) {
	s.mu.Lock()
	h := s.handlers[req.Method]
	s.mu.Unlock()
	if h == nil {
		return nil, fault.New(fault.NotImplemented, "Method %q is not provided by %s.", req.Method, s.target)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fault.Wrap(fmt.Errorf("panic: %v\n%s", r, debug.Stack()), fault.Internal,
				"The server failed while handling %q.", req.Method)
		}
	}()
	return h(ctx, req.Args)
}

// reply publishes the answer to a call. It is sent even while the server
// stops, within the caller's timeout.
func (s *Server) reply(ctx context.Context, req *request, result any, herr error) {
	body := encodeReply(req.MsgID, result, herr)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.callTimeout(req))
	defer cancel()
	err := s.t.publish(rctx, outgoing{
		key: req.ReplyQ,
		msg: amqp.Publishing{
			ContentType:   "application/json",
			DeliveryMode:  amqp.Transient,
			MessageId:     uuid.NewString(),
			CorrelationId: req.MsgID,
			Timestamp:     time.Now(),
			Body:          body,
		},
	})
	if err != nil {
		s.log.Warn("rpc: could not send a reply; the caller will time out", "method", req.Method, "reply_q", req.ReplyQ, "error", err)
	}
}

func (s *Server) callTimeout(req *request) time.Duration {
	if t := req.timeout(); t > 0 {
		return t
	}
	return s.t.cfg.ResponseTimeout
}

// finish acknowledges every delivered copy of the message, or requeues
// them for another server. An ack on a channel that has closed since is
// lost; the broker then delivers the message again, and the recent-ids
// record acknowledges it without running it twice.
func (s *Server) finish(id string, e *inflight, requeue bool) {
	s.mu.Lock()
	ds := e.deliveries
	if id != "" {
		delete(s.inflight, id)
		if !requeue {
			s.recent.add(id)
		}
	}
	s.mu.Unlock()
	for _, d := range ds {
		if requeue {
			_ = d.Nack(false, true)
		} else {
			_ = d.Ack(false)
		}
	}
}
