package manager

import (
	"context"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
)

// Live migration options, with nova's [libvirt] names and Zed's defaults.
var (
	LiveMigrationScheme = config.String("libvirt", "live_migration_scheme", "tcp",
		"Scheme of the destination libvirtd's URI for peer-to-peer migration (qemu+<scheme>://<addr>/system): tcp or tls.")
	LiveMigrationInboundAddr = config.String("libvirt", "live_migration_inbound_addr", "",
		"Address of this host that migration traffic is sent to; default: [DEFAULT] my_ip.")
	LiveMigrationBandwidth = config.Int("libvirt", "live_migration_bandwidth", 0,
		"Maximum bandwidth of a live migration in MiB/s; 0 is unlimited.", config.Min(0))
	LiveMigrationCompletionTimeout = config.Int("libvirt", "live_migration_completion_timeout", 800,
		"Seconds per GiB of guest memory a live migration may take before it is aborted; 0 never aborts.", config.Min(0))
	LiveMigrationPermitAutoConverge = config.Bool("libvirt", "live_migration_permit_auto_converge", false,
		"Let QEMU slow the guest's vCPUs down when a live migration does not converge.")
	LiveMigrationPermitPostCopy = config.Bool("libvirt", "live_migration_permit_post_copy", false,
		"Post-copy is not offered by this driver; force complete pauses the guest instead.")
)

// LiveMigrationOpts are nova-compute's live migration options.
func LiveMigrationOpts() []config.Option {
	return []config.Option{LiveMigrationScheme, LiveMigrationInboundAddr, LiveMigrationBandwidth,
		LiveMigrationCompletionTimeout, LiveMigrationPermitAutoConverge, LiveMigrationPermitPostCopy}
}

// LiveMigrationConfig is how this host migrates and is migrated to.
type LiveMigrationConfig struct {
	Scheme      string // tcp
	InboundAddr string // this host's address for migration streams
	// BandwidthMiBs caps outgoing migrations (0: unlimited).
	BandwidthMiBs uint64
	// CompletionTimeoutPerGiB aborts migrations that take longer (times
	// the guest's memory in GiB, at least one).
	CompletionTimeoutPerGiB time.Duration
	AutoConverge            bool
}

// LiveMigrationConfigFrom reads the options; myIP is [DEFAULT] my_ip.
func LiveMigrationConfigFrom(conf *config.Config, myIP string) LiveMigrationConfig {
	addr := LiveMigrationInboundAddr.Get(conf)
	if addr == "" {
		addr = myIP
	}
	return LiveMigrationConfig{
		Scheme:                  LiveMigrationScheme.Get(conf),
		InboundAddr:             addr,
		BandwidthMiBs:           uint64(LiveMigrationBandwidth.Get(conf)),
		CompletionTimeoutPerGiB: time.Duration(LiveMigrationCompletionTimeout.Get(conf)) * time.Second,
		AutoConverge:            LiveMigrationPermitAutoConverge.Get(conf),
	}
}

// LiveCompute is what a host asks of the other hosts in a live migration
// (computeapi's client).
type LiveCompute interface {
	PreLiveMigration(ctx context.Context, dest string, a computeapi.LiveMigrationArgs) error
	PostLiveMigrationAtDestination(ctx context.Context, dest string, a computeapi.LiveMigrationArgs) (computeapi.PostLiveMigrationReply, error)
	RollbackLiveMigrationAtDestination(ctx context.Context, dest string, a computeapi.LiveMigrationArgs) error
}

var _ LiveCompute = (*computeapi.Client)(nil)

// liveDeps are what live migration needs beyond the build's.
type liveDeps struct {
	cfg     LiveMigrationConfig
	compute LiveCompute
	jobs    liveJobs
	// newDisabled registers a new service disabled (enable_new_services).
	newDisabled bool
}

// SetLiveMigration gives the manager its live migration settings and the
// compute RPC client to reach destinations.
func (m *Manager) SetLiveMigration(cfg LiveMigrationConfig, c LiveCompute) {
	m.live.cfg = cfg
	m.live.compute = c
}

// migrator is the driver's live migration, or an error saying there is none.
func (m *Manager) migrator() (virt.LiveMigrator, error) {
	lm, ok := m.driver.(virt.LiveMigrator)
	if !ok {
		return nil, fault.New(fault.Unavailable, "The hypervisor driver of host %s cannot live-migrate.", m.cfg.Host)
	}
	return lm, nil
}
