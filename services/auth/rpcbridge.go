package auth

import (
	"context"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/rpc"
)

// RPC returns the rpc.Context that a call or cast made for this request
// carries: the request ids of ctx, the user, project, roles, is_admin and
// the user's token.
func (c *Context) RPC(ctx context.Context) rpc.Context {
	return rpc.Context{
		RequestID:       httpapi.RequestID(ctx),
		GlobalRequestID: httpapi.GlobalRequestID(ctx),
		UserID:          c.UserID,
		ProjectID:       c.ProjectID,
		Roles:           c.Roles,
		IsAdmin:         c.IsAdmin,
		AuthToken:       c.AuthToken,
	}
}

// WithRPC returns ctx carrying the rpc.Context of the request's caller,
// so calls and casts made with it send the caller along; ctx unchanged
// when the request was not authenticated.
func WithRPC(ctx context.Context) context.Context {
	c, ok := FromContext(ctx)
	if !ok {
		return ctx
	}
	return rpc.WithContext(ctx, c.RPC(ctx))
}
