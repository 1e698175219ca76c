package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gostack/gostack/services/fault"
)

// Recover turns a panic in a handler into a 500 in the service's error
// shape and logs it with its stack and the request id. When the response
// has already started it can only log. http.ErrAbortHandler passes through,
// as net/http expects.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := newRecorder(w)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			configOf(r).Logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("request_id", RequestID(r.Context())),
				slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())),
			)
			if rec.written() {
				return
			}
			// Drop what the handler had prepared for its own body.
			h := rec.Header()
			h.Del("Content-Length")
			h.Del("Content-Type")
			h.Del("Content-Encoding")
			WriteError(rec, r, fault.Wrap(fmt.Errorf("panic: %v", v), fault.Internal, ""))
		}()
		next.ServeHTTP(rec, r)
	})
}
