package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// neutronError is neutron's error body (neutron/api/v2/resource.py,
// neutron_lib/api/faults.py).
type neutronError struct {
	NeutronError struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Detail  string `json:"detail"`
	} `json:"NeutronError"`
}

// status and the webob exception name neutron reports for a fault kind
// without a neutron exception type of its own.
var kinds = map[fault.Kind]struct {
	status int
	typ    string
}{
	fault.Invalid:        {400, "HTTPBadRequest"},
	fault.Forbidden:      {403, "PolicyNotAuthorized"},
	fault.NotFound:       {404, "HTTPNotFound"},
	fault.NotAllowed:     {405, "HTTPMethodNotAllowed"},
	fault.Conflict:       {409, "HTTPConflict"},
	fault.TooLarge:       {413, "HTTPRequestEntityTooLarge"},
	fault.Unsupported:    {415, "HTTPUnsupportedMediaType"},
	fault.OverLimit:      {409, "OverQuota"},
	fault.NotImplemented: {501, "HTTPNotImplemented"},
	fault.Unavailable:    {503, "ServiceUnavailable"},
}

// writeError answers with err as a NeutronError; a 401 keeps
// keystonemiddleware's shape.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := fault.KindOf(err)
	if kind == fault.Unauthorized {
		httpapi.WriteError(w, r, err)
		return
	}
	k, ok := kinds[kind]
	if !ok {
		k.status, k.typ = 500, "HTTPInternalServerError"
	}
	var body neutronError
	body.NeutronError.Type = k.typ
	var se *store.Error
	if errors.As(err, &se) {
		body.NeutronError.Type = se.Type
	}
	if k.status == 500 {
		body.NeutronError.Message = "Request Failed: internal server error while processing your request."
	} else {
		body.NeutronError.Message = fault.MessageOf(err)
	}
	level := slog.LevelInfo
	if k.status >= 500 {
		level = slog.LevelError
	}
	loggerOf(r).LogAttrs(r.Context(), level, "request failed",
		slog.String("request_id", httpapi.RequestID(r.Context())), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", k.status), slog.String("error", err.Error()))
	httpapi.WriteJSON(w, r, k.status, body)
}

type loggerKey struct{}

// withLogger makes the API's logger the one writeError uses.
func withLogger(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loggerKey{}, log)))
		})
	}
}

func loggerOf(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// invalid is neutron's 400 for a bad attribute value.
func invalid(format string, args ...any) error {
	return fault.New(fault.Invalid, format, args...)
}
