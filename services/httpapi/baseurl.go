package httpapi

import (
	"net/http"
	"strings"
)

// BaseURL returns the URL of the service root as the client sees it, with
// no trailing slash: Config.PublicEndpoint when set, else the request's
// scheme and Host. With Config.TrustProxyHeaders it honours the headers
// oslo.middleware's HTTPProxyToWSGI reads: the first element of Forwarded
// (proto, host) or else X-Forwarded-Proto and X-Forwarded-Host, and
// X-Forwarded-Prefix in front of the path.
func BaseURL(r *http.Request) string {
	cfg := configOf(r)
	if cfg.PublicEndpoint != "" {
		return strings.TrimRight(cfg.PublicEndpoint, "/")
	}
	scheme, host, prefix := "http", r.Host, ""
	if r.TLS != nil {
		scheme = "https"
	}
	if cfg.TrustProxyHeaders {
		if fwd := r.Header.Get("Forwarded"); fwd != "" {
			first, _, _ := strings.Cut(fwd, ",")
			for _, pair := range strings.Split(first, ";") {
				k, v, _ := strings.Cut(pair, "=")
				v = strings.Trim(strings.TrimSpace(v), `"`)
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "proto":
					if v != "" {
						scheme = v
					}
				case "host":
					if v != "" {
						host = v
					}
				}
			}
		} else {
			if v := r.Header.Get("X-Forwarded-Proto"); v != "" {
				scheme = v
			}
			if v := r.Header.Get("X-Forwarded-Host"); v != "" {
				host = v
			}
		}
		prefix = strings.TrimRight(r.Header.Get("X-Forwarded-Prefix"), "/")
	}
	return scheme + "://" + host + prefix
}
