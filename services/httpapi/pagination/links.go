package pagination

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gostack/gostack/services/httpapi"
)

// Link is one entry of a nova or cinder "<collection>_links" list.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// Full reports whether a page of count items is full, so that a next
// link is due, by the configured service's rule: nova, glance and
// keystone when count equals the page size, cinder when count is at
// least the page size. An empty page is never full.
func (p Params) Full(r *http.Request, count int) bool {
	if count == 0 {
		return false
	}
	if httpapi.ConfigFrom(r.Context()).Flavor == httpapi.Cinder {
		return p.Limit <= count
	}
	return count == p.Limit
}

// NextHref returns the link to the page after marker: r's query with the
// marker replaced, on r's path. It is absolute (httpapi.BaseURL) except
// for glance, whose next links are paths ("/v2/images?marker=...").
func NextHref(r *http.Request, marker string) string {
	values := r.URL.Query()
	values.Set("marker", marker)
	if httpapi.ConfigFrom(r.Context()).Flavor == httpapi.Glance {
		return r.URL.Path + "?" + lastValues(values).Encode()
	}
	return httpapi.BaseURL(r) + r.URL.Path + "?" + values.Encode()
}

// Next returns the next link for a page of count items ending with lastID,
// and whether there is one.
func Next(r *http.Request, p Params, count int, lastID string) (string, bool) {
	if !p.Full(r, count) {
		return "", false
	}
	return NextHref(r, lastID), true
}

// CollectionLinks returns nova's or cinder's "<collection>_links" value:
// a single rel=next link, or nil when the page is not full (nova then
// leaves the key out).
func CollectionLinks(r *http.Request, p Params, count int, lastID string) []Link {
	href, ok := Next(r, p, count, lastID)
	if !ok {
		return nil
	}
	return []Link{{Rel: "next", Href: href}}
}

// KeystoneLinks is keystone's "links" object of a collection.
type KeystoneLinks struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

// Keystone returns the links of a keystone collection: self is the
// request's URL, previous is always null and next is set when the page is
// full, with the marker and limit keystone puts in it.
func Keystone(r *http.Request, p Params, count int, lastID string) KeystoneLinks {
	self := httpapi.BaseURL(r) + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	links := KeystoneLinks{Self: self}
	if (p.HasLimit || p.Marker != "") && p.Full(r, count) {
		values := firstValues(r.URL.Query())
		values.Set("marker", lastID)
		if !values.Has("limit") {
			values.Set("limit", strconv.Itoa(p.Limit))
		}
		next := httpapi.BaseURL(r) + r.URL.Path + "?" + values.Encode()
		links.Next = &next
	}
	return links
}

// lastValues keeps the last value of each key, as dict(webob MultiDict) does.
func lastValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out.Set(k, vs[len(vs)-1])
	}
	return out
}

// firstValues keeps the first value of each key, as werkzeug's to_dict does.
func firstValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out.Set(k, vs[0])
	}
	return out
}
