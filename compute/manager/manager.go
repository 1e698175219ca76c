package manager

import (
	"log/slog"
	"sync"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/rpc"
)

// Manager is one host's compute service.
type Manager struct {
	cfg       Config
	driver    virt.Driver
	conductor Conductor
	log       *slog.Logger
	now       func() time.Time
	fetch     virt.ImageFetcher // nil: images outside the Ceph cluster cannot be built
	life      lifecycleDeps     // snapshot, resize, shelve (migration_records.go)
	volumes   Volumes           // nil: no block storage (SetVolumeAPI)
	network   Network           // nil: no network service (network.go)
	live      liveDeps          // live migration, evacuation (live_options.go)
	events    instanceEvents    // external events waited for (event_waiters.go)

	locks keyedMutex
}

// New returns a Manager for cfg.Host.
func New(cfg Config, driver virt.Driver, conductor Conductor, log *slog.Logger) *Manager {
	if log == nil {
		log = slog.Default()
	}
	return &Manager{cfg: cfg.withDefaults(), driver: driver, conductor: conductor,
		log: log, now: time.Now}
}

// SetImageFetcher gives the manager a way to download images whose data
// is not in this deployment's Ceph cluster (GlanceFetcher.Fetch).
func (m *Manager) SetImageFetcher(f virt.ImageFetcher) { m.fetch = f }

// Host is the host the manager serves.
func (m *Manager) Host() string { return m.cfg.Host }

// Register serves the compute methods on srv (a server for
// computeapi.Target(host)).
func (m *Manager) Register(srv *rpc.Server) {
	srv.Register(computeapi.MethodBuildAndRunInstance, rpc.Handle(m.buildAndRunInstance))
	srv.Register(computeapi.MethodStopInstance, rpc.Handle(m.stopInstance))
	srv.Register(computeapi.MethodStartInstance, rpc.Handle(m.startInstance))
	srv.Register(computeapi.MethodRebootInstance, rpc.Handle(m.rebootInstance))
	srv.Register(computeapi.MethodPauseInstance, rpc.Handle(m.pauseInstance))
	srv.Register(computeapi.MethodUnpauseInstance, rpc.Handle(m.unpauseInstance))
	srv.Register(computeapi.MethodSuspendInstance, rpc.Handle(m.suspendInstance))
	srv.Register(computeapi.MethodResumeInstance, rpc.Handle(m.resumeInstance))
	srv.Register(computeapi.MethodTerminateInstance, rpc.Handle(m.terminateInstance))
	srv.Register(computeapi.MethodGetConsoleOutput, rpc.Handle(m.getConsoleOutput))
	srv.Register(computeapi.MethodGetHostUptime, rpc.Handle(m.getHostUptime))
	srv.Register(computeapi.MethodGetVNCConsole, rpc.Handle(m.getVNCConsole))
	srv.Register(computeapi.MethodGetInstanceDiagnostics, rpc.Handle(m.getInstanceDiagnostics))
	m.registerLifecycle(srv)
	srv.Register(computeapi.MethodAttachVolume, rpc.Handle(m.attachVolume))
	srv.Register(computeapi.MethodDetachVolume, rpc.Handle(m.detachVolume))
	srv.Register(computeapi.MethodExternalInstanceEvent, rpc.Handle(m.externalInstanceEvent))
	m.registerInterfaces(srv)
	m.registerLive(srv)
}

// keyedMutex serializes work per instance uuid.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Empty is the reply of casts.
type Empty struct{}
