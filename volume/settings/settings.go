package settings

import (
	"os"
	"time"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/rpc"
)

// The options.
var (
	Host            = config.String("DEFAULT", "host", "", "Name of this host; the machine's hostname when empty.")
	EnabledBackends = config.List("DEFAULT", "enabled_backends", nil, "Backend sections cinder-volume serves.")
	StorageAZ       = config.String("DEFAULT", "storage_availability_zone", "nova", "Availability zone of this node's backends.")
	DefaultAZ       = config.String("DEFAULT", "default_availability_zone", "", "Zone of volumes created without one; storage_availability_zone when empty.")
	DefaultType     = config.String("DEFAULT", "default_volume_type", "__DEFAULT__", "Type of volumes created without one.")
	ReportInterval  = config.Seconds("DEFAULT", "report_interval", 10*time.Second, "Heartbeat and capability report interval.")
	ServiceDownTime = config.Seconds("DEFAULT", "service_down_time", 60*time.Second, "A service is down after this long without a heartbeat.")
	SchedulerWait   = config.Seconds("DEFAULT", "scheduler_driver_init_wait_time", 15*time.Second, "How long a fresh scheduler waits for backend reports before placing volumes.")
	ListenHost      = config.String("DEFAULT", "osapi_volume_listen", "0.0.0.0", "Address cinder-api listens on.")
	ListenPort      = config.Port("DEFAULT", "osapi_volume_listen_port", 8776, "Port cinder-api listens on.")
	MaxLimit        = config.Int("DEFAULT", "osapi_max_limit", 1000, "Most items a list returns.")
	ImageConvertDir = config.String("DEFAULT", "image_conversion_dir", "", "Scratch space for converting images to raw.")
	GlanceEndpoint  = config.String("DEFAULT", "glance_api_servers", "", "Glance URL; the catalog's image endpoint when empty.")
	QuotaVolumes    = config.Int("DEFAULT", "quota_volumes", 10, "Volumes per project.")
	QuotaSnapshots  = config.Int("DEFAULT", "quota_snapshots", 10, "Snapshots per project.")
	QuotaGigabytes  = config.Int("DEFAULT", "quota_gigabytes", 1000, "GiB of volumes and snapshots per project.")
	QuotaBackups    = config.Int("DEFAULT", "quota_backups", 10, "Backups per project.")
	QuotaBackupGB   = config.Int("DEFAULT", "quota_backup_gigabytes", 1000, "GiB of backups per project.")
	QuotaGroups     = config.Int("DEFAULT", "quota_groups", 10, "Groups per project.")
	PerVolumeGB     = config.Int("DEFAULT", "per_volume_size_limit", -1, "Largest volume, GiB; -1 for none.")
	BackupDriver    = config.String("DEFAULT", "backup_driver", "cinder.backup.drivers.ceph.CephBackupDriver", "Backup driver.")
	BackupCephConf  = config.String("DEFAULT", "backup_ceph_conf", "", "Ceph conf of the backup cluster.")
	BackupCephUser  = config.String("DEFAULT", "backup_ceph_user", "cinder-backup", "cephx user of backups.")
	BackupCephPool  = config.String("DEFAULT", "backup_ceph_pool", "backups", "RBD pool of backups.")
)

// Opts lists them.
func Opts() []config.Option {
	return []config.Option{Host, EnabledBackends, StorageAZ, DefaultAZ, DefaultType,
		ReportInterval, ServiceDownTime, SchedulerWait, ListenHost, ListenPort, MaxLimit, ImageConvertDir, GlanceEndpoint,
		QuotaVolumes, QuotaSnapshots, QuotaGigabytes, QuotaBackups, QuotaBackupGB, QuotaGroups, PerVolumeGB,
		BackupDriver, BackupCephConf, BackupCephUser, BackupCephPool}
}

// HostName is [DEFAULT] host, or the machine's name.
func HostName(c *config.Config) string {
	if h := Host.Get(c); h != "" {
		return h
	}
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// RPC is the transport configuration for a daemon: services/rpc's
// oslo.messaging options (rpc.Opts) with cinder's control exchange.
func RPC(c *config.Config, name string) rpc.Config {
	return rpc.ConfigFrom(c, "cinder", name)
}

// Quotas are the default limits.
func Quotas(c *config.Config) map[string]int {
	return map[string]int{"volumes": QuotaVolumes.Get(c), "snapshots": QuotaSnapshots.Get(c),
		"gigabytes": QuotaGigabytes.Get(c), "backups": QuotaBackups.Get(c), "backup_gigabytes": QuotaBackupGB.Get(c),
		"groups": QuotaGroups.Get(c), "per_volume_gigabytes": PerVolumeGB.Get(c)}
}

// AZ is the zone of new volumes without one.
func AZ(c *config.Config) string {
	if z := DefaultAZ.Get(c); z != "" {
		return z
	}
	return StorageAZ.Get(c)
}
