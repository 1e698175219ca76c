package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/glance"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// MaxVersion is the highest microversion served: every behaviour up to it
// is implemented (api-ref/volume lists them).
var MaxVersion = microversion.V(3, 68)

// Settings are cinder-api's options.
type Settings struct {
	DefaultVolumeType string
	DefaultAZ         string // storage_availability_zone
	ServiceDownTime   int    // seconds
	Quotas            map[string]int
	OSAPIMaxLimit     int
}

// API is the Block Storage v3 API.
type API struct {
	db     *store.Store
	sg     *servicegroup.Store
	rpc    *rpcapi.Client
	glance *glance.Client
	policy *policy.Enforcer
	set    Settings
	log    *slog.Logger
}

// New returns the API.
func New(db *store.Store, sg *servicegroup.Store, rc *rpcapi.Client, gl *glance.Client, enforcer *policy.Enforcer, set Settings, log *slog.Logger) *API {
	if set.DefaultVolumeType == "" {
		set.DefaultVolumeType = store.DefaultTypeName
	}
	if set.DefaultAZ == "" {
		set.DefaultAZ = "nova"
	}
	if set.OSAPIMaxLimit <= 0 {
		set.OSAPIMaxLimit = 1000
	}
	if set.ServiceDownTime <= 0 {
		set.ServiceDownTime = 60
	}
	if log == nil {
		log = slog.Default()
	}
	return &API{db: db, sg: sg, rpc: rc, glance: gl, policy: enforcer, set: set, log: log}
}

// Handler returns the whole API; authn authenticates every /v3 request
// except the version document.
func (a *API) Handler(cfg httpapi.Config, authn func(http.Handler) http.Handler) http.Handler {
	cfg.Flavor = httpapi.Cinder
	mux := httpapi.NewRouter(cfg)
	mv := microversion.Volume(MaxVersion)
	// Unmatched methods are 404 in cinder (routes has no 405).
	mux.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteError(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
	})
	mux.Get("/", a.versions)
	mux.Route("/v3", func(v3 chi.Router) {
		v3.With(mv.Middleware).Get("/", a.version)
		v3.Group(func(r chi.Router) {
			r.Use(authn, mv.Middleware)
			a.routes(r)
		})
		v3.Route("/{project_id}", func(p chi.Router) {
			p.With(mv.Middleware).Get("/", a.version)
			p.Group(func(r chi.Router) {
				r.Use(authn, mv.Middleware)
				a.routes(r)
			})
		})
	})
	return httpapi.WithConfig(cfg)(trailingSlash404(mux))
}

// trailingSlash404 answers 404 for a resource path with a trailing slash
// (GET /v3/{p}/volumes/ asks for a volume with an empty id in cinder, not
// for the list), while the version documents answer with or without one.
func trailingSlash404(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		if strings.HasSuffix(p, "/") && strings.Count(strings.Trim(p, "/"), "/") >= 2 {
			httpapi.WriteError(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *API) routes(r chi.Router) {
	r.Get("/volumes", a.listVolumes(false))
	r.Get("/volumes/detail", a.listVolumes(true))
	r.With(microversion.Require(microversion.V(3, 12), microversion.Version{})).Get("/volumes/summary", a.volumeSummary)
	r.Post("/volumes", a.createVolume)
	r.Get("/volumes/{id}", a.showVolume)
	r.Put("/volumes/{id}", a.updateVolume)
	r.Delete("/volumes/{id}", a.deleteVolume)
	r.Post("/volumes/{id}/action", a.volumeAction)
	r.Get("/volumes/{id}/metadata", a.volumeMetadata)
	r.Post("/volumes/{id}/metadata", a.setVolumeMetadata(false))
	r.Put("/volumes/{id}/metadata", a.setVolumeMetadata(true))
	r.Get("/volumes/{id}/metadata/{key}", a.volumeMetadataKey)
	r.Put("/volumes/{id}/metadata/{key}", a.putVolumeMetadataKey)
	r.Delete("/volumes/{id}/metadata/{key}", a.deleteVolumeMetadataKey)

	r.Get("/snapshots", a.listSnapshots(false))
	r.Get("/snapshots/detail", a.listSnapshots(true))
	r.Post("/snapshots", a.createSnapshot)
	r.Get("/snapshots/{id}", a.showSnapshot)
	r.Put("/snapshots/{id}", a.updateSnapshot)
	r.Delete("/snapshots/{id}", a.deleteSnapshot)
	r.Post("/snapshots/{id}/action", a.snapshotAction)
	r.Get("/snapshots/{id}/metadata", a.snapshotMetadata)
	r.Post("/snapshots/{id}/metadata", a.setSnapshotMetadata(false))
	r.Put("/snapshots/{id}/metadata", a.setSnapshotMetadata(true))
	r.Get("/snapshots/{id}/metadata/{key}", a.snapshotMetadataKey)
	r.Put("/snapshots/{id}/metadata/{key}", a.putSnapshotMetadataKey)
	r.Delete("/snapshots/{id}/metadata/{key}", a.deleteSnapshotMetadataKey)

	r.Get("/types", a.listTypes)
	r.Post("/types", a.createType)
	r.Get("/types/default", a.defaultType)
	r.Get("/types/{id}", a.showType)
	r.Put("/types/{id}", a.updateType)
	r.Delete("/types/{id}", a.deleteType)
	r.Post("/types/{id}/action", a.typeAction)
	r.Get("/types/{id}/os-volume-type-access", a.typeAccess)
	r.Get("/types/{id}/extra_specs", a.extraSpecs)
	r.Post("/types/{id}/extra_specs", a.setExtraSpecs)
	r.Get("/types/{id}/extra_specs/{key}", a.extraSpec)
	r.Put("/types/{id}/extra_specs/{key}", a.putExtraSpec)
	r.Delete("/types/{id}/extra_specs/{key}", a.deleteExtraSpec)

	r.Get("/os-quota-sets/defaults", a.quotaDefaults)
	r.Get("/os-quota-sets/{pid}/defaults", a.quotaDefaults)
	r.Get("/os-quota-sets/{pid}", a.showQuotas)
	r.Put("/os-quota-sets/{pid}", a.updateQuotas)
	r.Delete("/os-quota-sets/{pid}", a.deleteQuotas)
	r.Get("/limits", a.limits)
	r.Get("/os-quota-class-sets/{class}", a.showQuotaClass)
	r.Put("/os-quota-class-sets/{class}", a.updateQuotaClass)

	r.Get("/os-availability-zone", a.availabilityZones)
	r.Get("/os-services", a.services)
	r.Put("/os-services/{action}", a.updateService)
	r.Get("/scheduler-stats/get_pools", a.pools)
	r.Get("/capabilities/{host}", a.capabilities)
	r.Get("/os-hosts", a.listHosts)
	r.Get("/os-hosts/{host}", a.showHost)
	r.With(microversion.Require(microversion.V(3, 3), microversion.Version{})).Get("/messages", a.listMessages)
	r.With(microversion.Require(microversion.V(3, 3), microversion.Version{})).Get("/messages/{id}", a.showMessage)
	r.With(microversion.Require(microversion.V(3, 3), microversion.Version{})).Delete("/messages/{id}", a.deleteMessage)
	for _, base := range []string{"/os-volume-transfer", "/volume-transfers"} {
		r.Get(base, a.listTransfers)
		r.Get(base+"/detail", a.listTransfers)
		r.Post(base, a.createTransfer)
		r.Get(base+"/{id}", a.showTransfer)
		r.Delete(base+"/{id}", a.deleteTransfer)
		r.Post(base+"/{id}/accept", a.acceptTransfer)
	}
	r.Get("/extensions", a.extensions)
	a.backupRoutes(r)
	a.groupRoutes(r)
	a.qosRoutes(r)        // qos.go
	a.encryptionRoutes(r) // encryption.go
	a.manageRoutes(r)     // manage.go

	att := r.With(microversion.Require(microversion.V(3, 27), microversion.Version{}))
	att.Get("/attachments", a.listAttachments(false))
	att.Get("/attachments/detail", a.listAttachments(true))
	att.Post("/attachments", a.createAttachment)
	att.Get("/attachments/{id}", a.showAttachment)
	att.Put("/attachments/{id}", a.updateAttachment)
	att.Delete("/attachments/{id}", a.deleteAttachment)
	att.Post("/attachments/{id}/action", a.attachmentAction)
}
