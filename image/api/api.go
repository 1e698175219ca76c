package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/staging"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// DataStore keeps image data (image/store/rbd's Store).
type DataStore interface {
	Add(ctx context.Context, id string, r io.Reader, size int64) (rbd.Stored, error)
	Get(ctx context.Context, uri string, w io.Writer, offset, length int64) (int64, error)
	Delete(ctx context.Context, uri string) error
}

// API is the Image v2 API.
type API struct {
	reg        *registry.Registry
	store      DataStore
	policy     *policy.Enforcer
	set        Settings
	log        *slog.Logger
	staging    *staging.Area // nil when it could not be made (stagingErr)
	stagingErr error
	tasks      *taskRunner
}

// New returns the API over its dependencies.
func New(reg *registry.Registry, store DataStore, enforcer *policy.Enforcer, set Settings, log *slog.Logger) *API {
	if set.LimitParamDefault <= 0 {
		set.LimitParamDefault = 25
	}
	if set.APILimitMax <= 0 {
		set.APILimitMax = 1000
	}
	if set.ImageMemberQuota == 0 {
		set.ImageMemberQuota = 128
	}
	if set.ImagePropertyQuota == 0 {
		set.ImagePropertyQuota = 128
	}
	if set.ImageTagQuota == 0 {
		set.ImageTagQuota = 128
	}
	if set.ImageLocationQuota == 0 {
		set.ImageLocationQuota = 10
	}
	if log == nil {
		log = slog.Default()
	}
	a := &API{reg: reg, store: store, policy: enforcer, set: set, log: log}
	a.staging, a.stagingErr = staging.New(set.StagingDir)
	if a.stagingErr != nil {
		log.Error("no staging area: uploads that need conversion and imports will fail", "error", a.stagingErr.Error())
	}
	a.tasks = newTaskRunner(a)
	return a
}

// Handler returns the HTTP handler of the whole API. authn authenticates
// every /v2 request (services/auth's Middleware.Handler); the version
// documents are served without a token, as glance's version negotiation
// runs before keystonemiddleware.
func (a *API) Handler(cfg httpapi.Config, authn func(http.Handler) http.Handler) http.Handler {
	cfg.Flavor = httpapi.Glance
	cfg.ReuseInboundRequestID = true
	mux := httpapi.NewRouter(cfg)
	mux.Get("/", a.versions)
	mux.HandleFunc("/versions", a.versionsExplicit)
	mux.Route("/v2", func(r chi.Router) {
		r.Use(authn, rejectEmptyImageID)
		r.Get("/schemas/image", a.imageSchema)
		r.Get("/schemas/images", a.imagesSchema)
		r.Get("/schemas/member", a.memberSchema)
		r.Get("/schemas/members", a.membersSchema)
		r.Get("/images", a.listImages)
		r.Post("/images", a.createImage)
		r.Get("/images/{image_id}", a.showImage)
		r.Patch("/images/{image_id}", a.updateImage)
		r.Delete("/images/{image_id}", a.deleteImage)
		r.Put("/images/{image_id}/file", a.uploadImage)
		r.Put("/images/{image_id}/stage", a.stageImage)
		r.Post("/images/{image_id}/import", a.importImage)
		r.Get("/images/{image_id}/tasks", a.imageTasks)
		r.Get("/info/import", a.importInfo)
		r.Get("/info/stores", a.storesInfo)
		r.Get("/images/{image_id}/file", a.downloadImage)
		r.Put("/images/{image_id}/tags/{tag_value}", a.addTag)
		r.Delete("/images/{image_id}/tags/{tag_value}", a.deleteTag)
		r.Get("/images/{image_id}/members", a.listMembers)
		r.Post("/images/{image_id}/members", a.createMember)
		r.Get("/images/{image_id}/members/{member_id}", a.showMember)
		r.Put("/images/{image_id}/members/{member_id}", a.updateMember)
		r.Delete("/images/{image_id}/members/{member_id}", a.deleteMember)
		r.Post("/images/{image_id}/actions/deactivate", a.deactivate)
		r.Post("/images/{image_id}/actions/reactivate", a.reactivate)
		r.Post("/images/{image_id}/locations", a.addLocation)
	})
	return markEmptyImageID(negotiate(mux, a.versions))
}

type emptyImageIDKey struct{}

// markEmptyImageID notes a request for /v2/images/ (an empty image id)
// before the router folds its trailing slash away: glance's routes match
// nothing there, so it is a 404 once authenticated.
func markEmptyImageID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/images/") {
			r = r.WithContext(context.WithValue(r.Context(), emptyImageIDKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

func rejectEmptyImageID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(emptyImageIDKey{}) != nil {
			httpapi.WriteError(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
			return
		}
		next.ServeHTTP(w, r)
	})
}
