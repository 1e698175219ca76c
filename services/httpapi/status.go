package httpapi

import (
	"errors"
	"net/http"

	"github.com/gostack/gostack/services/fault"
)

// kindStatus is the status of each fault kind unless a Config or
// WithStatus says otherwise.
var kindStatus = map[fault.Kind]int{
	fault.Internal:       http.StatusInternalServerError,
	fault.Invalid:        http.StatusBadRequest,
	fault.Unauthorized:   http.StatusUnauthorized,
	fault.Forbidden:      http.StatusForbidden,
	fault.NotFound:       http.StatusNotFound,
	fault.NotAllowed:     http.StatusMethodNotAllowed,
	fault.NotAcceptable:  http.StatusNotAcceptable,
	fault.Conflict:       http.StatusConflict,
	fault.TooLarge:       http.StatusRequestEntityTooLarge,
	fault.Unsupported:    http.StatusUnsupportedMediaType,
	fault.OverLimit:      http.StatusRequestEntityTooLarge,
	fault.Unavailable:    http.StatusServiceUnavailable,
	fault.NotImplemented: http.StatusNotImplemented,
}

type statusError struct {
	err    error
	status int
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// WithStatus makes WriteError answer err with status instead of the one
// its kind maps to, for the few places where upstream picks a status per
// call (nova answers some quota errors with 403, others with 413).
func WithStatus(err error, status int) error {
	if err == nil {
		return nil
	}
	return &statusError{err: err, status: status}
}

// StatusOf returns the HTTP status WriteError would use for err under cfg.
func StatusOf(cfg Config, err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	kind := fault.KindOf(err)
	if s, ok := cfg.Status[kind]; ok {
		return s
	}
	if s, ok := kindStatus[kind]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// statusTitle is the reason phrase of a status as Python's http.client
// and webob spell it (keystone's "title"; glance's status line).
func statusTitle(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "Request Entity Too Large"
	case http.StatusRequestURITooLong:
		return "Request-URI Too Long"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Unknown Error"
}

// novaFaultNames is nova's Fault._fault_names
// (nova/api/openstack/wsgi.py); any other status is "computeFault".
var novaFaultNames = map[int]string{
	400: "badRequest",
	401: "unauthorized",
	403: "forbidden",
	404: "itemNotFound",
	405: "badMethod",
	409: "conflictingRequest",
	413: "overLimit",
	415: "badMediaType",
	429: "overLimit",
	501: "notImplemented",
	503: "serviceUnavailable",
}

// faultName returns the top-level key of a nova or cinder error body.
// Cinder's table (cinder/api/openstack/wsgi.py) is nova's without 429.
func faultName(f Flavor, status int) string {
	if f == Cinder && status == http.StatusTooManyRequests {
		return "computeFault"
	}
	if n, ok := novaFaultNames[status]; ok {
		return n
	}
	return "computeFault"
}
