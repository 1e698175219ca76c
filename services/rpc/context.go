package rpc

import (
	"context"
	"log/slog"
)

// Context is the request context that travels with every message, as
// oslo's RequestContext does in its "_context_*" keys. services/auth fills
// it from the token; the server side puts it back into the handler's ctx.
type Context struct {
	RequestID       string // req-<uuid> of the request being served
	GlobalRequestID string // the request id of the first service in the chain
	UserID          string
	ProjectID       string
	Roles           []string
	IsAdmin         bool
	AuthToken       string // optional; never logged (see LogValue)
}

type contextKey struct{}

// WithContext returns a ctx carrying c; calls and casts made with it send c.
func WithContext(ctx context.Context, c Context) context.Context {
	return context.WithValue(ctx, contextKey{}, c)
}

// FromContext returns the Context carried by ctx, if any.
func FromContext(ctx context.Context) (Context, bool) {
	c, ok := ctx.Value(contextKey{}).(Context)
	return c, ok
}

// LogValue logs the context without its token.
func (c Context) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("request_id", c.RequestID),
		slog.String("global_request_id", c.GlobalRequestID),
		slog.String("user_id", c.UserID),
		slog.String("project_id", c.ProjectID),
		slog.Any("roles", c.Roles),
		slog.Bool("is_admin", c.IsAdmin),
	}
	if c.AuthToken != "" {
		attrs = append(attrs, slog.String("auth_token", "***"))
	}
	return slog.GroupValue(attrs...)
}
