package rpc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// Sentinels, found with errors.Is inside the *fault.Error that Call, Cast
// and Fanout return.
var (
	// ErrTimeout: a call got no reply before its deadline, or a message
	// could not be sent (broker unreachable) before it. Kind Unavailable.
	ErrTimeout = errors.New("rpc: timed out")
	// ErrNoRoute: no queue takes messages for the target: no server of
	// that topic (or that server) ever started. Kind Unavailable.
	ErrNoRoute = errors.New("rpc: no queue bound for the target")
	// ErrClosed: the Transport or Client was closed.
	ErrClosed = errors.New("rpc: transport closed")
)

// errNotConnected wraps the ctx error when the broker could not be reached
// in time, with the last connection error for the logs.
type errNotConnected struct {
	ctxErr  error
	lastErr error
}

func (e *errNotConnected) Error() string {
	if e.lastErr != nil {
		return fmt.Sprintf("not connected to the message broker (last error: %v): %v", e.lastErr, e.ctxErr)
	}
	return fmt.Sprintf("not connected to the message broker: %v", e.ctxErr)
}

func (e *errNotConnected) Unwrap() error { return e.ctxErr }

// sendError turns a failure to publish (or to get a reply) into the error
// the caller sees. what is "call", "cast" or "fanout"; waited is the time
// budget the operation had.
func sendError(err error, what, method string, target Target, waited time.Duration) error {
	var nc *errNotConnected
	switch {
	case errors.Is(err, ErrNoRoute):
		return fault.Wrap(err, fault.Unavailable,
			"No server is listening on %s: %s %q was not delivered.", target, what, method)
	case errors.As(err, &nc) && errors.Is(err, context.DeadlineExceeded):
		return fault.Wrap(fmt.Errorf("%w: %w", ErrTimeout, err), fault.Unavailable,
			"The message broker is unreachable: %s %q to %s was not sent within %s.", what, method, target, waited)
	case errors.Is(err, context.DeadlineExceeded):
		return fault.Wrap(fmt.Errorf("%w: %w", ErrTimeout, err), fault.Unavailable,
			"The broker did not confirm %s %q to %s within %s.", what, method, target, waited)
	case errors.Is(err, ErrClosed):
		return fault.Wrap(err, fault.Unavailable, "The RPC transport is closed: %s %q to %s was not sent.", what, method, target)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("rpc: %s %q to %s: %w", what, method, target, err)
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	return fault.Wrap(err, fault.Unavailable, "Could not send %s %q to %s.", what, method, target)
}

// timeoutError is the error of a call that got no reply in time.
func timeoutError(ctxErr error, method string, target Target, timeout time.Duration) error {
	return fault.Wrap(fmt.Errorf("%w: %w", ErrTimeout, ctxErr), fault.Unavailable,
		"No reply to call %q from %s within %s.", method, target, timeout)
}
