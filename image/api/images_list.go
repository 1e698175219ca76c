package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
)

// listParams are the decoded query of GET /v2/images.
type listParams struct {
	page    pagination.Params
	filters registry.Filters
}

// Parameters the list consumes itself; every other one is a filter.
var listControl = map[string]bool{"limit": true, "marker": true, "member_status": true, "tag": true,
	"sort": true, "sort_key": true, "sort_dir": true}

// decodeList reads the query as glance's RequestDeserializer.index and
// ImagesController.index do.
func (a *API) decodeList(r *http.Request) (listParams, error) {
	page, err := pagination.Parse(r, pagination.Options{
		MaxLimit: a.set.APILimitMax, DefaultLimit: a.set.LimitParamDefault, SortKeys: registry.SortKeys,
	})
	if err != nil {
		return listParams{}, err
	}
	q := r.URL.Query()
	f := registry.Filters{Columns: map[string]string{}, Min: map[string]string{}, Max: map[string]string{},
		Times: map[string]string{}, Properties: map[string]string{}}
	ms := last(q["member_status"])
	if ms == "" {
		ms = "accepted"
	}
	if !contains([]string{"pending", "accepted", "rejected", "all"}, ms) {
		return listParams{}, fault.New(fault.Invalid, "Invalid status: %s", ms)
	}
	f.MemberStatus = ms
	for _, t := range q["tag"] {
		f.Tags = append(f.Tags, strings.TrimSpace(t))
	}
	for k, vs := range q {
		if listControl[k] {
			continue
		}
		v := last(vs)
		switch {
		case k == "visibility":
			if !contains([]string{"community", "public", "private", "shared", "all"}, v) {
				return listParams{}, fault.New(fault.Invalid, "Invalid visibility value: %s", v)
			}
			f.Visibility = v
		case k == "changes-since":
			return listParams{}, fault.New(fault.Invalid, `The "changes-since" filter is no longer available on v2.`)
		case k == "os_hidden":
			lv := strings.ToLower(v)
			if lv != "true" && lv != "false" {
				return listParams{}, fault.New(fault.Invalid, "Invalid value '%s' for 'os_hidden' filter. Valid values are 'true' or 'false'.", v)
			}
			f.OSHidden = lv == "true"
		case k == "protected":
			if v != "true" && v != "false" {
				return listParams{}, fault.New(fault.Invalid, "Invalid value '%s' for 'protected' filter. Valid values are 'true' or 'false'.", v)
			}
			b := v == "true"
			f.Protected = &b
		case k == "created_at" || k == "updated_at":
			f.Times[k] = v
		case strings.HasSuffix(k, "_min") && registry.IsColumn(strings.TrimSuffix(k, "_min")):
			f.Min[strings.TrimSuffix(k, "_min")] = v
		case strings.HasSuffix(k, "_max") && registry.IsColumn(strings.TrimSuffix(k, "_max")):
			f.Max[strings.TrimSuffix(k, "_max")] = v
		case registry.IsColumn(k):
			f.Columns[k] = v
		default:
			f.Properties[k] = v
		}
	}
	return listParams{page: page, filters: f}, nil
}

func last(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

// listImages is GET /v2/images (api-ref: List images).
func (a *API) listImages(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.policy.Enforce(c.creds, "get_images", map[string]any{"project_id": c.project()}); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	p, err := a.decodeList(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	sorts := make([]registry.SortKey, len(p.page.Sort))
	for i, s := range p.page.Sort {
		sorts[i] = registry.SortKey{Key: s.Key, Dir: s.Dir}
	}
	images, err := a.reg.List(r.Context(), registry.ListOptions{
		Viewer: c.viewer(), Filters: p.filters, Sort: sorts, Limit: p.page.Limit, Marker: p.page.Marker,
	})
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	dbCount := len(images)
	views := make([]*imageView, 0, len(images))
	for _, im := range images {
		if a.enforce(c, "get_image", im) == nil {
			views = append(views, a.view(im, c))
		}
	}
	body := &imageView{values: map[string]any{}}
	body.set("images", views)
	query := orderedQuery(r.URL.RawQuery)
	first := "/v2/images"
	if enc := query.encode("marker", ""); enc != "" {
		first += "?" + enc
	}
	body.set("first", first)
	body.set("schema", "/v2/schemas/images")
	if len(views) > 0 && dbCount == p.page.Limit {
		body.set("next", "/v2/images?"+query.encode("marker", images[len(images)-1].ID))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, body)
}

// query is a query string as Python's dict(request.params): each key at
// its first position with its last value.
type query struct {
	keys   []string
	values map[string]string
}

func orderedQuery(raw string) query {
	q := query{values: map[string]string{}}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		if _, ok := q.values[k]; !ok {
			q.keys = append(q.keys, k)
		}
		q.values[k] = v
	}
	return q
}

// encode renders the query as urlencode does, with key replaced by value
// (value "" drops it).
func (q query) encode(key, value string) string {
	var parts []string
	seen := false
	for _, k := range q.keys {
		v := q.values[k]
		if k == key {
			seen = true
			if value == "" {
				continue
			}
			v = value
		}
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	if !seen && value != "" {
		parts = append(parts, url.QueryEscape(key)+"="+url.QueryEscape(value))
	}
	return strings.Join(parts, "&")
}
