package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// Settings are the API's options as values.
type Settings struct {
	// AvailabilityZone is the zone networks and ports report
	// (neutron's default_availability_zones; "nova" when empty).
	AvailabilityZone string
	// Quotas are the per-project defaults of the [quotas] section.
	Quotas map[string]int
}

// API is the Network v2.0 API.
type API struct {
	st     *store.Store
	policy *policy.Enforcer
	set    Settings
	log    *slog.Logger
	agents Agents // nil: no agent list (agents.go)
}

// New returns the API over its dependencies.
func New(st *store.Store, enforcer *policy.Enforcer, set Settings, log *slog.Logger) *API {
	if set.AvailabilityZone == "" {
		set.AvailabilityZone = "nova"
	}
	q := DefaultQuotas()
	for k, v := range set.Quotas {
		q[k] = v
	}
	set.Quotas = q
	if log == nil {
		log = slog.Default()
	}
	return &API{st: st, policy: enforcer, set: set, log: log}
}

// Handler returns the HTTP handler of the whole API. authn authenticates
// every /v2.0 request (services/auth's Middleware.Handler); the version
// list at / is served without a token, as neutron's.
func (a *API) Handler(cfg httpapi.Config, authn func(http.Handler) http.Handler) http.Handler {
	cfg.Flavor = httpapi.Nova // only for the shared 401 shape; errors below are NeutronError
	cfg.RequestIDHeaders = []string{}
	mux := httpapi.NewRouter(cfg)
	mux.Use(withLogger(a.log))
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
	})
	mux.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			if mux.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
		writeError(w, r, fault.New(fault.NotAllowed, "The method %s is not allowed for this resource.", r.Method))
	})
	mux.Get("/", a.versions)
	mux.Route("/v2.0", func(r chi.Router) {
		r.Use(authn)
		r.Get("/", a.resources)
		r.Get("/extensions", a.listExtensions)
		r.Get("/extensions/{alias}", a.showExtension)
		r.Get("/networks", a.listNetworks)
		r.Post("/networks", a.createNetwork)
		r.Get("/networks/{id}", a.showNetwork)
		r.Put("/networks/{id}", a.updateNetwork)
		r.Delete("/networks/{id}", a.deleteNetwork)
		r.Get("/subnets", a.listSubnets)
		r.Post("/subnets", a.createSubnet)
		r.Get("/subnets/{id}", a.showSubnet)
		r.Put("/subnets/{id}", a.updateSubnet)
		r.Delete("/subnets/{id}", a.deleteSubnet)
		r.Get("/ports", a.listPorts)
		r.Post("/ports", a.createPort)
		r.Get("/ports/{id}", a.showPort)
		r.Put("/ports/{id}", a.updatePort)
		r.Delete("/ports/{id}", a.deletePort)
		r.Get("/security-groups", a.listGroups)
		r.Post("/security-groups", a.createGroup)
		r.Get("/security-groups/{id}", a.showGroup)
		r.Put("/security-groups/{id}", a.updateGroup)
		r.Delete("/security-groups/{id}", a.deleteGroup)
		r.Get("/security-group-rules", a.listRules)
		r.Post("/security-group-rules", a.createRule)
		r.Get("/security-group-rules/{id}", a.showRule)
		r.Delete("/security-group-rules/{id}", a.deleteRule)
		r.Get("/quotas", a.listQuotas)
		r.Get("/quotas/{project}", a.showQuota)
		r.Put("/quotas/{project}", a.updateQuota)
		r.Delete("/quotas/{project}", a.deleteQuota)
		r.Get("/quotas/{project}/default", a.defaultQuota)
		r.Get("/quotas/{project}/details", a.quotaDetails)
		r.Get("/availability_zones", a.listAZs)
		r.Get("/floatingips", a.listFloatingIPs)
		r.Get("/agents", a.listAgents)
	})
	return stripFormat(mux)
}

// stripFormat drops a ".json" suffix from the path, as neutron's routes
// accept one on every resource (tempest asks for quotas/{id}/details.json).
func stripFormat(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutSuffix(r.URL.Path, ".json"); ok {
			r.URL.Path = p
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}
