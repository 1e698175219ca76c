package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestDecodeJSON(t *testing.T) {
	big := `{"k":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`
	tests := []struct {
		name        string
		flavor      Flavor
		contentType string
		body        string
		chunked     bool
		wantKind    fault.Kind // "" means success
		wantMsg     string
		wantNoBody  bool
	}{
		{"nova ok", Nova, "application/json", `{"a":1}`, false, "", "", false},
		{"nova vendor type", Nova, "application/vnd.openstack.compute+json", `{"a":1}`, false, "", "", false},
		{"nova no content type", Nova, "", `{"a":1}`, false, "", "", false},
		{"nova text/plain is treated as json", Nova, "text/plain", `{"a":1}`, false, "", "", false},
		{"nova charset param", Nova, "application/json; charset=UTF-8", `{"a":1}`, false, "", "", false},
		{"nova xml is 415", Nova, "application/xml", `<a/>`, false, fault.Unsupported, "Unsupported Content-Type", false},
		{"nova malformed", Nova, "application/json", `{"a":`, false, fault.Invalid, "Malformed request body", false},
		{"nova trailing garbage", Nova, "application/json", `{"a":1} x`, false, fault.Invalid, "Malformed request body", false},
		{"nova empty", Nova, "application/json", ``, false, fault.Invalid, "Malformed request body", true},
		{"nova too large declared", Nova, "application/json", big, false, fault.TooLarge, "Request is too large. Larger than max_request_body_size (114688).", false},
		{"nova too large chunked", Nova, "application/json", big, true, fault.TooLarge, "Request is too large. Larger than 114688.", false},
		{"cinder ok", Cinder, "application/json", `{"a":1}`, false, "", "", false},
		{"cinder no content type ignores body", Cinder, "", `{"a":1}`, false, fault.Invalid, "Malformed request body", true},
		{"cinder text/plain is 415", Cinder, "text/plain", `{"a":1}`, false, fault.Unsupported, "Unsupported Content-Type", false},
		{"keystone ok", Keystone, "application/json", `{"a":1}`, false, "", "", false},
		{"keystone +json", Keystone, "application/merge-patch+json", `{"a":1}`, false, "", "", false},
		{"keystone no content type", Keystone, "", `{"a":1}`, false, "", "", false},
		{"keystone form is 400", Keystone, "application/x-www-form-urlencoded", `a=1`, false, fault.Invalid,
			"Expecting to find application/json in Content-Type header. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.", false},
		{"keystone list is 400", Keystone, "application/json", `[1]`, false, fault.Invalid,
			"Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.", false},
		{"glance any content type", Glance, "application/octet-stream", `{"a":1}`, false, "", "", false},
		{"glance malformed", Glance, "application/json", `{`, false, fault.Invalid, "Malformed JSON in request body.", false},
		{"glance scalar", Glance, "application/json", `"x"`, false, fault.Invalid, "Unexpected body type. Expected list/dict.", false},
		{"glance empty", Glance, "application/json", ``, false, fault.Invalid, "Body expected in request.", true},
		{"glance has no size limit of its own", Glance, "application/json", big, false, fault.TooLarge, "Request is too large. Larger than 114688.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tt.body))
			if tt.chunked {
				req.ContentLength = -1
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			var err error
			var got map[string]any
			WithConfig(Config{Flavor: tt.flavor})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				err = DecodeJSON(r, &got)
			})).ServeHTTP(httptest.NewRecorder(), req)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("DecodeJSON: %v", err)
				}
				if got["a"] != float64(1) {
					t.Fatalf("decoded %v", got)
				}
				return
			}
			if err == nil {
				t.Fatal("DecodeJSON succeeded, want an error")
			}
			if k := fault.KindOf(err); k != tt.wantKind {
				t.Errorf("kind = %s, want %s", k, tt.wantKind)
			}
			if m := fault.MessageOf(err); m != tt.wantMsg {
				t.Errorf("message = %q, want %q", m, tt.wantMsg)
			}
			if errors.Is(err, ErrNoBody) != tt.wantNoBody {
				t.Errorf("errors.Is(err, ErrNoBody) = %v, want %v", !tt.wantNoBody, tt.wantNoBody)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	WriteJSON(rec, req, http.StatusCreated, map[string]string{"a": "<b>&"})
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got := rec.Body.String(); got != `{"a":"<b>&"}` {
		t.Fatalf("body %q", got)
	}

	rec = httptest.NewRecorder()
	WithConfig(Config{Flavor: Nova})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, r, http.StatusOK, map[string]any{"f": func() {}})
	})).ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "computeFault") {
		t.Fatalf("unencodable value: %d %s", rec.Code, rec.Body.String())
	}
}
