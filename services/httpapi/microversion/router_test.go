package microversion

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/httpapi"
)

// TestRouterSubtree checks the wiring a daemon uses: the version root
// outside microversions, /v2.1 inside, and the router's own 404 and 405
// inside the subtree in nova's shape with the version headers.
func TestRouterSubtree(t *testing.T) {
	mux := httpapi.NewRouter(httpapi.Config{Flavor: httpapi.Nova})
	mux.Get("/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.Route("/v2.1", func(r chi.Router) {
		r.Use(Compute(V(2, 55)).Middleware)
		r.Get("/servers", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(Of(r).String()))
		})
	})
	tests := []struct {
		name, method, path, header string
		status                     int
		body                       string
		version                    string
	}{
		{"root has no microversion", http.MethodGet, "/", "compute 2.99", 200, "", ""},
		{"handler", http.MethodGet, "/v2.1/servers/", "compute 2.37", 200, "2.37", "compute 2.37"},
		{"404 in subtree", http.MethodGet, "/v2.1/nope", "compute 2.37", 404,
			`{"itemNotFound":{"code":404,"message":"The resource could not be found."}}`, "compute 2.37"},
		{"405 in subtree", http.MethodDelete, "/v2.1/servers", "", 405,
			`{"badMethod":{"code":405,"message":"The method DELETE is not allowed for this resource."}}`, "compute 2.1"},
		{"406 in subtree", http.MethodGet, "/v2.1/servers", "compute 2.56", 406,
			`{"computeFault":{"code":406,"message":"Version 2.56 is not supported by the API. Minimum is 2.1 and maximum is 2.55."}}`, "compute 2.56"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.header != "" {
				req.Header.Set(HeaderStandard, tt.header)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if got := rec.Header().Get(HeaderStandard); got != tt.version {
				t.Fatalf("%s = %q, want %q", HeaderStandard, got, tt.version)
			}
			if rec.Header().Get(httpapi.HeaderRequestID) == "" {
				t.Fatal("no request id")
			}
		})
	}
}
