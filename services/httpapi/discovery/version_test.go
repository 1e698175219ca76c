package discovery

import (
	"encoding/json"
	"strings"
	"testing"
)

func encode(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

func TestDocuments(t *testing.T) {
	base := "http://h:8774/"
	novaV21 := Version{
		ID: "v2.1", Status: Current, Updated: "2013-07-23T11:33:21Z",
		Links:         []Link{Self(Href(base, "v2.1"))},
		Microversions: &Range{Min: "2.1", Max: "2.55"},
	}
	novaV20 := Version{
		ID: "v2.0", Status: Supported, Updated: "2011-01-21T11:33:21Z",
		Links:         []Link{Self(Href(base, "v2"))},
		Microversions: &Range{},
	}
	tests := []struct {
		name string
		doc  any
		want string
	}{
		{"nova root", List(novaV20, novaV21),
			`{"versions":[{"id":"v2.0","status":"SUPPORTED","version":"","min_version":"","updated":"2011-01-21T11:33:21Z","links":[{"rel":"self","href":"http://h:8774/v2/"}]},` +
				`{"id":"v2.1","status":"CURRENT","version":"2.55","min_version":"2.1","updated":"2013-07-23T11:33:21Z","links":[{"rel":"self","href":"http://h:8774/v2.1/"}]}]}`},
		{"nova /v2.1", Single(Version{
			ID: "v2.1", Status: Current, Updated: "2013-07-23T11:33:21Z",
			Links:         []Link{Self(Href(base, "v2.1")), DescribedBy("http://docs.openstack.org/")},
			MediaTypes:    []MediaType{JSONMedia("application/vnd.openstack.compute+json;version=2.1")},
			Microversions: &Range{Min: "2.1", Max: "2.55"},
		}),
			`{"version":{"id":"v2.1","status":"CURRENT","version":"2.55","min_version":"2.1","updated":"2013-07-23T11:33:21Z",` +
				`"links":[{"rel":"self","href":"http://h:8774/v2.1/"},{"rel":"describedby","href":"http://docs.openstack.org/","type":"text/html"}],` +
				`"media-types":[{"base":"application/json","type":"application/vnd.openstack.compute+json;version=2.1"}]}}`},
		{"keystone root", Values(Version{
			ID: "v3.14", Status: Stable, Updated: "2020-04-07T00:00:00Z",
			Links:      []Link{Self(Href("http://k:5000", "v3"))},
			MediaTypes: []MediaType{JSONMedia("application/vnd.openstack.identity-v3+json")},
		}),
			`{"versions":{"values":[{"id":"v3.14","status":"stable","updated":"2020-04-07T00:00:00Z","links":[{"rel":"self","href":"http://k:5000/v3/"}],` +
				`"media-types":[{"base":"application/json","type":"application/vnd.openstack.identity-v3+json"}]}]}}`},
		{"glance root", List(
			Version{ID: "v2.16", Status: Current, Links: []Link{Self(Href("http://g:9292", "/v2/"))}},
			Version{ID: "v2.0", Status: Supported, Links: []Link{Self(Href("http://g:9292", "v2"))}},
		),
			`{"versions":[{"id":"v2.16","status":"CURRENT","links":[{"rel":"self","href":"http://g:9292/v2/"}]},` +
				`{"id":"v2.0","status":"SUPPORTED","links":[{"rel":"self","href":"http://g:9292/v2/"}]}]}`},
		{"empty list", List(), `{"versions":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := encode(t, tt.doc); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	self := []Link{Self("http://h/v3/")}
	tests := []struct {
		name string
		v    Version
		ok   bool
	}{
		{"current", Version{ID: "v3.0", Status: Current, Links: self}, true},
		{"stable", Version{ID: "v3.14", Status: Stable, Links: self}, true},
		{"deprecated", Version{ID: "v2.0", Status: Deprecated, Links: self}, true},
		{"experimental is refused", Version{ID: "v3.0", Status: "EXPERIMENTAL", Links: self}, false},
		{"no id", Version{Status: Current, Links: self}, false},
		{"no self link", Version{ID: "v3.0", Status: Current, Links: []Link{DescribedBy("x")}}, false},
	}
	for _, tt := range tests {
		if err := tt.v.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	if err := ValidateAll(tests[0].v, tests[3].v, tests[4].v); err == nil || !strings.Contains(err.Error(), "EXPERIMENTAL") {
		t.Errorf("ValidateAll = %v", err)
	}
}

func TestHref(t *testing.T) {
	tests := []struct{ base, path, want string }{
		{"http://h:8776", "v3", "http://h:8776/v3/"},
		{"http://h:8776/", "/v3/", "http://h:8776/v3/"},
		{"https://cloud/identity", "v3", "https://cloud/identity/v3/"},
		{"http://h:9292", "", "http://h:9292/"},
	}
	for _, tt := range tests {
		if got := Href(tt.base, tt.path); got != tt.want {
			t.Errorf("Href(%q, %q) = %q, want %q", tt.base, tt.path, got, tt.want)
		}
	}
}
