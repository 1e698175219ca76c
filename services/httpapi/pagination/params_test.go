package pagination

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

func parse(flavor httpapi.Flavor, target string, opts Options) (Params, error) {
	var p Params
	var err error
	h := httpapi.WithConfig(httpapi.Config{Flavor: flavor})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err = Parse(r, opts)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	return p, err
}

func TestParseLimitAndMarker(t *testing.T) {
	tests := []struct {
		name     string
		flavor   httpapi.Flavor
		query    string
		opts     Options
		limit    int
		hasLimit bool
		marker   string
		errMsg   string
	}{
		{"defaults", httpapi.Nova, "", Options{}, 1000, false, "", ""},
		{"nova limit", httpapi.Nova, "limit=21&marker=abc", Options{}, 21, true, "abc", ""},
		{"nova cap", httpapi.Nova, "limit=5000", Options{MaxLimit: 100}, 100, true, "", ""},
		{"nova zero is default", httpapi.Nova, "limit=0", Options{}, 1000, true, "", ""},
		{"nova huge is capped", httpapi.Nova, "limit=99999999999999999999999", Options{}, 1000, true, "", ""},
		{"nova negative", httpapi.Nova, "limit=-1", Options{}, 0, false, "",
			"Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"},
		{"nova not a number", httpapi.Nova, "limit=abc", Options{}, 0, false, "",
			"Invalid input for query parameters limit. Value: abc. 'abc' does not match '^[0-9]*$'"},
		{"nova empty", httpapi.Nova, "limit=", Options{}, 0, false, "",
			"Invalid input for query parameters limit. Value: . '' is too short"},
		{"None limit and marker are absent", httpapi.Nova, "limit=None&marker=None", Options{}, 1000, false, "", ""},
		{"cinder not a number", httpapi.Cinder, "limit=abc", Options{}, 0, false, "", "limit param must be an integer"},
		{"cinder negative", httpapi.Cinder, "limit=-5", Options{}, 0, false, "", "limit param must be positive"},
		{"cinder spaces like python int", httpapi.Cinder, "limit=%207%20", Options{}, 7, true, "", ""},
		{"glance default 25", httpapi.Glance, "", Options{DefaultLimit: 25}, 25, false, "", ""},
		{"glance limit", httpapi.Glance, "limit=1000&marker=m1", Options{DefaultLimit: 25}, 1000, true, "m1", ""},
		{"glance negative", httpapi.Glance, "limit=-1", Options{}, 0, false, "", "limit param must be positive"},
		{"keystone", httpapi.Keystone, "limit=2", Options{}, 2, true, "", ""},
		{"last value wins", httpapi.Cinder, "limit=3&limit=4&marker=a&marker=b", Options{}, 4, true, "b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parse(tt.flavor, "/x?"+tt.query, tt.opts)
			if tt.errMsg != "" {
				if err == nil || fault.KindOf(err) != fault.Invalid || fault.MessageOf(err) != tt.errMsg {
					t.Fatalf("err = %v, want Invalid %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Limit != tt.limit || p.HasLimit != tt.hasLimit || p.Marker != tt.marker {
				t.Fatalf("got limit=%d has=%v marker=%q, want %d %v %q", p.Limit, p.HasLimit, p.Marker, tt.limit, tt.hasLimit, tt.marker)
			}
		})
	}
}

func TestParseSort(t *testing.T) {
	keys := []string{"created_at", "name", "size", "id"}
	tests := []struct {
		name   string
		flavor httpapi.Flavor
		query  string
		opts   Options
		want   []Sort
		errMsg string
	}{
		{"default", httpapi.Nova, "", Options{}, []Sort{{"created_at", "desc"}}, ""},
		{"custom default", httpapi.Glance, "", Options{DefaultSortKey: "name", DefaultSortDir: "asc"}, []Sort{{"name", "asc"}}, ""},
		{"nova repeated (Horizon)", httpapi.Nova, "sort_key=display_name&sort_dir=asc&sort_key=uuid&sort_dir=desc", Options{},
			[]Sort{{"display_name", "asc"}, {"uuid", "desc"}}, ""},
		{"nova fewer dirs take the first", httpapi.Nova, "sort_key=a&sort_key=b&sort_dir=asc", Options{},
			[]Sort{{"a", "asc"}, {"b", "asc"}}, ""},
		{"nova more dirs than keys", httpapi.Nova, "sort_key=a&sort_dir=asc&sort_dir=desc", Options{}, nil,
			"Invalid input received: Sort direction size exceeds sort key size"},
		{"nova bad dir", httpapi.Nova, "sort_key=a&sort_dir=up", Options{}, nil,
			"Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"},
		{"nova bad key", httpapi.Nova, "sort_key=bogus", Options{SortKeys: keys}, nil,
			"Invalid input for query parameters sort_key. Value: bogus. 'bogus' is not one of ['created_at', 'name', 'size', 'id']"},
		{"nova ignores sort=", httpapi.Nova, "sort=name:asc", Options{}, []Sort{{"created_at", "desc"}}, ""},
		{"cinder sort= (Horizon)", httpapi.Cinder, "sort=created_at:desc", Options{}, []Sort{{"created_at", "desc"}}, ""},
		{"cinder sort= several, default dir", httpapi.Cinder, "sort=name,size:asc", Options{}, []Sort{{"name", "desc"}, {"size", "asc"}}, ""},
		{"cinder one sort_key", httpapi.Cinder, "sort_key=name&sort_dir=asc", Options{}, []Sort{{"name", "asc"}}, ""},
		{"cinder mixing", httpapi.Cinder, "sort=name&sort_key=size", Options{}, nil,
			"The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."},
		{"cinder bad dir", httpapi.Cinder, "sort=name:sideways", Options{}, nil,
			"Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."},
		{"cinder bad key", httpapi.Cinder, "sort=bogus", Options{SortKeys: keys}, nil, "Invalid input received: Invalid sort key"},
		{"glance Horizon query", httpapi.Glance, "visibility=community&limit=1000&sort_key=created_at&sort_dir=desc", Options{SortKeys: keys},
			[]Sort{{"created_at", "desc"}}, ""},
		{"glance one dir for all keys", httpapi.Glance, "sort_key=name&sort_key=size&sort_dir=asc", Options{SortKeys: keys},
			[]Sort{{"name", "asc"}, {"size", "asc"}}, ""},
		{"glance dir count mismatch", httpapi.Glance, "sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc", Options{SortKeys: keys}, nil,
			"Number of sort dirs does not match the number of sort keys"},
		{"glance mixing", httpapi.Glance, "sort=name&sort_dir=asc", Options{}, nil, "Old and new sorting syntax cannot be combined"},
		{"glance bad key", httpapi.Glance, "sort=bogus:asc", Options{SortKeys: []string{"name", "size"}}, nil,
			"Invalid sort key: bogus. It must be one of the following: name, size."},
		{"glance bad dir", httpapi.Glance, "sort_key=name&sort_dir=up", Options{SortKeys: keys}, nil, "Invalid sort direction: up"},
		{"None sort is absent", httpapi.Cinder, "sort=None", Options{}, []Sort{{"created_at", "desc"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parse(tt.flavor, "/x?"+tt.query, tt.opts)
			if tt.errMsg != "" {
				if err == nil || fault.MessageOf(err) != tt.errMsg {
					t.Fatalf("err = %v, want %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(p.Sort, tt.want) {
				t.Fatalf("Sort = %v, want %v", p.Sort, tt.want)
			}
		})
	}
}
