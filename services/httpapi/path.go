package httpapi

import (
	"context"
	"net/http"
	"strings"
)

type trailingSlashKey struct{}

// hadTrailingSlash is whether NormalizePath dropped a trailing "/" from
// the request's path.
func hadTrailingSlash(r *http.Request) bool {
	v, _ := r.Context().Value(trailingSlashKey{}).(bool)
	return v
}

// NormalizePath folds runs of "/" into one and drops a trailing "/" (except
// for the root), so /v3/ and /v3, and /v3/{pid}//volumes from clients that
// join a catalog URL ending in "/" (COMPAT §1 item 23), route the same. It
// rewrites both URL.Path and URL.RawPath, which chi routes on when set.
func NormalizePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := foldPath(r.URL.Path)
		raw := r.URL.RawPath
		if raw != "" {
			raw = foldPath(raw)
		}
		if p != r.URL.Path || raw != r.URL.RawPath {
			ctx := r.Context()
			if len(r.URL.Path) > 1 && strings.HasSuffix(r.URL.Path, "/") {
				ctx = context.WithValue(ctx, trailingSlashKey{}, true)
			}
			r2 := r.Clone(ctx)
			r2.URL.Path = p
			r2.URL.RawPath = raw
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

func foldPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, "//") && (len(p) == 1 || !strings.HasSuffix(p, "/")) {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	var prev byte
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && prev == '/' {
			continue
		}
		prev = p[i]
		b.WriteByte(p[i])
	}
	s := b.String()
	if len(s) > 1 {
		s = strings.TrimSuffix(s, "/")
	}
	return s
}
