package api

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/httpapi"
)

// reserved query parameters that are not filters.
var reserved = []string{"fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"}

// matcher filters on an attribute whose values need more than equality
// (a port's fixed_ips).
type matcher func(item map[string]any, values []string) bool

// listing is one collection's answer being built.
type listing struct {
	collection string
	items      []map[string]any
	// special filters by attribute name.
	special map[string]matcher
	// hide, when set, removes from an item what the caller may not read;
	// it runs after filtering, so filters see every attribute.
	hide func(item map[string]any)
}

// filter applies the query's filters: each attribute that is given must
// equal one of its values (neutron's filters); an attribute the
// resource does not have is 400 (filter-validation).
func (l *listing) filter(q url.Values, known map[string]bool) error {
	for key, values := range q {
		if slices.Contains(reserved, key) {
			continue
		}
		if m, ok := l.special[key]; ok {
			l.items = slices.DeleteFunc(l.items, func(it map[string]any) bool { return !m(it, values) })
			continue
		}
		if !known[key] {
			return invalid("[%s] is invalid attribute for filtering", key)
		}
		l.items = slices.DeleteFunc(l.items, func(it map[string]any) bool { return !matches(it[key], values) })
	}
	return nil
}

func matches(v any, values []string) bool {
	for _, want := range values {
		switch x := v.(type) {
		case nil:
			if want == "" || want == "None" {
				return true
			}
		case bool:
			if b, err := strconv.ParseBool(strings.ToLower(want)); err == nil && b == x {
				return true
			}
		case string:
			if x == want {
				return true
			}
		case []string:
			if slices.Contains(x, want) {
				return true
			}
		default:
			if fmt.Sprint(x) == want {
				return true
			}
		}
	}
	return false
}

func compare(a, b any) int {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return strings.Compare(x, y)
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case int:
		y, _ := b.(int)
		return cmp.Compare(x, y)
	case int64:
		y, _ := b.(int64)
		return cmp.Compare(x, y)
	case nil:
		if b == nil {
			return 0
		}
		return -1
	}
	if b == nil {
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// sortPage sorts by sort_key/sort_dir and cuts the page after marker.
// It returns whether a next page may exist and the limit.
func (l *listing) sortPage(q url.Values, known map[string]bool) (int, error) {
	keys, dirs := q["sort_key"], q["sort_dir"]
	if len(dirs) > 0 && len(keys) != len(dirs) {
		return 0, invalid("The number of sort_keys and sort_dirs must be same")
	}
	for _, k := range keys {
		if !known[k] {
			return 0, invalid("%s is an invalid attribute for sort_keys", k)
		}
	}
	for _, d := range dirs {
		if d != "asc" && d != "desc" {
			return 0, invalid("%s is an invalid value for sort_dir, valid values are 'asc' and 'desc'", d)
		}
	}
	if len(keys) > 0 {
		slices.SortStableFunc(l.items, func(a, b map[string]any) int {
			for i, k := range keys {
				c := compare(a[k], b[k])
				if len(dirs) > i && dirs[i] == "desc" {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return compare(a["id"], b["id"])
		})
	}
	if marker := q.Get("marker"); marker != "" {
		for i, it := range l.items {
			if it["id"] == marker {
				l.items = l.items[i+1:]
				break
			}
		}
	}
	limit := 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, invalid("Invalid input for operation: '%s' is not an integer.", s)
		}
		if n < 0 {
			return 0, invalid("Limit must be an integer 0 or greater and not '%d'", n)
		}
		limit = n
	}
	if limit > 0 && len(l.items) > limit {
		l.items = l.items[:limit]
		return limit, nil
	}
	return limit, nil
}

// project keeps only the requested fields (fields=, repeated or
// comma-separated).
func project(items []map[string]any, q url.Values) {
	var fields []string
	for _, f := range q["fields"] {
		for _, p := range strings.Split(f, ",") {
			if p = strings.TrimSpace(p); p != "" {
				fields = append(fields, p)
			}
		}
	}
	if len(fields) == 0 {
		return
	}
	for _, it := range items {
		for k := range it {
			if !slices.Contains(fields, k) {
				delete(it, k)
			}
		}
	}
}

// write answers {collection: [...], collection_links: [...]}, the links
// present only when a page was asked for (limit) and came back full.
func (l *listing) write(w http.ResponseWriter, r *http.Request, known map[string]bool) {
	q := r.URL.Query()
	if err := l.filter(q, known); err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := l.sortPage(q, known)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var last any
	if len(l.items) > 0 {
		last = l.items[len(l.items)-1]["id"]
	}
	if l.hide != nil {
		for _, it := range l.items {
			l.hide(it)
		}
	}
	project(l.items, q)
	if l.items == nil {
		l.items = []map[string]any{}
	}
	body := map[string]any{l.collection: l.items}
	if limit > 0 {
		var links []map[string]string
		base := httpapi.BaseURL(r) + r.URL.Path
		if len(l.items) == limit && last != nil {
			nq := cloneValues(q)
			nq.Set("marker", fmt.Sprint(last))
			nq.Del("page_reverse")
			links = append(links, map[string]string{"rel": "next", "href": base + "?" + nq.Encode()})
		}
		if links != nil {
			body[l.collection+"_links"] = links
		}
	}
	writeJSON(w, r, http.StatusOK, body)
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// names returns a set of attribute names, for filter validation.
func names(list ...string) map[string]bool {
	out := map[string]bool{}
	for _, k := range list {
		out[k] = true
	}
	return out
}

// showOne answers {resource: view} projected by fields=.
func showOne(w http.ResponseWriter, r *http.Request, resource string, view map[string]any, status int) {
	project([]map[string]any{view}, r.URL.Query())
	writeJSON(w, r, status, map[string]any{resource: view})
}
