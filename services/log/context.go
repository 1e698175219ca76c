package log

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
)

// request holds the request values of a context.
type request struct {
	id, userID, projectID string
}

type requestKey struct{}
type loggerKey struct{}

func requestOf(ctx context.Context) request {
	r, _ := ctx.Value(requestKey{}).(request)
	return r
}

// NewRequestID returns a new OpenStack request id, "req-" and a random UUID.
func NewRequestID() string { return "req-" + uuid.NewString() }

// WithRequestID returns ctx carrying the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	r := requestOf(ctx)
	r.id = id
	return context.WithValue(ctx, requestKey{}, r)
}

// WithUser returns ctx carrying the authenticated user and project ids.
func WithUser(ctx context.Context, userID, projectID string) context.Context {
	r := requestOf(ctx)
	r.userID, r.projectID = userID, projectID
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestID returns the request id of ctx, or "".
func RequestID(ctx context.Context) string { return requestOf(ctx).id }

// UserID returns the user id of ctx, or "".
func UserID(ctx context.Context) string { return requestOf(ctx).userID }

// ProjectID returns the project id of ctx, or "".
func ProjectID(ctx context.Context) string { return requestOf(ctx).projectID }

// WithLogger returns ctx carrying l, for code that has a context but no
// logger of its own (e.g. a logger with a component attribute).
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// FromContext returns the logger of ctx, or slog.Default(). Log with its
// *Context methods and ctx to get the request values too.
func FromContext(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
