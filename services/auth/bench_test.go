package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gostack/gostack/services/auth"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// benchHandler returns the middleware around a no-op handler, and a
// member's token.
func benchHandler(b *testing.B, o func(*auth.Options)) (http.Handler, string) {
	k := newKeystone(b)
	opts := k.options()
	if o != nil {
		o(&opts)
	}
	client, err := auth.NewClient(opts)
	if err != nil {
		b.Fatal(err)
	}
	tok, _, _ := k.member("bench")
	return auth.New(client).Handler(ok), tok
}

func serve(b *testing.B, h http.Handler, tok string) {
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Auth-Token", tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// BenchmarkCacheHit is the middleware's overhead on a request whose token
// it validated recently.
func BenchmarkCacheHit(b *testing.B) {
	h, tok := benchHandler(b, nil)
	serve(b, h, tok)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Auth-Token", tok)
	w := discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkCacheHitParallel is the same from all CPUs at once.
func BenchmarkCacheHitParallel(b *testing.B) {
	h, tok := benchHandler(b, nil)
	serve(b, h, tok)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-Auth-Token", tok)
		w := discard{h: http.Header{}}
		for pb.Next() {
			h.ServeHTTP(w, req)
		}
	})
}

// BenchmarkCacheMiss is a validation round trip to the in-process
// keystone (HTTP over loopback, keystone's checks on PostgreSQL), with
// the catalog, as every first sight of a token costs.
func BenchmarkCacheMiss(b *testing.B) {
	h, tok := benchHandler(b, func(o *auth.Options) { o.TokenCacheTime = -1 })
	serve(b, h, tok)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		serve(b, h, tok)
	}
}

// BenchmarkCacheMissNoCatalog is the round trip with ?nocatalog
// (include_service_catalog = false).
func BenchmarkCacheMissNoCatalog(b *testing.B) {
	h, tok := benchHandler(b, func(o *auth.Options) { o.TokenCacheTime = -1; o.IncludeServiceCatalog = false })
	serve(b, h, tok)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		serve(b, h, tok)
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d discard) Header() http.Header       { return d.h }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
