package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestFoldPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"//", "/"},
		{"/v3", "/v3"},
		{"/v3/", "/v3"},
		{"/v3//", "/v3"},
		{"/v3/pid//volumes/detail", "/v3/pid/volumes/detail"},
		{"///v2.1///servers/", "/v2.1/servers"},
		{"/v2/images/a%2Fb/", "/v2/images/a%2Fb"},
	}
	for _, tt := range tests {
		if got := foldPath(tt.in); got != tt.want {
			t.Errorf("foldPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRouterFoldsPaths(t *testing.T) {
	logger, _ := testLogger()
	mux := NewRouter(Config{Flavor: Cinder, Logger: logger})
	mux.Get("/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("root")) })
	mux.Route("/v3", func(r chi.Router) {
		r.Get("/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("v3")) })
		r.Get("/{project}/volumes/detail", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("detail " + chi.URLParam(r, "project")))
		})
		r.Get("/{project}/volumes/{id}", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("volume " + chi.URLParam(r, "id") + " " + r.URL.Path))
		})
	})
	tests := []struct{ path, want string }{
		{"/", "root"},
		{"//", "root"},
		{"/v3", "v3"},
		{"/v3/", "v3"},
		{"/v3/p1//volumes/detail", "detail p1"},
		{"/v3/p1/volumes/detail/", "detail p1"},
		{"/v3/p1/volumes/a%2Fb/", "volume a%2Fb /v3/p1/volumes/a/b"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != tt.want {
			t.Errorf("GET %s = %d %q, want 200 %q", tt.path, rec.Code, rec.Body.String(), tt.want)
		}
	}
}
