// Package fault is the one taxonomy of error kinds shared by every service.
//
// Code anywhere below the edges returns errors made here (or wrapping them);
// each edge translates kinds once: the HTTP layer into a service's upstream
// error body and status code, the RPC layer into its wire envelope and back,
// so errors.Is and KindOf still work on the far side of an RPC call.
//
// An Error carries two texts: Message is safe to show to the user and says
// what was wrong and what to do; Cause is the internal reason, logged but
// never rendered.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind string

// The kinds. Their string values travel over RPC; do not rename them.
const (
	Internal       Kind = "internal"        // a bug or an unexpected failure (500)
	Invalid        Kind = "invalid"         // the request is malformed or breaks a rule (400)
	Unauthorized   Kind = "unauthorized"    // no or bad credentials (401)
	Forbidden      Kind = "forbidden"       // authenticated but not allowed (403)
	NotFound       Kind = "not_found"       // the thing does not exist or is not visible (404)
	NotAllowed     Kind = "not_allowed"     // method not allowed on the resource (405)
	NotAcceptable  Kind = "not_acceptable"  // e.g. an unsupported microversion (406)
	Conflict       Kind = "conflict"        // the state forbids it now (409)
	TooLarge       Kind = "too_large"       // the body or the value is too large (413)
	Unsupported    Kind = "unsupported"     // unsupported media type (415)
	OverLimit      Kind = "over_limit"      // quota or rate limit exceeded (413/403 per service)
	Unavailable    Kind = "unavailable"     // a dependency is down or a timeout hit (503)
	NotImplemented Kind = "not_implemented" // a feature this service does not have (501)
)

// Error is an error of a known Kind.
type Error struct {
	Kind    Kind
	Message string // user-facing; say what was wrong and what to do
	Cause   error  // internal; logged, never shown to users
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is(err, fault.NotFound) style checks work through
// sentinel values made with Of.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) && t.Message == "" && t.Cause == nil {
		return t.Kind == e.Kind
	}
	return false
}

// New returns an Error of the kind with a user-facing message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of the kind with a user-facing message and an
// internal cause.
func Wrap(cause error, kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// Of returns a sentinel for the kind, for errors.Is(err, fault.Of(fault.NotFound)).
func Of(kind Kind) error { return &Error{Kind: kind} }

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the user-facing message of the first *Error in err's
// chain, or a generic text that reveals nothing internal.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "An unexpected error occurred; the request id identifies it in the service logs."
}
