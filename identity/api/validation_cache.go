package api

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gostack/gostack/identity/store"
)

// DefaultCacheTime is how long a resolved token may be reused when
// Settings.CacheTime is zero.
const DefaultCacheTime = 5 * time.Second

// maxCachedTokens bounds the cache; when full it starts over.
const maxCachedTokens = 10000

// validationCache keeps what resolve found for a token (its user, scope,
// roles and the revocation check), and the service catalog, so validating
// the same token again needs no database round trip. The token's signature and expiry are
// still checked on every use.
//
// Correctness rests on a generation number: every request that may write
// (any method but GET, HEAD and OPTIONS, except token issue) moves it on
// before its handler runs, again when its response starts, and again
// when it ends, and an entry is only used while the generation it was
// read under is current. So a revocation, a disabled user or project, a
// password change or a removed role is seen by the next validation in
// this process, before the writer hears its answer. Writes by other
// processes (another keystone on the same database, a manage command)
// are seen within the cache time.
type validationCache struct {
	ttl time.Duration
	gen atomic.Uint64

	mu      sync.RWMutex
	entries map[string]cachedToken
	catalog *cachedCatalog
}

// cachedCatalog is the service catalog under the same rules.
type cachedCatalog struct {
	entries []store.CatalogEntry // shared: never modified
	filters map[string]map[string]bool
	gen     uint64
	at      time.Time
}

type cachedToken struct {
	info *tokenInfo // shared: never modified after resolve
	gen  uint64
	at   time.Time
}

func newValidationCache(ttl time.Duration) *validationCache {
	if ttl == 0 {
		ttl = DefaultCacheTime
	}
	return &validationCache{ttl: ttl, entries: map[string]cachedToken{}}
}

// generation is read before the database is, and handed to put.
func (c *validationCache) generation() uint64 { return c.gen.Load() }

// invalidate forgets every entry (lazily: they stop matching).
func (c *validationCache) invalidate() { c.gen.Add(1) }

func (c *validationCache) enabled() bool { return c != nil && c.ttl > 0 }

// get returns the token resolved under the current generation less than
// the cache time ago, or nil.
func (c *validationCache) get(id string, now time.Time) *tokenInfo {
	if !c.enabled() {
		return nil
	}
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || !c.fresh(e.gen, e.at, now) {
		return nil
	}
	return e.info
}

// put stores a token resolved from reads that began at generation gen.
func (c *validationCache) put(id string, info *tokenInfo, gen uint64, now time.Time) {
	if !c.enabled() || gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	if len(c.entries) >= maxCachedTokens {
		c.entries = make(map[string]cachedToken, maxCachedTokens)
	}
	c.entries[id] = cachedToken{info: info, gen: gen, at: now}
	c.mu.Unlock()
}

// fresh reports whether something read at generation gen at time at may
// still be used.
func (c *validationCache) fresh(gen uint64, at, now time.Time) bool {
	return gen == c.gen.Load() && now.Sub(at) < c.ttl && !now.Before(at)
}

// catalog returns the service catalog (the token body's and GET
// /v3/auth/catalog's), from the cache while nothing has been written,
// with the OS-EP-FILTER endpoint filters of the projects that have one.
func (a *API) catalog(ctx context.Context) ([]store.CatalogEntry, map[string]map[string]bool, error) {
	c, now := a.cache, a.now()
	if c.enabled() {
		c.mu.RLock()
		cc := c.catalog
		c.mu.RUnlock()
		if cc != nil && c.fresh(cc.gen, cc.at, now) {
			return cc.entries, cc.filters, nil
		}
	}
	gen := c.generation()
	entries, err := a.store.Catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	filters, err := a.store.ProjectEndpointFilters(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c.enabled() && gen == c.gen.Load() {
		c.mu.Lock()
		c.catalog = &cachedCatalog{entries: entries, filters: filters, gen: gen, at: now}
		c.mu.Unlock()
	}
	return entries, filters, nil
}

// catalogFor is the catalog of a token: for a project-scoped token whose
// project has endpoint associations (directly or through endpoint
// groups), only those endpoints, and only the services left with one, as
// keystone's SQL catalog driver does with the endpoint filter
// (get_v3_catalog; return_all_endpoints_if_no_filter is true).
func (a *API) catalogFor(ctx context.Context, t *tokenInfo) ([]store.CatalogEntry, error) {
	entries, filters, err := a.catalog(ctx)
	if err != nil || t.Project == nil {
		return entries, err
	}
	allowed := filters[t.Project.ID]
	if len(allowed) == 0 {
		return entries, nil
	}
	out := make([]store.CatalogEntry, 0, len(entries))
	for _, e := range entries {
		var eps []store.Endpoint
		for _, ep := range e.Endpoints {
			if allowed[ep.ID] {
				eps = append(eps, ep)
			}
		}
		if len(eps) > 0 {
			out = append(out, store.CatalogEntry{Service: e.Service, Endpoints: eps})
		}
	}
	return out, nil
}

// invalidateOnWrite wraps the API so that every request that may change
// what a token resolves to invalidates the cache: before the handler runs,
// when the response starts (after the handler's writes committed, before
// the client can act on the answer) and when it ends.
func (c *validationCache) invalidateOnWrite(next http.Handler) http.Handler {
	if !c.enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if readOnly(r) {
			next.ServeHTTP(w, r)
			return
		}
		c.invalidate()
		defer c.invalidate()
		next.ServeHTTP(&invalidatingWriter{ResponseWriter: w, c: c}, r)
	})
}

// readOnly reports whether a request cannot change identity data. Token
// issue (POST /v3/auth/tokens) only reads.
func readOnly(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	case http.MethodPost:
		return strings.TrimSuffix(r.URL.Path, "/") == "/v3/auth/tokens"
	}
	return false
}

// invalidatingWriter invalidates the cache as the response starts.
type invalidatingWriter struct {
	http.ResponseWriter
	c       *validationCache
	started bool
}

func (w *invalidatingWriter) WriteHeader(code int) {
	if !w.started {
		w.started = true
		w.c.invalidate()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *invalidatingWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *invalidatingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
