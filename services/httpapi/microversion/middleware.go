package microversion

import (
	"context"
	"errors"
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

type versionKey struct{}

// WithVersion returns ctx carrying v as the negotiated version.
func WithVersion(ctx context.Context, v Version) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// FromContext returns the negotiated version, or the null Version outside
// Middleware.
func FromContext(ctx context.Context) Version {
	v, _ := ctx.Value(versionKey{}).(Version)
	return v
}

// Of returns the negotiated version of r.
func Of(r *http.Request) Version { return FromContext(r.Context()) }

// Middleware negotiates the version of each request, stores it in the
// context and sets the response headers before the handler runs, so every
// answer, errors included, carries them. Out of range is 406 and
// malformed is 400, in the service's error shape.
func (c Config) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := c.Negotiate(r.Header)
		if err != nil {
			if errors.Is(err, fault.Of(fault.NotAcceptable)) {
				c.SetHeaders(w.Header(), v)
			}
			httpapi.WriteError(w, r, err)
			return
		}
		c.SetHeaders(w.Header(), v)
		next.ServeHTTP(w, r.WithContext(WithVersion(r.Context(), v)))
	})
}

// Require serves a route only for versions in [min, max] (a null bound is
// open) and answers others with a plain 404, as nova and cinder do when no
// method matches the version (VersionNotFoundForAPIMethod).
func Require(min, max Version) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !Of(r).Matches(min, max) {
				httpapi.WriteError(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
