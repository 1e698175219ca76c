package libvirt

import (
	"time"

	"github.com/gostack/gostack/services/config"
)

// The driver's options, with nova's names and defaults.
var (
	VirtType = config.Choice("libvirt", "virt_type", "kvm", []string{"kvm", "qemu"},
		"Libvirt domain type: kvm (hardware virtualisation) or qemu (TCG emulation, slower, works without /dev/kvm).")
	ConnectionURI = config.String("libvirt", "connection_uri", "",
		"Libvirt connection URI; empty means the default for virt_type (qemu:///system).")
	ImagesType = config.Choice("libvirt", "images_type", "default",
		[]string{"raw", "flat", "qcow2", "lvm", "rbd", "ploop", "default"},
		"Where instance disks live. This driver supports rbd only.")
	ImagesRBDPool = config.String("libvirt", "images_rbd_pool", "rbd",
		"The RADOS pool in which instance disks are stored.")
	ImagesRBDCephConf = config.String("libvirt", "images_rbd_ceph_conf", "",
		"Path to the ceph configuration file to use; empty means librados' default search.")
	RBDUser = config.String("libvirt", "rbd_user", "",
		"The cephx user (without \"client.\") to access RBD disks as.")
	RBDSecretUUID = config.String("libvirt", "rbd_secret_uuid", "",
		"The uuid of the libvirt secret holding rbd_user's key; created when missing.")
	RBDConnectTimeout = config.Int("libvirt", "rbd_connect_timeout", 5,
		"Seconds to wait when connecting to the Ceph cluster.", config.Min(1))
	WaitSoftRebootSeconds = config.Int("libvirt", "wait_soft_reboot_seconds", 120,
		"Seconds to wait for a guest to shut down during a soft reboot before a hard reboot.", config.Min(0))
	CPUMode = config.Choice("libvirt", "cpu_mode", "", []string{"host-model", "host-passthrough", "custom", "none"},
		"CPU mode of guests; empty means host-model for kvm and none for qemu.")
	InstancesPath = config.String("DEFAULT", "instances_path", "/var/lib/nova/instances",
		"Where instances keep their local files (the console log).")
)

// Opts returns the driver's options, for nova-compute to register.
func Opts() []config.Option {
	return []config.Option{VirtType, ConnectionURI, ImagesType, ImagesRBDPool, ImagesRBDCephConf, RBDUser,
		RBDSecretUUID, RBDConnectTimeout, WaitSoftRebootSeconds, CPUMode, InstancesPath}
}

// Settings are the driver's options as values.
type Settings struct {
	VirtType      string // kvm or qemu
	ConnectionURI string // qemu:///system when empty
	ImagesType    string // must be rbd
	Pool          string // images_rbd_pool
	CephConf      string // images_rbd_ceph_conf
	RBDUser       string
	SecretUUID    string // rbd_secret_uuid
	// WaitSoftReboot bounds the guest's own shutdown in a soft reboot.
	WaitSoftReboot time.Duration
	CPUMode        string // "" chooses per virt type
	InstancesPath  string
}

// SettingsFrom reads the settings from conf.
func SettingsFrom(conf *config.Config) Settings {
	return Settings{
		VirtType:       VirtType.Get(conf),
		ConnectionURI:  ConnectionURI.Get(conf),
		ImagesType:     ImagesType.Get(conf),
		Pool:           ImagesRBDPool.Get(conf),
		CephConf:       ImagesRBDCephConf.Get(conf),
		RBDUser:        RBDUser.Get(conf),
		SecretUUID:     RBDSecretUUID.Get(conf),
		WaitSoftReboot: time.Duration(WaitSoftRebootSeconds.Get(conf)) * time.Second,
		CPUMode:        CPUMode.Get(conf),
		InstancesPath:  InstancesPath.Get(conf),
	}
}

// CephTimeout is the bound for nova-compute's ceph.Config.Timeout, which
// covers the connection and every librados call after it: upstream's
// rbd_connect_timeout covers only the connection, and a clone or removal
// on a busy cluster must not fail after 5 s, so it is at least 30 s.
func CephTimeout(conf *config.Config) time.Duration {
	return max(time.Duration(RBDConnectTimeout.Get(conf))*time.Second, 30*time.Second)
}
