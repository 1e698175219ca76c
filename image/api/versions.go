package api

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/discovery"
)

// minors are the v2 minor versions advertised, newest first: glance Zed
// with an image cache and multiple stores configured lists 2.16 (CURRENT)
// down to 2.0 (glance/api/versions.py).
var minors = []string{"16", "15", "14", "13", "12", "11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1", "0"}

func (a *API) versionList(r *http.Request) discovery.ListDoc {
	base := a.set.PublicEndpoint
	if base == "" {
		base = httpapi.BaseURL(r)
	}
	href := strings.TrimRight(base, "/") + "/v2/"
	vs := make([]discovery.Version, len(minors))
	for i, m := range minors {
		status := discovery.Supported
		if i == 0 {
			status = discovery.Current
		}
		vs[i] = discovery.Version{ID: "v2." + m, Status: status, Links: []discovery.Link{discovery.Self(href)}}
	}
	return discovery.List(vs...)
}

// versions answers GET / (and any URL naming no version glance knows)
// with 300 Multiple Choices.
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusMultipleChoices, a.versionList(r))
}

// versionsExplicit answers GET /versions with 200.
func (a *API) versionsExplicit(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, a.versionList(r))
}

var versionPrefix = regexp.MustCompile(`^/(v2(?:\.(?:[0-9]|1[0-6]))?)(/.*)?$`)

// negotiate is glance's VersionNegotiationFilter: /versions is the
// version list; /v2 and /v2.N paths go to the v2 API as /v2/...; any
// other path is answered with the version list (300).
func negotiate(next http.Handler, choices http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		first := strings.SplitN(strings.TrimLeft(path, "/"), "/", 2)[0]
		if first == "versions" || path == "/" {
			next.ServeHTTP(w, r)
			return
		}
		m := versionPrefix.FindStringSubmatch(path)
		if m == nil {
			next.ServeHTTP(w, withPath(r, "/"))
			return
		}
		if m[1] != "v2" {
			r = withPath(r, "/v2"+m[2])
		}
		next.ServeHTTP(w, r)
	})
}

func withPath(r *http.Request, path string) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = path
	r2.URL.RawPath = ""
	return r2
}
