package manager

import (
	"time"

	"github.com/gostack/gostack/compute/configdrive"
	"github.com/gostack/gostack/services/config"
)

// nova-compute's options, with nova's names and Zed's defaults.
var (
	Host = config.String("DEFAULT", "host", "",
		"Name of this host in the services table and RPC topics; default: the machine's hostname.")
	MyIP = config.String("DEFAULT", "my_ip", "",
		"IP address of this host, shown as the hypervisor's host_ip.")
	ReportInterval = config.Seconds("DEFAULT", "report_interval", 10*time.Second,
		"Seconds between heartbeats of the service.", config.Min(1))
	CPUAllocationRatio = config.Float("DEFAULT", "cpu_allocation_ratio", 0,
		"Virtual CPUs per physical CPU the scheduler may give out; 0 means initial_cpu_allocation_ratio.", config.Min(0))
	RAMAllocationRatio = config.Float("DEFAULT", "ram_allocation_ratio", 0,
		"Virtual RAM per physical RAM the scheduler may give out; 0 means initial_ram_allocation_ratio.", config.Min(0))
	DiskAllocationRatio = config.Float("DEFAULT", "disk_allocation_ratio", 0,
		"Virtual disk per physical disk the scheduler may give out; 0 means initial_disk_allocation_ratio.", config.Min(0))
	InitialCPUAllocationRatio = config.Float("DEFAULT", "initial_cpu_allocation_ratio", 16.0,
		"cpu_allocation_ratio of a compute node when cpu_allocation_ratio is not set.", config.Min(0))
	InitialRAMAllocationRatio = config.Float("DEFAULT", "initial_ram_allocation_ratio", 1.5,
		"ram_allocation_ratio of a compute node when ram_allocation_ratio is not set.", config.Min(0))
	InitialDiskAllocationRatio = config.Float("DEFAULT", "initial_disk_allocation_ratio", 1.0,
		"disk_allocation_ratio of a compute node when disk_allocation_ratio is not set.", config.Min(0))
	ReservedHostCPUs = config.Int("DEFAULT", "reserved_host_cpus", 0,
		"Host CPUs kept for the host itself, not given to instances.", config.Min(0))
	ReservedHostMemoryMB = config.Int("DEFAULT", "reserved_host_memory_mb", 512,
		"Host memory (MB) kept for the host itself, not given to instances.", config.Min(0))
	ReservedHostDiskMB = config.Int("DEFAULT", "reserved_host_disk_mb", 0,
		"Disk (MB) kept for the host itself, not given to instances.", config.Min(0))
	SyncPowerStateInterval = config.Int("DEFAULT", "sync_power_state_interval", 600,
		"Seconds between syncs of the database's power states with the hypervisor's; 0 or less disables it.")
	UpdateResourcesInterval = config.Int("DEFAULT", "update_resources_interval", 0,
		"Seconds between reports of the host's resources; 0 means every 60 seconds.")
	ShutdownTimeout = config.Int("DEFAULT", "shutdown_timeout", 60,
		"Seconds a guest gets to shut down cleanly on stop before it is powered off.", config.Min(0))
	ReimageTimeoutPerGB = config.Int("DEFAULT", "reimage_timeout_per_gb", 20,
		"Seconds per GiB of the image to wait for Cinder's volume-reimaged event when a volume-backed server is rebuilt.", config.Min(1))
)

// Opts returns nova-compute's own options (the driver's are separate).
func Opts() []config.Option {
	return []config.Option{Host, MyIP, ReportInterval, CPUAllocationRatio, RAMAllocationRatio, DiskAllocationRatio,
		InitialCPUAllocationRatio, InitialRAMAllocationRatio, InitialDiskAllocationRatio,
		ReservedHostCPUs, ReservedHostMemoryMB, ReservedHostDiskMB, SyncPowerStateInterval,
		UpdateResourcesInterval, ShutdownTimeout, ReimageTimeoutPerGB, configdrive.ForceConfigDrive, configdrive.MkisofsCmd}
}

// Config is how the manager runs.
type Config struct {
	Host     string // [DEFAULT] host; required
	HostIP   string // [DEFAULT] my_ip
	VirtType string // [libvirt] virt_type: kvm or qemu (the hypervisor types reported)
	// Topic is the RPC topic served, as compute.<host>; computeapi.Topic
	// when empty (tests use their own).
	Topic string

	ReportInterval         time.Duration // heartbeat; default 10 s
	ResourceReportInterval time.Duration // default 60 s
	SyncPowerStateInterval time.Duration // <= 0 disables the periodic sync
	ShutdownTimeout        time.Duration // clean shutdown on stop
	ReimageTimeoutPerGB    time.Duration // volume-backed rebuild: wait for volume-reimaged; default 20 s

	CPUAllocationRatio  float64
	RAMAllocationRatio  float64
	DiskAllocationRatio float64
	ReservedCPUs        int
	ReservedMemoryMB    int
	ReservedDiskMB      int

	ConfigDrive configdrive.Settings // [DEFAULT] force_config_drive, mkisofs_cmd
}

func ratio(set, initial float64) float64 {
	if set > 0 {
		return set
	}
	return initial
}

// ConfigFrom reads the manager's Config; host is [DEFAULT] host with the
// hostname already filled in by the caller when empty.
func ConfigFrom(conf *config.Config, host string) Config {
	res := time.Duration(UpdateResourcesInterval.Get(conf)) * time.Second
	if res <= 0 {
		res = time.Minute
	}
	return Config{
		Host:                   host,
		HostIP:                 MyIP.Get(conf),
		ReportInterval:         ReportInterval.Get(conf),
		ResourceReportInterval: res,
		SyncPowerStateInterval: time.Duration(SyncPowerStateInterval.Get(conf)) * time.Second,
		ShutdownTimeout:        time.Duration(ShutdownTimeout.Get(conf)) * time.Second,
		ReimageTimeoutPerGB:    time.Duration(ReimageTimeoutPerGB.Get(conf)) * time.Second,
		CPUAllocationRatio:     ratio(CPUAllocationRatio.Get(conf), InitialCPUAllocationRatio.Get(conf)),
		RAMAllocationRatio:     ratio(RAMAllocationRatio.Get(conf), InitialRAMAllocationRatio.Get(conf)),
		DiskAllocationRatio:    ratio(DiskAllocationRatio.Get(conf), InitialDiskAllocationRatio.Get(conf)),
		ReservedCPUs:           ReservedHostCPUs.Get(conf),
		ReservedMemoryMB:       ReservedHostMemoryMB.Get(conf),
		ReservedDiskMB:         ReservedHostDiskMB.Get(conf),
		ConfigDrive:            configdrive.SettingsFrom(conf),
	}
}

func (c Config) withDefaults() Config {
	if c.Topic == "" {
		c.Topic = "compute"
	}
	if c.ReportInterval <= 0 {
		c.ReportInterval = 10 * time.Second
	}
	if c.ResourceReportInterval <= 0 {
		c.ResourceReportInterval = time.Minute
	}
	if c.ReimageTimeoutPerGB <= 0 {
		c.ReimageTimeoutPerGB = 20 * time.Second
	}
	c.CPUAllocationRatio = ratio(c.CPUAllocationRatio, 16)
	c.RAMAllocationRatio = ratio(c.RAMAllocationRatio, 1.5)
	c.DiskAllocationRatio = ratio(c.DiskAllocationRatio, 1)
	return c
}
