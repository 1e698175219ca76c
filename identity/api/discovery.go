package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/discovery"
)

// Keystone stable/zed's v3 version entry (keystone/api/discovery.py).
const (
	v3ID      = "v3.14"
	v3Updated = "2020-04-07T00:00:00Z"
)

func v3Entry(r *http.Request) discovery.Version {
	return discovery.Version{
		ID:         v3ID,
		Status:     discovery.Stable,
		Updated:    v3Updated,
		Links:      []discovery.Link{discovery.Self(discovery.Href(httpapi.BaseURL(r), "v3"))},
		MediaTypes: []discovery.MediaType{discovery.JSONMedia("application/vnd.openstack.identity-v3+json")},
	}
}

// versions is GET /: 300 Multiple Choices with the nested
// {"versions": {"values": [...]}} form gophercloud requires (api-ref
// identity "Versions").
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusMultipleChoices, discovery.Values(v3Entry(r)))
}

// version is GET /v3 (api-ref identity "Version v3").
func (a *API) version(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, discovery.Single(v3Entry(r)))
}
