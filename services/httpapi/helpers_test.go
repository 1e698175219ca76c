package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// logBuffer is a goroutine-safe sink for a test logger.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testLogger() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

// serve runs one request through NewRouter(cfg) with routes added by add.
func serve(t *testing.T, cfg Config, add func(r interface {
	Get(string, http.HandlerFunc)
	Post(string, http.HandlerFunc)
}), req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	mux := NewRouter(cfg)
	if add != nil {
		add(mux)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}
