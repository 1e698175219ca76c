package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/console"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/servicegroup"
)

// MaxVersion is the highest microversion served: every change up to it is
// implemented (see api-ref/compute, groups-aggregates.md for 2.59-2.93).
var MaxVersion = microversion.V(2, 93)

// Images reads Glance images for server create, as the caller sees them.
type Images interface {
	// Image returns an image's metadata; fault.NotFound when the caller
	// cannot see it. userToken is the caller's token.
	Image(ctx context.Context, userToken, id string) (objects.ImageMeta, error)
}

// Conductor is what the API asks of nova-conductor.
type Conductor interface {
	BuildInstances(ctx context.Context, m conductorapi.BuildInstances) error
}

// Compute is what the API asks of nova-compute hosts.
type Compute interface {
	StopInstance(ctx context.Context, inst objects.Instance, cleanShutdown bool) error
	StartInstance(ctx context.Context, inst objects.Instance) error
	RebootInstance(ctx context.Context, inst objects.Instance, rebootType string) error
	PauseInstance(ctx context.Context, inst objects.Instance) error
	UnpauseInstance(ctx context.Context, inst objects.Instance) error
	SuspendInstance(ctx context.Context, inst objects.Instance) error
	ResumeInstance(ctx context.Context, inst objects.Instance) error
	TerminateInstance(ctx context.Context, inst objects.Instance, bdms []objects.BlockDeviceMapping) error
	GetConsoleOutput(ctx context.Context, inst objects.Instance, tailLength int) (string, error)
}

var _ Compute = (*computeapi.Client)(nil)

// Settings are nova-api's options.
type Settings struct {
	DefaultAvailabilityZone string        // [DEFAULT] default_availability_zone ("nova")
	DefaultScheduleZone     string        // [DEFAULT] default_schedule_zone ("" for none)
	ServiceDownTime         time.Duration // [DEFAULT] service_down_time
	MaxLimit                int           // [api] max_limit
	EnableInstancePassword  bool          // [api] enable_instance_password
	AllowResizeToSameHost   bool          // [DEFAULT] allow_resize_to_same_host
	Quota                   map[string]int
	Console                 console.Settings // [vnc], [consoleauth] (compute/console)
}

// API is the Compute API.
type API struct {
	store     *store.Store
	services  *servicegroup.Store
	nodes     Hypervisors // nil until nova-scheduler's tables exist
	conductor Conductor
	compute   Compute
	network   Network // nil: servers show no addresses
	images    Images
	volumes   Volumes    // nil: no block storage (SetVolumes)
	netapi    NetworkAPI // nil: no network proxies, ip filters ignored (SetNetworkAPI)
	policy    *policy.Enforcer
	set       Settings
	log       *slog.Logger
	now       func() time.Time
	aggZones  zoneCache // availability zones of hosts from aggregates (aggregates.go)
}

// Deps are the API's dependencies.
type Deps struct {
	Store     *store.Store
	Services  *servicegroup.Store
	Nodes     Hypervisors
	Conductor Conductor
	Compute   Compute
	Images    Images
	Policy    *policy.Enforcer
	Settings  Settings
	Log       *slog.Logger
}

// New returns the API.
func New(d Deps) *API {
	set := d.Settings
	if set.DefaultAvailabilityZone == "" {
		set.DefaultAvailabilityZone = "nova"
	}
	if set.ServiceDownTime <= 0 {
		set.ServiceDownTime = servicegroup.DefaultServiceDownTime
	}
	if set.MaxLimit <= 0 {
		set.MaxLimit = 1000
	}
	q := DefaultQuotas()
	for k, v := range set.Quota {
		q[k] = v
	}
	set.Quota = q
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	return &API{store: d.Store, services: d.Services, nodes: d.Nodes, conductor: d.Conductor, compute: d.Compute,
		images: d.Images, policy: d.Policy, set: set, log: log, now: time.Now}
}

// Handler returns the HTTP handler of the whole API. authn authenticates
// every /v2.1 request except the version document.
func (a *API) Handler(cfg httpapi.Config, authn func(http.Handler) http.Handler) http.Handler {
	cfg.Flavor = httpapi.Nova
	if cfg.Status == nil {
		cfg.Status = map[fault.Kind]int{}
	}
	cfg.Status[fault.OverLimit] = http.StatusForbidden
	mux := httpapi.NewRouter(cfg)
	mv := microversion.Compute(MaxVersion)
	mux.Get("/", a.versions)
	mux.Route("/v2.1", func(r chi.Router) {
		r.Use(mv.Middleware)
		r.Get("/", a.version)
		r.Group(func(r chi.Router) {
			r.Use(authn)
			a.routes(r)
		})
		// The same API under a project id, for catalogs that carry one.
		r.Route("/{project_id:[0-9a-fA-F-]{32,36}}", func(r chi.Router) {
			r.Get("/", a.version)
			r.Group(func(r chi.Router) {
				r.Use(authn)
				a.routes(r)
			})
		})
	})
	mux.Route("/v2", func(r chi.Router) {
		r.Get("/", a.versionV2)
	})
	return mux
}

func (a *API) routes(r chi.Router) {
	r.Get("/flavors", a.listFlavors)
	r.Get("/flavors/detail", a.listFlavorsDetail)
	r.Post("/flavors", a.createFlavor)
	r.Get("/flavors/{flavor_id}", a.showFlavor)
	r.Put("/flavors/{flavor_id}", a.updateFlavor)
	r.Delete("/flavors/{flavor_id}", a.deleteFlavor)
	r.Post("/flavors/{flavor_id}/action", a.flavorAction)
	r.Get("/flavors/{flavor_id}/os-flavor-access", a.listFlavorAccess)
	r.Get("/flavors/{flavor_id}/os-extra_specs", a.listExtraSpecs)
	r.Post("/flavors/{flavor_id}/os-extra_specs", a.createExtraSpecs)
	r.Get("/flavors/{flavor_id}/os-extra_specs/{key}", a.showExtraSpec)
	r.Put("/flavors/{flavor_id}/os-extra_specs/{key}", a.updateExtraSpec)
	r.Delete("/flavors/{flavor_id}/os-extra_specs/{key}", a.deleteExtraSpec)

	r.Get("/os-keypairs", a.listKeyPairs)
	r.Post("/os-keypairs", a.createKeyPair)
	r.Get("/os-keypairs/{name}", a.showKeyPair)
	r.Delete("/os-keypairs/{name}", a.deleteKeyPair)

	r.Get("/servers", a.listServers)
	r.Get("/servers/detail", a.listServersDetail)
	r.Post("/servers", a.createServer)
	r.Get("/servers/{server_id}", a.showServer)
	r.Put("/servers/{server_id}", a.updateServer)
	r.Delete("/servers/{server_id}", a.deleteServer)
	r.Post("/servers/{server_id}/action", a.serverAction)
	r.Get("/servers/{server_id}/ips", a.listServerIPs)
	r.Get("/servers/{server_id}/ips/{network_label}", a.showServerIPs)
	r.Get("/servers/{server_id}/metadata", a.listMetadata)
	r.Post("/servers/{server_id}/metadata", a.updateMetadata)
	r.Put("/servers/{server_id}/metadata", a.replaceMetadata)
	r.Get("/servers/{server_id}/metadata/{key}", a.showMetadataItem)
	r.Put("/servers/{server_id}/metadata/{key}", a.setMetadataItem)
	r.Delete("/servers/{server_id}/metadata/{key}", a.deleteMetadataItem)
	r.Get("/servers/{server_id}/tags", a.listTags)
	r.Put("/servers/{server_id}/tags", a.replaceTags)
	r.Delete("/servers/{server_id}/tags", a.deleteTags)
	r.Get("/servers/{server_id}/tags/{tag}", a.checkTag)
	r.Put("/servers/{server_id}/tags/{tag}", a.addTag)
	r.Delete("/servers/{server_id}/tags/{tag}", a.deleteTag)
	r.Get("/servers/{server_id}/os-instance-actions", a.listInstanceActions)
	r.Get("/servers/{server_id}/os-instance-actions/{request_id}", a.showInstanceAction)

	r.Get("/os-hypervisors", a.listHypervisors)
	r.Get("/os-hypervisors/detail", a.listHypervisorsDetail)
	r.Get("/os-hypervisors/statistics", a.hypervisorStatistics)
	r.Get("/os-hypervisors/{hypervisor_id}", a.showHypervisor)
	r.Get("/os-hypervisors/{hypervisor_id}/uptime", a.hypervisorUptime)
	r.Get("/os-hypervisors/{pattern}/search", func(w http.ResponseWriter, r *http.Request) { a.searchHypervisors(w, r, false) })
	r.Get("/os-hypervisors/{pattern}/servers", func(w http.ResponseWriter, r *http.Request) { a.searchHypervisors(w, r, true) })
	r.Get("/os-aggregates", a.listAggregates)
	r.Get("/os-server-groups", a.listServerGroups)
	r.Get("/os-services", a.listServices)
	r.Put("/os-services/{service_id}", a.updateService)
	r.Delete("/os-services/{service_id}", a.deleteService)
	r.Get("/os-availability-zone", a.listZones)
	r.Get("/os-availability-zone/detail", a.listZonesDetail)
	r.Get("/limits", a.limits)
	r.Get("/os-quota-sets/{project_id}", a.showQuotas)
	r.Put("/os-quota-sets/{project_id}", a.updateQuotas)
	r.Delete("/os-quota-sets/{project_id}", a.deleteQuotas)
	r.Get("/os-quota-sets/{project_id}/defaults", a.defaultQuotas)
	r.Get("/os-quota-sets/{project_id}/detail", a.detailQuotas)
	r.Get("/os-quota-class-sets/{class}", a.showQuotaClass)
	r.Put("/os-quota-class-sets/{class}", a.updateQuotaClass)
	r.Get("/os-simple-tenant-usage", a.listUsage)
	r.Get("/os-simple-tenant-usage/{project_id}", a.showUsage)
	r.Get("/os-hosts", a.listHosts)
	r.Get("/os-hosts/{host_name}", a.showHost)
	r.Put("/os-hosts/{host_name}", a.updateHost)
	r.Get("/os-hosts/{host_name}/reboot", a.hostPowerAction("reboot"))
	r.Get("/os-hosts/{host_name}/shutdown", a.hostPowerAction("shutdown"))
	r.Get("/os-hosts/{host_name}/startup", a.hostPowerAction("start"))
	r.Get("/os-instance_usage_audit_log", a.listAuditLogs)
	r.Get("/os-instance_usage_audit_log/{before_timestamp}", a.showAuditLog)
	r.Get("/extensions", a.listExtensions)
	r.Get("/extensions/{alias}", a.showExtension)
	r.Get("/servers/{server_id}/os-virtual-interfaces", a.listVirtualInterfaces)
	r.Get("/servers/{server_id}/os-server-password", a.showServerPassword)
	r.Delete("/servers/{server_id}/os-server-password", a.clearServerPassword)
	a.imageRoutes(r)
	r.Get("/servers/{server_id}/diagnostics", a.showDiagnostics)
	a.consoleRoutes(r)
	a.liveMigrationRoutes(r)
	a.migrationRoutes(r)
	a.volumeRoutes(r)
	a.interfaceRoutes(r)
	a.volumeProxyRoutes(r)
	a.secGroupProxyRoutes(r)
	a.networkProxyRoutes(r)
	a.serverGroupRoutes(r)
	a.aggregateRoutes(r)
}
