package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
)

// selfLinks is a resource's "links": {"self": <base>/v3/<path>}.
func selfLinks(r *http.Request, path string) map[string]any {
	return map[string]any{"self": httpapi.BaseURL(r) + "/v3/" + path}
}

// listLinks is a collection's "links": self (with the query), and null
// previous and next, since keystone's SQL driver does not paginate.
func listLinks(r *http.Request) map[string]any {
	self := httpapi.BaseURL(r) + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	return map[string]any{"self": self, "previous": nil, "next": nil}
}
