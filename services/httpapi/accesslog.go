package httpapi

import (
	"log/slog"
	"net/http"
	"time"
)

// AccessLog writes one log line per request: method, path, status, bytes,
// duration and request id. It never logs headers, query strings or bodies,
// so tokens and passwords cannot leak through it.
func AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := newRecorder(w)
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK // nothing written: net/http sends 200
			}
			configOf(r).Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", RequestID(r.Context())),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}
