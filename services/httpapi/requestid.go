package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/gostack/gostack/services/log"
)

// HeaderRequestID is the response header every OpenStack service sends;
// the same name inbound carries a caller's global request id.
const HeaderRequestID = "X-Openstack-Request-Id"

// globalIDFormat is oslo.middleware's ID_FORMAT (oslo_middleware/request_id.py).
var globalIDFormat = regexp.MustCompile(`^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)

// maxInboundIDLen is glance's max_request_id_length default.
const maxInboundIDLen = 64

type globalRequestIDKey struct{}

// NewRequestID returns a fresh id of the form req-<uuid4>, as
// oslo_context.context.generate_request_id does.
func NewRequestID() string { return log.NewRequestID() }

// RequestID returns the request id stored in ctx, or "". The id lives in
// services/log's request context, so every record logged with the
// *Context methods carries it.
func RequestID(ctx context.Context) string { return log.RequestID(ctx) }

// WithRequestID returns ctx carrying id as the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return log.WithRequestID(ctx, id)
}

// GlobalRequestID returns the caller's global request id stored in ctx, or "".
func GlobalRequestID(ctx context.Context) string {
	id, _ := ctx.Value(globalRequestIDKey{}).(string)
	return id
}

// WithGlobalRequestID returns ctx carrying id as the global request id.
func WithGlobalRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, globalRequestIDKey{}, id)
}

// RequestIDMiddleware gives every request an id, stores it in the context
// and sets it on every response, including router errors and panics,
// because the header is set before the rest of the chain runs.
//
// Upstream (oslo_middleware/request_id.py) always generates the id; an
// inbound X-Openstack-Request-Id of the exact req-<uuid> form is kept as the
// global request id, anything else is dropped. With
// Config.ReuseInboundRequestID the inbound value becomes the request id
// itself, as glance does.
func RequestIDMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfg := configOf(r)
		inbound := strings.TrimSpace(r.Header.Get(HeaderRequestID))
		id := NewRequestID()
		ctx := r.Context()
		if cfg.ReuseInboundRequestID && inbound != "" && len(inbound) <= maxInboundIDLen {
			id = inbound
			if !strings.HasPrefix(id, "req-") {
				id = "req-" + id
			}
		}
		if globalIDFormat.MatchString(inbound) {
			ctx = WithGlobalRequestID(ctx, inbound)
		}
		ctx = WithRequestID(ctx, id)
		h := w.Header()
		h.Set(HeaderRequestID, id)
		for _, name := range cfg.RequestIDHeaders {
			h.Set(name, id)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
