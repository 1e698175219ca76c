package api

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/credential"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// Tokens issues and validates token ids (identity/token's Provider).
type Tokens interface {
	Issue(token.Payload) (string, error)
	Validate(id string) (token.Payload, error)
}

// Enforcer answers policy questions (services/policy's Enforcer).
type Enforcer interface {
	Enforce(creds *policy.Credentials, rule string, target policy.Target) error
}

// API is the Identity v3 API.
type API struct {
	store  *store.Store
	tokens Tokens
	policy Enforcer
	set    Settings
	now    func() time.Time
	log    *slog.Logger

	dummyOnce sync.Once
	dummy     string

	cache *validationCache

	credKeys *credential.Repository
}

// New returns the API over its dependencies; now nil means time.Now.
func New(st *store.Store, tokens Tokens, enforcer Enforcer, set Settings, now func() time.Time, log *slog.Logger) *API {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	if set.Expiration <= 0 {
		set.Expiration = time.Hour
	}
	return &API{store: st, tokens: tokens, policy: enforcer, set: set, now: now, log: log,
		cache: newValidationCache(set.CacheTime), credKeys: &credential.Repository{Dir: set.CredentialKeys}}
}

// Handler returns the HTTP handler of the whole API.
func (a *API) Handler(cfg httpapi.Config) http.Handler {
	cfg.Flavor = httpapi.Keystone
	mux := httpapi.NewRouter(cfg)
	mux.Use(headAsGet(mux))
	mux.Get("/", a.versions)
	mux.Route("/v3", func(r chi.Router) {
		r.Get("/", a.version)
		a.authRoutes(r)
		a.domainRoutes(r)
		a.projectRoutes(r)
		a.userRoutes(r)
		a.groupRoutes(r)
		a.roleRoutes(r)
		a.grantRoutes(r)
		a.assignmentRoutes(r)
		a.catalogRoutes(r)
		a.limitRoutes(r)
		a.appCredRoutes(r)
		a.credentialRoutes(r)
		a.ec2CredentialRoutes(r)
		a.policyRoutes(r)
		a.endpointFilterRoutes(r)
	})
	return a.cache.invalidateOnWrite(mux)
}

// headAsGet answers HEAD with the GET handler where no HEAD route is
// defined, as keystone's Flask resources do for every GET (the server
// drops the body of a HEAD response).
func headAsGet(routes chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead && !routes.Match(chi.NewRouteContext(), http.MethodHead, r.URL.Path) &&
				routes.Match(chi.NewRouteContext(), http.MethodGet, r.URL.Path) {
				r = r.Clone(r.Context())
				r.Method = http.MethodGet
			}
			next.ServeHTTP(w, r)
		})
	}
}
