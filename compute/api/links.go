package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
)

type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// links are nova's self and bookmark links of a resource.
func links(r *http.Request, collection, id string) []link {
	base := httpapi.BaseURL(r)
	return []link{
		{Rel: "self", Href: base + "/v2.1/" + collection + "/" + id},
		{Rel: "bookmark", Href: base + "/" + collection + "/" + id},
	}
}

func bookmark(r *http.Request, collection, id string) []link {
	return []link{{Rel: "bookmark", Href: httpapi.BaseURL(r) + "/" + collection + "/" + id}}
}

// nextLinks is nova's "<collection>_links": a next link when the page is
// full.
func nextLinks(r *http.Request, p pagination.Params, count int, lastID string) []pagination.Link {
	return pagination.CollectionLinks(r, p, count, lastID)
}
