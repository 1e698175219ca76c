package cephbackup

import (
	"fmt"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/settings"
)

// ConfigFrom reads the backup_ceph_* options and, for each backend section
// of [DEFAULT] enabled_backends, how to reach its volumes (rbd_pool,
// rbd_user, rbd_ceph_conf, rbd_keyring_conf, rbd_cluster_name).
func ConfigFrom(conf *config.Config) (Config, error) {
	if d := settings.BackupDriver.Get(conf); d != "cinder.backup.drivers.ceph.CephBackupDriver" && d != "cinder.backup.drivers.ceph" {
		return Config{}, fmt.Errorf("[DEFAULT] backup_driver %q: only cinder.backup.drivers.ceph.CephBackupDriver is available", d)
	}
	cfg := Config{Backup: Cluster{Pool: settings.BackupCephPool.Get(conf), User: settings.BackupCephUser.Get(conf),
		CephConf: settings.BackupCephConf.Get(conf), ClusterName: "ceph"}, Backends: map[string]Cluster{}}
	for _, name := range settings.EnabledBackends.Get(conf) {
		sec, err := conf.Section(name, driver.BackendOpts()...)
		if err != nil {
			return Config{}, fmt.Errorf("backend %s: %w", name, err)
		}
		cfg.Backends[name] = Cluster{Pool: driver.RBDPool.Get(sec), User: driver.RBDUser.Get(sec),
			CephConf: driver.RBDCephConf.Get(sec), Keyring: driver.RBDKeyring.Get(sec), ClusterName: driver.RBDClusterName.Get(sec)}
	}
	return cfg, nil
}
