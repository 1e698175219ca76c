package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/discovery"
)

func (a *API) v21(r *http.Request) discovery.Version {
	base := httpapi.BaseURL(r)
	return discovery.Version{ID: "v2.1", Status: discovery.Current, Updated: "2013-07-23T11:33:21Z",
		Links:         []discovery.Link{discovery.Self(base + "/v2.1/")},
		Microversions: &discovery.Range{Min: "2.1", Max: MaxVersion.String()}}
}

func (a *API) v20(r *http.Request) discovery.Version {
	base := httpapi.BaseURL(r)
	return discovery.Version{ID: "v2.0", Status: discovery.Supported, Updated: "2011-01-21T11:33:21Z",
		Links:         []discovery.Link{discovery.Self(base + "/v2/")},
		Microversions: &discovery.Range{}}
}

// versions answers GET /: the version list (api-ref "List All Major
// Versions").
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, discovery.List(a.v20(r), a.v21(r)))
}

func (a *API) withDoc(v discovery.Version) discovery.Version {
	v.Links = append(v.Links, discovery.DescribedBy("http://docs.openstack.org/"))
	v.MediaTypes = []discovery.MediaType{{Base: "application/json", Type: "application/vnd.openstack.compute+json;version=" + v.ID[1:]}}
	return v
}

// version answers GET /v2.1 ("Show Details Of Specific API Version"),
// without a token.
func (a *API) version(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, discovery.Single(a.withDoc(a.v21(r))))
}

// versionV2 answers GET /v2: the legacy v2.0 entry (the v2.0 API itself is
// not served).
func (a *API) versionV2(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, r, http.StatusOK, discovery.Single(a.withDoc(a.v20(r))))
}
