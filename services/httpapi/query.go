package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// Query reads a request's query string the way the services need it:
// clients send the literal string "None" for "no filter"
// (GET /types?is_public=None, COMPAT §1 item 15), so a value equal to
// "none" in any case counts as absent, as nova's utils.is_none_string does.
type Query struct{ v url.Values }

// QueryOf returns the Query of r.
func QueryOf(r *http.Request) Query { return Query{v: r.URL.Query()} }

func isNone(s string) bool { return strings.EqualFold(s, "none") }

// Lookup returns the last value of key (webob's MultiDict[key]) and
// whether it is present and not "None".
func (q Query) Lookup(key string) (string, bool) {
	vs := q.Values(key)
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// Get returns the last value of key, or "" when absent or "None".
func (q Query) Get(key string) string {
	v, _ := q.Lookup(key)
	return v
}

// Has reports whether key has a value other than "None".
func (q Query) Has(key string) bool {
	_, ok := q.Lookup(key)
	return ok
}

// Values returns every value of key that is not "None", in order.
func (q Query) Values(key string) []string {
	var out []string
	for _, s := range q.v[key] {
		if !isNone(s) {
			out = append(out, s)
		}
	}
	return out
}

// URLValues returns a copy of the raw values, "None" included.
func (q Query) URLValues() url.Values {
	c := make(url.Values, len(q.v))
	for k, vs := range q.v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}
