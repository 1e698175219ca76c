package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gostack/gostack/services/fault"
)

// Flavor names the upstream service whose HTTP conventions a daemon copies.
type Flavor int

// The flavors.
const (
	Nova Flavor = iota
	Cinder
	Keystone
	Glance
)

func (f Flavor) String() string {
	switch f {
	case Nova:
		return "nova"
	case Cinder:
		return "cinder"
	case Keystone:
		return "keystone"
	case Glance:
		return "glance"
	}
	return "unknown"
}

// DefaultMaxBodyBytes is oslo.middleware's max_request_body_size default
// (oslo_middleware/sizelimit.py), used by nova, cinder and keystone.
const DefaultMaxBodyBytes = 114688

// Config is what a daemon tells the HTTP edge about itself.
type Config struct {
	Flavor Flavor

	// RequestIDHeaders are response headers that carry the request id in
	// addition to x-openstack-request-id. Nil means the flavor's default:
	// x-compute-request-id for Nova (nova/api/compute_req_id.py), none for
	// the others. Use an empty, non-nil slice for none.
	RequestIDHeaders []string

	// ReuseInboundRequestID makes the request id the inbound
	// X-Openstack-Request-Id (prefixed with "req-" if needed), as glance
	// does (glance/api/middleware/context.py). Otherwise the id is always
	// generated and a well-formed inbound one becomes the global request id,
	// as oslo.middleware's RequestId does.
	ReuseInboundRequestID bool

	// AuthURI, when set, is sent on 401 responses as
	// WWW-Authenticate: Keystone uri="<AuthURI>" (keystonemiddleware's
	// www_authenticate_uri). Keystone always sends the header; with AuthURI
	// empty it uses the request's base URL, like keystone's base_url().
	AuthURI string

	// PublicEndpoint, when set, replaces scheme, host and prefix of the
	// request in self links (the public_endpoint option of the services).
	PublicEndpoint string

	// TrustProxyHeaders parses Forwarded / X-Forwarded-Proto / -Host /
	// -Prefix as oslo.middleware's HTTPProxyToWSGI does when
	// enable_proxy_headers_parsing is on.
	TrustProxyHeaders bool

	// MaxBodyBytes bounds JSON request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// Status overrides the status of a fault kind for this daemon, e.g.
	// {fault.OverLimit: 403} where nova answers quota errors with 403.
	Status map[fault.Kind]int

	// Logger receives the access log, panics and error causes; nil means
	// slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.RequestIDHeaders == nil && c.Flavor == Nova {
		c.RequestIDHeaders = []string{"x-compute-request-id"}
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

type configKey struct{}

// WithConfig returns a middleware that stores cfg in each request's
// context. NewRouter installs it; use it directly only for handlers served
// without NewRouter.
func WithConfig(cfg Config) func(http.Handler) http.Handler {
	cfg = cfg.withDefaults()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), configKey{}, &cfg)))
		})
	}
}

// ConfigFrom returns the Config stored by WithConfig, or the defaults of
// the Nova flavor when there is none.
func ConfigFrom(ctx context.Context) Config {
	if c, ok := ctx.Value(configKey{}).(*Config); ok {
		return *c
	}
	return Config{}.withDefaults()
}

func configOf(r *http.Request) *Config {
	if c, ok := r.Context().Value(configKey{}).(*Config); ok {
		return c
	}
	c := Config{}.withDefaults()
	return &c
}
