package microversion

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gostack/gostack/services/httpapi"
)

type negotiation struct {
	name    string
	headers map[string][]string
	status  int
	version string // negotiated, or echoed on 406
	body    string // error body, when status is not 200
}

func runNegotiation(t *testing.T, cfg Config, flavor httpapi.Flavor, tt negotiation) *httptest.ResponseRecorder {
	t.Helper()
	var seen Version
	h := httpapi.WithConfig(httpapi.Config{Flavor: flavor})(cfg.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = Of(r)
	})))
	req := httptest.NewRequest(http.MethodGet, "/v2.1/servers", nil)
	for k, vs := range tt.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != tt.status {
		t.Fatalf("status = %d, want %d (%s)", rec.Code, tt.status, rec.Body.String())
	}
	if tt.status == http.StatusOK {
		if seen.String() != tt.version {
			t.Fatalf("context version = %s, want %s", seen, tt.version)
		}
	} else if rec.Body.String() != tt.body {
		t.Fatalf("body\n got %s\nwant %s", rec.Body.String(), tt.body)
	}
	return rec
}

func TestComputeNegotiation(t *testing.T) {
	cfg := Compute(V(2, 55))
	tests := []negotiation{
		{"absent is the minimum", nil, 200, "2.1", ""},
		{"legacy header", map[string][]string{"X-OpenStack-Nova-API-Version": {"2.37"}}, 200, "2.37", ""},
		{"legacy header last value", map[string][]string{"X-OpenStack-Nova-API-Version": {"2.3, 2.5"}}, 200, "2.5", ""},
		{"standard header", map[string][]string{"OpenStack-API-Version": {"compute 2.45"}}, 200, "2.45", ""},
		{"standard header beats legacy", map[string][]string{
			"OpenStack-API-Version": {"compute 2.45"}, "X-OpenStack-Nova-API-Version": {"2.10"}}, 200, "2.45", ""},
		{"other services listed", map[string][]string{"OpenStack-API-Version": {"volume 3.60, compute 2.30, image 2.5"}}, 200, "2.30", ""},
		{"service token is case-insensitive", map[string][]string{"OpenStack-API-Version": {"Compute 2.30"}}, 200, "2.30", ""},
		{"last entry for the service wins", map[string][]string{"OpenStack-API-Version": {"compute 2.20", "compute 2.21"}}, 200, "2.21", ""},
		{"no compute entry falls back to legacy", map[string][]string{
			"OpenStack-API-Version": {"volume 3.60"}, "X-OpenStack-Nova-API-Version": {"2.11"}}, 200, "2.11", ""},
		{"no compute entry and no legacy", map[string][]string{"OpenStack-API-Version": {"volume 3.60"}}, 200, "2.1", ""},
		{"latest", map[string][]string{"OpenStack-API-Version": {"compute latest"}}, 200, "2.55", ""},
		{"legacy latest", map[string][]string{"X-OpenStack-Nova-API-Version": {"latest"}}, 200, "2.55", ""},
		{"empty Accept is fine", map[string][]string{"Accept": {""}}, 200, "2.1", ""},
		{"*/* Accept is fine", map[string][]string{"Accept": {"*/*"}, "OpenStack-API-Version": {"compute 2.55"}}, 200, "2.55", ""},
		{"above max", map[string][]string{"OpenStack-API-Version": {"compute 2.95"}}, 406, "2.95",
			`{"computeFault":{"code":406,"message":"Version 2.95 is not supported by the API. Minimum is 2.1 and maximum is 2.55."}}`},
		{"below min", map[string][]string{"X-OpenStack-Nova-API-Version": {"2.0"}}, 406, "2.0",
			`{"computeFault":{"code":406,"message":"Version 2.0 is not supported by the API. Minimum is 2.1 and maximum is 2.55."}}`},
		{"malformed", map[string][]string{"OpenStack-API-Version": {"compute 2.x"}}, 400, "",
			`{"badRequest":{"code":400,"message":"API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum."}}`},
		{"malformed legacy", map[string][]string{"X-OpenStack-Nova-API-Version": {"2"}}, 400, "",
			`{"badRequest":{"code":400,"message":"API Version String 2 is of invalid format. Must be of format MajorNum.MinorNum."}}`},
		{"Latest is not latest", map[string][]string{"OpenStack-API-Version": {"compute Latest"}}, 400, "",
			`{"badRequest":{"code":400,"message":"API Version String Latest is of invalid format. Must be of format MajorNum.MinorNum."}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := runNegotiation(t, cfg, httpapi.Nova, tt)
			h := rec.Header()
			if tt.version == "" {
				if h.Get("OpenStack-API-Version") != "" {
					t.Fatalf("400 must not echo a version, got %q", h.Get("OpenStack-API-Version"))
				}
				return
			}
			if got := h.Get("OpenStack-API-Version"); got != "compute "+tt.version {
				t.Errorf("OpenStack-API-Version = %q", got)
			}
			if got := h.Get("X-OpenStack-Nova-API-Version"); got != tt.version {
				t.Errorf("X-OpenStack-Nova-API-Version = %q", got)
			}
			if got := h.Values("Vary"); len(got) != 2 || got[0] != "OpenStack-API-Version" || got[1] != "X-OpenStack-Nova-API-Version" {
				t.Errorf("Vary = %q", got)
			}
		})
	}
}

func TestVolumeNegotiation(t *testing.T) {
	cfg := Volume(V(3, 60))
	tests := []negotiation{
		{"absent is 3.0", nil, 200, "3.0", ""},
		{"standard header", map[string][]string{"OpenStack-API-Version": {"volume 3.55"}}, 200, "3.55", ""},
		{"gophercloud sends both", map[string][]string{
			"OpenStack-API-Version": {"volume 3.27"}, "X-OpenStack-Volume-API-Version": {"3.27"}}, 200, "3.27", ""},
		{"legacy alone", map[string][]string{"X-OpenStack-Volume-API-Version": {"3.12"}}, 200, "3.12", ""},
		{"nova header is not ours", map[string][]string{"X-OpenStack-Nova-API-Version": {"2.60"}}, 200, "3.0", ""},
		{"latest", map[string][]string{"OpenStack-API-Version": {"volume latest"}}, 200, "3.60", ""},
		{"above max", map[string][]string{"OpenStack-API-Version": {"volume 3.70"}}, 406, "3.70",
			`{"computeFault":{"code":406,"message":"Version 3.70 is not supported by the API. Minimum is 3.0 and maximum is 3.60."}}`},
		{"malformed", map[string][]string{"OpenStack-API-Version": {"volume 3.0.1"}}, 400, "",
			`{"badRequest":{"code":400,"message":"API Version String 3.0.1 is of invalid format. Must be of format MajorNum.MinorNum."}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := runNegotiation(t, cfg, httpapi.Cinder, tt)
			h := rec.Header()
			if tt.version == "" {
				return
			}
			if got := h.Get("OpenStack-API-Version"); got != "volume "+tt.version {
				t.Errorf("OpenStack-API-Version = %q", got)
			}
			if got := h.Values("Vary"); len(got) != 1 || got[0] != "OpenStack-API-Version" {
				t.Errorf("Vary = %q", got)
			}
			if h.Get("X-OpenStack-Volume-API-Version") != "" || h.Get("X-OpenStack-Nova-API-Version") != "" {
				t.Error("cinder echoes only the standard header")
			}
		})
	}
}

func TestRequire(t *testing.T) {
	cfg := Compute(V(2, 55))
	h := httpapi.WithConfig(httpapi.Config{Flavor: httpapi.Nova})(cfg.Middleware(
		Require(V(2, 26), Version{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
		}))))
	tests := []struct {
		version string
		status  int
	}{{"2.25", 404}, {"2.26", 200}, {"2.55", 200}}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/v2.1/servers/x/tags", nil)
		req.Header.Set("OpenStack-API-Version", "compute "+tt.version)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.version, rec.Code, tt.status)
		}
		if tt.status == 404 && rec.Body.String() != `{"itemNotFound":{"code":404,"message":"The resource could not be found."}}` {
			t.Errorf("%s: body %s", tt.version, rec.Body.String())
		}
		if rec.Header().Get("OpenStack-API-Version") != "compute "+tt.version {
			t.Errorf("%s: version header missing on %d", tt.version, rec.Code)
		}
	}
}
