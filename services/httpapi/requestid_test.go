package httpapi

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

var reqIDForm = regexp.MustCompile(`^req-[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$`)

func TestRequestIDOnEveryResponse(t *testing.T) {
	logger, _ := testLogger()
	routes := func(r interface {
		Get(string, http.HandlerFunc)
		Post(string, http.HandlerFunc)
	}) {
		r.Get("/ok", func(w http.ResponseWriter, r *http.Request) {
			if RequestID(r.Context()) == "" {
				t.Error("no request id in context")
			}
			w.WriteHeader(http.StatusNoContent)
		})
		r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	}
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"handler", http.MethodGet, "/ok", http.StatusNoContent},
		{"router 404", http.MethodGet, "/nope", http.StatusNotFound},
		{"router 405", http.MethodPost, "/ok", http.StatusMethodNotAllowed},
		{"panic", http.MethodGet, "/panic", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Flavor: Nova, Logger: logger}
			rec := serve(t, cfg, routes, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			id := rec.Header().Get("X-Openstack-Request-Id")
			if !reqIDForm.MatchString(id) {
				t.Fatalf("x-openstack-request-id = %q, not req-<uuid4>", id)
			}
			if got := rec.Header().Get("X-Compute-Request-Id"); got != id {
				t.Fatalf("x-compute-request-id = %q, want %q", got, id)
			}
		})
	}
}

func TestRequestIDInbound(t *testing.T) {
	const valid = "req-0b5f7a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	tests := []struct {
		name       string
		cfg        Config
		inbound    string
		wantID     string // "" means a fresh id
		wantGlobal string
	}{
		{"oslo keeps a valid inbound id as global", Config{Flavor: Cinder}, valid, "", valid},
		{"oslo drops a malformed inbound id", Config{Flavor: Cinder}, "req-NOT-A-UUID", "", ""},
		{"oslo drops upper-case hex", Config{Flavor: Keystone}, "req-0B5F7A4E-1C2D-4E5F-8A9B-0C1D2E3F4A5B", "", ""},
		{"glance reuses the inbound id", Config{Flavor: Glance, ReuseInboundRequestID: true}, "abc123", "req-abc123", ""},
		{"glance keeps a req- prefix", Config{Flavor: Glance, ReuseInboundRequestID: true}, valid, valid, valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, _ := testLogger()
			tt.cfg.Logger = logger
			var gotID, gotGlobal string
			h := WithConfig(tt.cfg)(RequestIDMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotID, gotGlobal = RequestID(r.Context()), GlobalRequestID(r.Context())
			})))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("X-OpenStack-Request-ID", tt.inbound)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Header().Get("X-Openstack-Request-Id") != gotID {
				t.Fatalf("header %q != context %q", rec.Header().Get("X-Openstack-Request-Id"), gotID)
			}
			if tt.wantID == "" {
				if !reqIDForm.MatchString(gotID) || gotID == tt.inbound {
					t.Fatalf("request id = %q, want a fresh req-<uuid4>", gotID)
				}
			} else if gotID != tt.wantID {
				t.Fatalf("request id = %q, want %q", gotID, tt.wantID)
			}
			if gotGlobal != tt.wantGlobal {
				t.Fatalf("global request id = %q, want %q", gotGlobal, tt.wantGlobal)
			}
			if rec.Header().Get("X-Compute-Request-Id") != "" {
				t.Fatal("x-compute-request-id is nova's alone")
			}
		})
	}
}
