package rbd

import (
	"github.com/gostack/gostack/services/config"
)

// Group is the config section of the store options, as glance_store's.
const Group = "glance_store"

// The [glance_store] options of the RBD driver, with glance_store's names
// and defaults (glance_store/_drivers/rbd.py _RBD_OPTS).
var (
	Pool = config.String(Group, "rbd_store_pool", "images",
		"RADOS pool in which images are stored.")
	User = config.String(Group, "rbd_store_user", "",
		"RADOS user (cephx id, without \"client.\") to authenticate as; empty means the librados default (admin).")
	CephConf = config.String(Group, "rbd_store_ceph_conf", "/etc/ceph/ceph.conf",
		"Ceph configuration file naming the monitors and the user's keyring.")
	ChunkSize = config.Int(Group, "rbd_store_chunk_size", 8,
		"Size in MiB of the RADOS objects images are striped over, and of each write; a power of two.",
		config.Min(1), config.Max(1024))
)

// Opts returns the store's options.
func Opts() []config.Option {
	return []config.Option{Pool, User, CephConf, ChunkSize}
}

// ConfigFrom reads the store settings from conf.
func ConfigFrom(conf *config.Config) Config {
	return Config{Pool: Pool.Get(conf), ChunkSize: ChunkSize.Get(conf) << 20}
}
