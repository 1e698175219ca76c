package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/discovery"
)

func (a *API) v3(r *http.Request) discovery.Version {
	return discovery.Version{
		ID: "v3.0", Status: discovery.Current, Updated: "2023-07-07T00:00:00Z",
		Links: []discovery.Link{
			discovery.DescribedBy("https://docs.openstack.org/"),
			discovery.Self(httpapi.BaseURL(r) + "/v3/"),
		},
		MediaTypes:    []discovery.MediaType{discovery.JSONMedia("application/vnd.openstack.volume+json;version=3")},
		Microversions: &discovery.Range{Min: "3.0", Max: MaxVersion.String()},
	}
}

// versions is GET /: cinder's version list (300 Multiple Choices), only v3.
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusMultipleChoices, discovery.List(a.v3(r)))
}

// version is GET /v3/: the v3 version document, with or without a token.
func (a *API) version(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, discovery.ListDoc{Versions: []discovery.Version{a.v3(r)}})
}
