package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
)

// versions is neutron's GET /: the one API version, v2.0, CURRENT.
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, map[string]any{"versions": []any{map[string]any{
		"id": "v2.0", "status": "CURRENT",
		"links": []any{map[string]string{"href": httpapi.BaseURL(r) + "/v2.0/", "rel": "self"}},
	}}})
}

// collections served under /v2.0, for its resources document.
var collections = []struct{ name, collection string }{
	{"subnet", "subnets"}, {"network", "networks"}, {"port", "ports"},
	{"security_group", "security-groups"}, {"security_group_rule", "security-group-rules"},
	{"quota", "quotas"}, {"availability_zone", "availability_zones"}, {"floatingip", "floatingips"},
}

// resources is neutron's GET /v2.0: the collections with their links.
func (a *API) resources(w http.ResponseWriter, r *http.Request) {
	base := httpapi.BaseURL(r) + "/v2.0/"
	out := make([]any, 0, len(collections))
	for _, c := range collections {
		out = append(out, map[string]any{"name": c.name, "collection": c.collection,
			"links": []any{map[string]string{"href": base + c.collection, "rel": "self"}}})
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"resources": out})
}
