package driver

import (
	"github.com/gostack/gostack/services/config"
)

// The backend section's options (read from [<backend>], then
// [backend_defaults]), with cinder's names.
var (
	VolumeDriver        = config.String("backend_defaults", "volume_driver", "cinder.volume.drivers.rbd.RBDDriver", "Driver of the backend; only the RBD driver is available.")
	VolumeBackendName   = config.String("backend_defaults", "volume_backend_name", "", "Name volume types select the backend by (extra spec volume_backend_name); the section name when empty.")
	BackendAZ           = config.String("backend_defaults", "backend_availability_zone", "", "Availability zone of the backend; [DEFAULT] storage_availability_zone when empty.")
	RBDPool             = config.String("backend_defaults", "rbd_pool", "rbd", "RBD pool of the volumes.")
	RBDUser             = config.String("backend_defaults", "rbd_user", "", "cephx user (without client.).")
	RBDCephConf         = config.String("backend_defaults", "rbd_ceph_conf", "", "Ceph configuration file.")
	RBDKeyring          = config.String("backend_defaults", "rbd_keyring_conf", "", "Keyring of rbd_user; the conf's keyring when empty.")
	RBDClusterName      = config.String("backend_defaults", "rbd_cluster_name", "ceph", "Ceph cluster name.")
	RBDSecretUUID       = config.String("backend_defaults", "rbd_secret_uuid", "", "libvirt secret holding rbd_user's key on compute hosts.")
	RBDMaxCloneDepth    = config.Int("backend_defaults", "rbd_max_clone_depth", 5, "Clones deeper than this are flattened; 0 flattens every clone of a volume.")
	RBDFlattenFromSnap  = config.Bool("backend_defaults", "rbd_flatten_volume_from_snapshot", false, "Flatten volumes created from snapshots.")
	RBDStoreChunkSize   = config.Int("backend_defaults", "rbd_store_chunk_size", 4, "Object size of new volumes, MiB.")
	ReservedPercentage  = config.Int("backend_defaults", "reserved_percentage", 0, "Capacity kept free, percent.")
	MaxOverSubscription = config.Float("backend_defaults", "max_over_subscription_ratio", 20, "Thin provisioning over-subscription.")
)

// BackendOpts are the options of a backend section.
func BackendOpts() []config.Option {
	return []config.Option{VolumeDriver, VolumeBackendName, BackendAZ, RBDPool, RBDUser, RBDCephConf, RBDKeyring,
		RBDClusterName, RBDSecretUUID, RBDMaxCloneDepth, RBDFlattenFromSnap, RBDStoreChunkSize, ReservedPercentage,
		MaxOverSubscription}
}
