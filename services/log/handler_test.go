package log

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"testing/slogtest"
)

// TestHandlerConformance runs the standard library's slog handler checks
// (groups, attrs, empty groups, LogValuers, zero times) on the wrapper.
func TestHandlerConformance(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t,
		func(*testing.T) slog.Handler {
			buf.Reset()
			return NewContextHandler(slog.NewJSONHandler(&buf, nil))
		},
		func(t *testing.T) map[string]any {
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatalf("%v: %s", err, buf.String())
			}
			return m
		})
}
