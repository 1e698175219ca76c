package log

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestNewRequestID(t *testing.T) {
	re := regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := NewRequestID(), NewRequestID()
	if !re.MatchString(a) || a == b {
		t.Errorf("NewRequestID = %q, %q", a, b)
	}
}

func TestContextValues(t *testing.T) {
	ctx := context.Background()
	if RequestID(ctx) != "" || UserID(ctx) != "" || ProjectID(ctx) != "" {
		t.Error("empty context has request values")
	}
	ctx = WithRequestID(ctx, "req-1")
	ctx = WithUser(ctx, "u1", "p1")
	inner := WithRequestID(ctx, "req-2") // does not change ctx
	if RequestID(ctx) != "req-1" || UserID(ctx) != "u1" || ProjectID(ctx) != "p1" {
		t.Errorf("ctx = %s %s %s", RequestID(ctx), UserID(ctx), ProjectID(ctx))
	}
	if RequestID(inner) != "req-2" || UserID(inner) != "u1" {
		t.Errorf("inner = %s %s", RequestID(inner), UserID(inner))
	}
}

func TestContextHandler(t *testing.T) {
	full := WithUser(WithRequestID(context.Background(), "req-abc"), "u1", "p1")
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want map[string]any // attributes that must be present
		not  []string       // keys that must be absent
	}{
		{"all values", func(l *slog.Logger) { l.InfoContext(full, "m") },
			map[string]any{"request_id": "req-abc", "user_id": "u1", "project_id": "p1"}, nil},
		{"request id only", func(l *slog.Logger) { l.InfoContext(WithRequestID(context.Background(), "req-x"), "m") },
			map[string]any{"request_id": "req-x"}, []string{"user_id", "project_id"}},
		{"no context values", func(l *slog.Logger) { l.InfoContext(context.Background(), "m") },
			nil, []string{"request_id", "user_id", "project_id"}},
		{"without context", func(l *slog.Logger) { l.Info("m") },
			nil, []string{"request_id"}},
		{"with attrs kept", func(l *slog.Logger) { l.With("instance", "i-1").InfoContext(full, "m") },
			map[string]any{"request_id": "req-abc", "instance": "i-1"}, nil},
		{"from context logger", func(l *slog.Logger) { FromContext(WithLogger(full, l)).InfoContext(full, "m") },
			map[string]any{"request_id": "req-abc"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(slog.New(NewContextHandler(slog.NewJSONHandler(&buf, nil))))
			var rec map[string]any
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatalf("%v: %s", err, buf.String())
			}
			for k, v := range tt.want {
				if rec[k] != v {
					t.Errorf("%s = %v, want %v (record %s)", k, rec[k], v, buf.String())
				}
			}
			for _, k := range tt.not {
				if _, ok := rec[k]; ok {
					t.Errorf("record has %s: %s", k, buf.String())
				}
			}
		})
	}
}

func TestContextHandlerLevel(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewContextHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := WithRequestID(context.Background(), "req-g")
	l.InfoContext(ctx, "hidden")
	l.WarnContext(ctx, "shown")
	if out := buf.String(); strings.Contains(out, "hidden") || !strings.Contains(out, "shown") {
		t.Errorf("level not honoured: %s", out)
	}
}

// Groups behave as slog documents them, except that the request values
// stay at the top level.
func TestContextHandlerGroups(t *testing.T) {
	ctx := WithUser(WithRequestID(context.Background(), "req-g"), "u1", "")
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string
	}{
		{"group", func(l *slog.Logger) { l.WithGroup("rbd").InfoContext(ctx, "m", "pool", "vms") },
			`{"msg":"m","rbd":{"pool":"vms"},"request_id":"req-g","user_id":"u1"}`},
		{"attrs before and in groups", func(l *slog.Logger) {
			l.With("a", 1).WithGroup("g").With("b", 2).WithGroup("h").With("c", 3).InfoContext(ctx, "m", "d", 4)
		}, `{"msg":"m","a":1,"g":{"b":2,"h":{"c":3,"d":4}},"request_id":"req-g","user_id":"u1"}`},
		{"sibling loggers do not share attrs", func(l *slog.Logger) {
			g := l.WithGroup("g").With("x", 1)
			g.With("y", 2)
			g.InfoContext(ctx, "m")
		}, `{"msg":"m","g":{"x":1},"request_id":"req-g","user_id":"u1"}`},
		{"group without context values", func(l *slog.Logger) { l.WithGroup("g").Info("m", "k", "v") },
			`{"msg":"m","g":{"k":"v"}}`},
		{"empty group dropped", func(l *slog.Logger) { l.WithGroup("g").InfoContext(ctx, "m") },
			`{"msg":"m","request_id":"req-g","user_id":"u1"}`},
		{"empty group name ignored", func(l *slog.Logger) { l.WithGroup("").InfoContext(ctx, "m", "k", "v") },
			`{"msg":"m","k":"v","request_id":"req-g","user_id":"u1"}`},
	}
	noTime := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
			return slog.Attr{}
		}
		return a
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(slog.New(NewContextHandler(slog.NewJSONHandler(&buf, noTime))))
			if got := strings.TrimSpace(buf.String()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFromContextDefault(t *testing.T) {
	if FromContext(context.Background()) != slog.Default() {
		t.Error("FromContext without a logger is not slog.Default()")
	}
}
