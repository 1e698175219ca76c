package httpapi

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		tls     bool
		headers map[string]string
		want    string
	}{
		{"request host", Config{}, false, nil, "http://api.example:8774"},
		{"tls", Config{}, true, nil, "https://api.example:8774"},
		{"public endpoint wins", Config{PublicEndpoint: "https://cloud.example/compute/", TrustProxyHeaders: true},
			false, map[string]string{"X-Forwarded-Host": "evil"}, "https://cloud.example/compute"},
		{"proxy headers ignored by default", Config{}, false,
			map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy"}, "http://api.example:8774"},
		{"x-forwarded", Config{TrustProxyHeaders: true}, false,
			map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy.example", "X-Forwarded-Prefix": "/compute/"},
			"https://proxy.example/compute"},
		{"forwarded beats x-forwarded", Config{TrustProxyHeaders: true}, false,
			map[string]string{"Forwarded": `for=192.0.2.60;proto=https;host="fw.example", for=198.51.100.1;host=second`, "X-Forwarded-Host": "ignored"},
			"https://fw.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/v2.1/servers", nil)
			r.Host = "api.example:8774"
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			var got string
			WithConfig(tt.cfg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = BaseURL(r)
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Fatalf("BaseURL = %q, want %q", got, tt.want)
			}
		})
	}
}
