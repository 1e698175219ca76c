package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestWriteErrorFlavors(t *testing.T) {
	notFound := fault.New(fault.NotFound, "Instance abc could not be found.")
	tests := []struct {
		name        string
		cfg         Config
		err         error
		accept      string
		status      int
		contentType string
		body        string
	}{
		{"nova 404", Config{Flavor: Nova}, notFound, "", 404, "application/json; charset=UTF-8",
			`{"itemNotFound":{"code":404,"message":"Instance abc could not be found."}}`},
		{"nova 400", Config{Flavor: Nova}, fault.New(fault.Invalid, "Invalid flavorRef provided."), "", 400, "application/json; charset=UTF-8",
			`{"badRequest":{"code":400,"message":"Invalid flavorRef provided."}}`},
		{"nova 403", Config{Flavor: Nova}, fault.New(fault.Forbidden, "Policy doesn't allow x."), "", 403, "application/json; charset=UTF-8",
			`{"forbidden":{"code":403,"message":"Policy doesn't allow x."}}`},
		{"nova 405", Config{Flavor: Nova}, fault.New(fault.NotAllowed, "no"), "", 405, "application/json; charset=UTF-8",
			`{"badMethod":{"code":405,"message":"no"}}`},
		{"nova 406 is computeFault", Config{Flavor: Nova}, fault.New(fault.NotAcceptable, "Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is 2.55."), "", 406, "application/json; charset=UTF-8",
			`{"computeFault":{"code":406,"message":"Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is 2.55."}}`},
		{"nova 409", Config{Flavor: Nova}, fault.New(fault.Conflict, "Cannot 'stop' instance abc while it is in vm_state stopped"), "", 409, "application/json; charset=UTF-8",
			`{"conflictingRequest":{"code":409,"message":"Cannot 'stop' instance abc while it is in vm_state stopped"}}`},
		{"nova 413", Config{Flavor: Nova}, fault.New(fault.OverLimit, "Quota exceeded"), "", 413, "application/json; charset=UTF-8",
			`{"overLimit":{"code":413,"message":"Quota exceeded"}}`},
		{"nova quota as 403 by config", Config{Flavor: Nova, Status: map[fault.Kind]int{fault.OverLimit: 403}}, fault.New(fault.OverLimit, "Quota exceeded for cores"), "", 403, "application/json; charset=UTF-8",
			`{"forbidden":{"code":403,"message":"Quota exceeded for cores"}}`},
		{"nova quota as 403 by WithStatus", Config{Flavor: Nova}, WithStatus(fault.New(fault.OverLimit, "Quota exceeded for ram"), 403), "", 403, "application/json; charset=UTF-8",
			`{"forbidden":{"code":403,"message":"Quota exceeded for ram"}}`},
		{"nova 415", Config{Flavor: Nova}, fault.New(fault.Unsupported, "Unsupported Content-Type"), "", 415, "application/json; charset=UTF-8",
			`{"badMediaType":{"code":415,"message":"Unsupported Content-Type"}}`},
		{"nova 500 hides the cause", Config{Flavor: Nova}, fmt.Errorf("db: %w", errors.New("password=hunter2")), "", 500, "application/json; charset=UTF-8",
			`{"computeFault":{"code":500,"message":"An unexpected error occurred; the request id identifies it in the service logs."}}`},
		{"nova 501", Config{Flavor: Nova}, fault.New(fault.NotImplemented, "Not implemented."), "", 501, "application/json; charset=UTF-8",
			`{"notImplemented":{"code":501,"message":"Not implemented."}}`},
		{"nova 503", Config{Flavor: Nova}, fault.Wrap(errors.New("dial tcp: refused"), fault.Unavailable, "Image service is unavailable."), "", 503, "application/json; charset=UTF-8",
			`{"serviceUnavailable":{"code":503,"message":"Image service is unavailable."}}`},
		{"nova 401 as keystonemiddleware", Config{Flavor: Nova}, fault.New(fault.Unauthorized, ""), "", 401, "application/json; charset=UTF-8",
			`{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`},
		{"cinder 404", Config{Flavor: Cinder}, fault.New(fault.NotFound, "Volume abc could not be found."), "", 404, "application/json; charset=UTF-8",
			`{"itemNotFound":{"code":404,"message":"Volume abc could not be found."}}`},
		{"cinder 429 is computeFault", Config{Flavor: Cinder}, WithStatus(fault.New(fault.OverLimit, "slow down"), 429), "", 429, "application/json; charset=UTF-8",
			`{"computeFault":{"code":429,"message":"slow down"}}`},
		{"nova 429 is overLimit", Config{Flavor: Nova}, WithStatus(fault.New(fault.OverLimit, "slow down"), 429), "", 429, "application/json; charset=UTF-8",
			`{"overLimit":{"code":429,"message":"slow down"}}`},
		{"keystone 401", Config{Flavor: Keystone}, fault.New(fault.Unauthorized, "The request you have made requires authentication."), "", 401, "application/json",
			`{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`},
		{"keystone 404", Config{Flavor: Keystone}, fault.New(fault.NotFound, "Could not find project: x."), "", 404, "application/json",
			`{"error":{"code":404,"title":"Not Found","message":"Could not find project: x."}}`},
		{"keystone 409", Config{Flavor: Keystone}, fault.New(fault.Conflict, "Conflict occurred attempting to store project - Duplicate entry."), "", 409, "application/json",
			`{"error":{"code":409,"title":"Conflict","message":"Conflict occurred attempting to store project - Duplicate entry."}}`},
		{"keystone 500", Config{Flavor: Keystone}, errors.New("boom"), "", 500, "application/json",
			`{"error":{"code":500,"title":"Internal Server Error","message":"An unexpected error prevented the server from fulfilling your request."}}`},
		{"glance 404 json", Config{Flavor: Glance}, fault.New(fault.NotFound, "No image found with ID abc"), "application/json", 404, "application/json",
			`{"message":"No image found with ID abc<br /><br />\n\n\n","code":"404 Not Found","title":"Not Found"}`},
		{"glance 404 plain without Accept", Config{Flavor: Glance}, fault.New(fault.NotFound, "No image found with ID abc"), "", 404, "text/plain; charset=UTF-8",
			"404 Not Found\n\nNo image found with ID abc\n\n   "},
		{"glance 404 html for */*", Config{Flavor: Glance}, fault.New(fault.NotFound, "No image <b>found</b> & \"x\""), "*/*", 404, "text/html; charset=UTF-8",
			"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image &lt;b&gt;found&lt;/b&gt; &amp; &quot;x&quot;<br /><br />\n\n\n\n </body>\n</html>"},
		{"glance prefers json by q", Config{Flavor: Glance}, fault.New(fault.Conflict, "Image status transition from active to saving is not allowed"), "text/html;q=0.5, application/json", 409, "application/json",
			`{"message":"Image status transition from active to saving is not allowed<br /><br />\n\n\n","code":"409 Conflict","title":"Conflict"}`},
		{"glance 413", Config{Flavor: Glance}, fault.New(fault.TooLarge, "Image exceeds the storage quota"), "application/json", 413, "application/json",
			`{"message":"Image exceeds the storage quota<br /><br />\n\n\n","code":"413 Request Entity Too Large","title":"Request Entity Too Large"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := testLogger()
			tt.cfg.Logger = logger
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			WithConfig(tt.cfg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				WriteError(w, r, tt.err)
			})).ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := rec.Body.String(); got != tt.body {
				t.Errorf("body\n got %q\nwant %q", got, tt.body)
			}
			if tt.err != nil && !strings.Contains(logs.String(), "request failed") {
				t.Errorf("error not logged: %s", logs.String())
			}
		})
	}
}

func TestWriteErrorLogsCauseNotBody(t *testing.T) {
	logger, logs := testLogger()
	cfg := Config{Flavor: Nova, Logger: logger}
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	rec := httptest.NewRecorder()
	cause := errors.New("rbd: -16 EBUSY on images/abc")
	WithConfig(cfg)(RequestIDMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, fault.Wrap(cause, fault.Conflict, "The image is in use."))
	}))).ServeHTTP(rec, req)
	if strings.Contains(rec.Body.String(), "EBUSY") {
		t.Fatalf("cause leaked into the body: %s", rec.Body.String())
	}
	out := logs.String()
	if !strings.Contains(out, "EBUSY") || !strings.Contains(out, rec.Header().Get("X-Openstack-Request-Id")) {
		t.Fatalf("log lacks cause or request id: %s", out)
	}
}

func TestWriteErrorHeaders(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		err     error
		host    string
		wantWWW string
		wantCRI bool // x-compute-request-id
	}{
		{"nova 401 with auth uri", Config{Flavor: Nova, AuthURI: "http://keystone:5000"}, fault.New(fault.Unauthorized, ""), "", `Keystone uri="http://keystone:5000"`, true},
		{"nova 401 without auth uri", Config{Flavor: Nova}, fault.New(fault.Unauthorized, ""), "", "", true},
		{"keystone 401 uses its base url", Config{Flavor: Keystone}, fault.New(fault.Unauthorized, ""), "ks.example:5000", `Keystone uri="http://ks.example:5000"`, false},
		{"keystone 401 public endpoint", Config{Flavor: Keystone, PublicEndpoint: "https://id.example/"}, fault.New(fault.Unauthorized, ""), "", `Keystone uri="https://id.example"`, false},
		{"no header on 403", Config{Flavor: Keystone, AuthURI: "http://k"}, fault.New(fault.Forbidden, "no"), "", "", false},
		{"glance 401 with auth uri", Config{Flavor: Glance, AuthURI: "http://k:5000"}, fault.New(fault.Unauthorized, ""), "", `Keystone uri="http://k:5000"`, false},
		{"cinder errors carry x-compute-request-id", Config{Flavor: Cinder}, fault.New(fault.NotFound, "x"), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, _ := testLogger()
			tt.cfg.Logger = logger
			req := httptest.NewRequest(http.MethodGet, "/v3/auth/tokens", nil)
			if tt.host != "" {
				req.Host = tt.host
			}
			rec := httptest.NewRecorder()
			WithConfig(tt.cfg)(RequestIDMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				WriteError(w, r, tt.err)
			}))).ServeHTTP(rec, req)
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.wantWWW {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.wantWWW)
			}
			got := rec.Header().Get("X-Compute-Request-Id")
			if tt.wantCRI != (got != "") {
				t.Errorf("x-compute-request-id = %q, want present=%v", got, tt.wantCRI)
			}
			if tt.wantCRI && got != rec.Header().Get("X-Openstack-Request-Id") {
				t.Errorf("x-compute-request-id %q differs from x-openstack-request-id", got)
			}
		})
	}
}

func TestNegotiateWebob(t *testing.T) {
	tests := []struct {
		accept []string
		want   string
	}{
		{nil, ""},
		{[]string{""}, ""},
		{[]string{"*/*"}, "text/html"},
		{[]string{"application/json"}, "application/json"},
		{[]string{"application/*"}, "application/json"},
		{[]string{"text/plain"}, ""},
		{[]string{"text/html;q=0.1, */*;q=0.9"}, "application/json"},
		{[]string{"application/json;q=0", "text/*"}, "text/html"},
		{[]string{"application/json; charset=utf-8"}, ""},
	}
	for _, tt := range tests {
		if got := negotiateWebob(tt.accept); got != tt.want {
			t.Errorf("negotiateWebob(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}
