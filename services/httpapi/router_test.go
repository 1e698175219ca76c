package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestRouterErrorsUseFlavor(t *testing.T) {
	tests := []struct {
		name, method, path string
		flavor             Flavor
		accept             string
		status             int
		body               string
		allow              string
	}{
		{"nova 404", http.MethodGet, "/v2.1/nope", Nova, "", 404,
			`{"itemNotFound":{"code":404,"message":"The resource could not be found."}}`, ""},
		{"cinder 404", http.MethodGet, "/v3/nope", Cinder, "", 404,
			`{"itemNotFound":{"code":404,"message":"The resource could not be found."}}`, ""},
		{"keystone 404", http.MethodGet, "/v3/nope", Keystone, "", 404,
			`{"error":{"code":404,"title":"Not Found","message":"The resource could not be found."}}`, ""},
		{"glance 404", http.MethodGet, "/v2/nope", Glance, "application/json", 404,
			`{"message":"The resource could not be found.<br /><br />\n\n\n","code":"404 Not Found","title":"Not Found"}`, ""},
		{"nova 405", http.MethodDelete, "/things", Nova, "", 405,
			`{"badMethod":{"code":405,"message":"The method DELETE is not allowed for this resource."}}`, "GET, POST"},
		{"keystone 405", http.MethodPut, "/things", Keystone, "", 405,
			`{"error":{"code":405,"title":"Method Not Allowed","message":"The method PUT is not allowed for this resource."}}`, "GET, POST"},
		{"nova 404 for an empty member id", http.MethodDelete, "/things/", Nova, "", 404,
			`{"itemNotFound":{"code":404,"message":"The resource could not be found."}}`, ""},
		{"glance 405", http.MethodPatch, "/things/", Glance, "", 405,
			"405 Method Not Allowed\n\nThe method PATCH is not allowed for this resource.\n\n   ", "GET, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, _ := testLogger()
			mux := NewRouter(Config{Flavor: tt.flavor, Logger: logger})
			ok := func(w http.ResponseWriter, r *http.Request) {}
			mux.Get("/things", ok)
			mux.Post("/things", ok)
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Fatalf("got %d %q\nwant %d %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Fatalf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	logger, logs := testLogger()
	mux := NewRouter(Config{Flavor: Keystone, Logger: logger})
	mux.Post("/v3/auth/tokens", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("12345"))
	})
	req := httptest.NewRequest(http.MethodPost, "/v3/auth/tokens?nocatalog=1",
		strings.NewReader(`{"auth":{"identity":{"password":{"user":{"password":"s3cret"}}}}}`))
	req.Header.Set("X-Auth-Token", "gAAAAAtoken")
	req.Header.Set("X-Subject-Token", "gAAAAAsubject")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)

	line := logs.String()
	for _, want := range []string{
		"msg=request", "method=POST", "path=/v3/auth/tokens", "status=201", "bytes=5", "duration=",
		"request_id=" + rec.Header().Get("X-Openstack-Request-Id"),
	} {
		if !strings.Contains(line, want) {
			t.Errorf("access log lacks %q: %s", want, line)
		}
	}
	for _, secret := range []string{"gAAAA", "s3cret", "nocatalog"} {
		if strings.Contains(line, secret) {
			t.Errorf("access log leaks %q: %s", secret, line)
		}
	}
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name    string
		flavor  Flavor
		handler http.HandlerFunc
		status  int
		body    string
	}{
		{"nova", Nova, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			panic("nil map")
		}, 500, `{"computeFault":{"code":500,"message":"An unexpected error occurred; the request id identifies it in the service logs."}}`},
		{"keystone", Keystone, func(w http.ResponseWriter, r *http.Request) { panic(42) }, 500,
			`{"error":{"code":500,"title":"Internal Server Error","message":"An unexpected error prevented the server from fulfilling your request."}}`},
		{"after the body started", Glance, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("partial"))
			panic("late")
		}, 200, "partial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := testLogger()
			mux := NewRouter(Config{Flavor: tt.flavor, Logger: logger})
			mux.Get("/p", tt.handler)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/p", nil))
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			out := logs.String()
			id := rec.Header().Get("X-Openstack-Request-Id")
			if !strings.Contains(out, "panic serving request") || !strings.Contains(out, "goroutine") || !strings.Contains(out, id) {
				t.Fatalf("panic log lacks message, stack or request id %s: %s", id, out)
			}
			if !strings.Contains(out, "status="+strconv.Itoa(tt.status)) {
				t.Fatalf("access log does not record status %d: %s", tt.status, out)
			}
		})
	}
}

func TestRecoverLetsAbortHandlerThrough(t *testing.T) {
	logger, _ := testLogger()
	mux := NewRouter(Config{Logger: logger})
	mux.Get("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/abort", nil))
	t.Fatal("ErrAbortHandler was swallowed")
}

func TestRecorderKeepsFlusher(t *testing.T) {
	logger, _ := testLogger()
	mux := NewRouter(Config{Flavor: Glance, Logger: logger})
	mux.Get("/file", func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the middleware: %v", err)
		}
		if _, ok := w.(http.Flusher); !ok {
			t.Error("writer lost http.Flusher")
		}
	})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/file", nil))
	if !rec.Flushed {
		t.Fatal("response was not flushed")
	}
}
