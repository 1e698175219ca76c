package pagination

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/httpapi"
)

func withRequest(flavor httpapi.Flavor, target string, fn func(r *http.Request)) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host = "api.example"
	httpapi.WithConfig(httpapi.Config{Flavor: flavor})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(r)
	})).ServeHTTP(httptest.NewRecorder(), req)
}

func TestNextLinks(t *testing.T) {
	tests := []struct {
		name   string
		flavor httpapi.Flavor
		target string
		opts   Options
		count  int
		want   string // "" means no link
	}{
		{"nova full page", httpapi.Nova, "/v2.1/servers/detail?limit=2&sort_key=display_name&sort_key=uuid", Options{}, 2,
			"http://api.example/v2.1/servers/detail?limit=2&marker=last&sort_key=display_name&sort_key=uuid"},
		{"nova short page", httpapi.Nova, "/v2.1/servers/detail?limit=2", Options{}, 1, ""},
		{"nova no limit, page of max", httpapi.Nova, "/v2.1/flavors", Options{MaxLimit: 3}, 3,
			"http://api.example/v2.1/flavors?marker=last"},
		{"nova marker replaced", httpapi.Nova, "/v2.1/servers?limit=1&marker=first", Options{}, 1,
			"http://api.example/v2.1/servers?limit=1&marker=last"},
		{"nova empty page", httpapi.Nova, "/v2.1/servers?limit=1", Options{}, 0, ""},
		{"cinder full page", httpapi.Cinder, "/v3/pid/volumes/detail?limit=21&sort=created_at:desc", Options{}, 21,
			"http://api.example/v3/pid/volumes/detail?limit=21&marker=last&sort=created_at%3Adesc"},
		{"cinder short page", httpapi.Cinder, "/v3/pid/volumes/detail?limit=21", Options{}, 20, ""},
		{"glance relative", httpapi.Glance, "/v2/images?limit=2&name=cirros&name=other", Options{DefaultLimit: 25}, 2,
			"/v2/images?limit=2&marker=last&name=other"},
		{"glance default page", httpapi.Glance, "/v2/images", Options{DefaultLimit: 25}, 25, "/v2/images?marker=last"},
		{"glance short", httpapi.Glance, "/v2/images", Options{DefaultLimit: 25}, 24, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withRequest(tt.flavor, tt.target, func(r *http.Request) {
				p, err := Parse(r, tt.opts)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				href, ok := Next(r, p, tt.count, "last")
				if ok != (tt.want != "") || href != tt.want {
					t.Fatalf("Next = %q, %v; want %q", href, ok, tt.want)
				}
				links := CollectionLinks(r, p, tt.count, "last")
				if tt.want == "" && links != nil {
					t.Fatalf("CollectionLinks = %v, want nil", links)
				}
				if tt.want != "" && (len(links) != 1 || links[0].Rel != "next" || links[0].Href != tt.want) {
					t.Fatalf("CollectionLinks = %v", links)
				}
			})
		})
	}
}

func TestNovaLinksJSON(t *testing.T) {
	withRequest(httpapi.Nova, "/v2.1/servers?limit=1", func(r *http.Request) {
		p, _ := Parse(r, Options{})
		b, err := json.Marshal(map[string]any{"servers_links": CollectionLinks(r, p, 1, "u1")})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"servers_links":[{"rel":"next","href":"http://api.example/v2.1/servers?limit=1\u0026marker=u1"}]}`
		if string(b) != want {
			t.Fatalf("got %s\nwant %s", b, want)
		}
	})
}

func TestKeystoneLinks(t *testing.T) {
	tests := []struct {
		name, target string
		count        int
		want         string
	}{
		{"no paging", "/v3/projects?name=demo", 1,
			`{"self":"http://api.example/v3/projects?name=demo","previous":null,"next":null}`},
		{"full page", "/v3/users?limit=2&domain_id=default", 2,
			`{"self":"http://api.example/v3/users?limit=2&domain_id=default","previous":null,"next":"http://api.example/v3/users?domain_id=default&limit=2&marker=last"}`},
		{"last page", "/v3/users?limit=2&marker=x", 1,
			`{"self":"http://api.example/v3/users?limit=2&marker=x","previous":null,"next":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withRequest(httpapi.Keystone, tt.target, func(r *http.Request) {
				p, err := Parse(r, Options{})
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(false) // as httpapi.WriteJSON
				if err := enc.Encode(Keystone(r, p, tt.count, "last")); err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSpace(b.String()); got != tt.want {
					t.Fatalf("got  %s\nwant %s", got, tt.want)
				}
			})
		})
	}
}
