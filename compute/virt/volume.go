package virt

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// VolumeAttacher is the optional ability to attach block storage volumes
// to guests (nova's attach_volume, detach_volume, extend_volume). The
// manager checks for it with a type assertion.
type VolumeAttacher interface {
	// AttachVolume plugs the volume into the guest, live when it runs and
	// in its definition either way, and returns the device it got
	// ("/dev/vdb"). Attaching a volume already attached returns its device.
	AttachVolume(ctx context.Context, uuid string, vol VolumeConnection) (device string, err error)
	// DetachVolume unplugs the volume, waiting for a running guest to
	// release it. A volume not attached is not an error.
	DetachVolume(ctx context.Context, uuid, volumeID string) error
	// ExtendVolume tells a running guest that the volume grew to size
	// bytes (the os-server-external-events volume-extended event).
	ExtendVolume(ctx context.Context, uuid, volumeID string, size int64) error
}

// VolumeConnection is how to reach a volume: Cinder's connection_info for
// an rbd volume, plus where the caller wants it in the guest.
type VolumeConnection struct {
	VolumeID         string
	DriverVolumeType string   // "rbd"
	Name             string   // pool/image, e.g. volumes/volume-<id>
	Hosts            []string // monitors
	Ports            []string
	AuthEnabled      bool
	AuthUsername     string
	SecretType       string // "ceph"
	SecretUUID       string
	Discard          bool
	ReadOnly         bool // access_mode ro
	// Multiattach volumes may be attached to several guests at once:
	// their disk is shareable (nova's connection_info "multiattach").
	Multiattach bool
	// QoS is the volume type's front-end QoS specs (connection_info
	// "qos_specs"): the disk's I/O limits, e.g. "total_iops_sec": "500".
	QoS map[string]string
	// Device is the requested device ("/dev/vdb" or "vdb"); empty picks
	// the next free one on Bus.
	Device string
	Bus    string // virtio unless set
}

// VolumeConnectionFrom reads Cinder's connection_info (driver_volume_type
// and its data object) as the API or RPC delivers it.
func VolumeConnectionFrom(driverVolumeType string, data map[string]any) (VolumeConnection, error) {
	if driverVolumeType != "rbd" && driverVolumeType != "network" {
		return VolumeConnection{}, fault.New(fault.Invalid,
			"Volume driver type %q is not supported by this compute host; only rbd volumes can be attached.", driverVolumeType)
	}
	str := func(k string) string {
		if v, ok := data[k].(string); ok {
			return v
		}
		return ""
	}
	strs := func(k string) []string {
		var out []string
		switch v := data[k].(type) {
		case []string:
			out = append(out, v...)
		case []any:
			for _, x := range v {
				out = append(out, fmt.Sprint(x))
			}
		}
		return out
	}
	b := func(k string) bool {
		switch v := data[k].(type) {
		case bool:
			return v
		case string:
			return strings.EqualFold(v, "true")
		}
		return false
	}
	c := VolumeConnection{
		VolumeID:         str("volume_id"),
		DriverVolumeType: "rbd",
		Name:             str("name"),
		Hosts:            strs("hosts"),
		Ports:            strs("ports"),
		AuthEnabled:      b("auth_enabled"),
		AuthUsername:     str("auth_username"),
		SecretType:       str("secret_type"),
		SecretUUID:       str("secret_uuid"),
		Discard:          b("discard"),
		ReadOnly:         str("access_mode") == "ro",
	}
	if specs, ok := data["qos_specs"].(map[string]any); ok {
		c.QoS = map[string]string{}
		for k, v := range specs {
			switch x := v.(type) {
			case string:
				c.QoS[k] = x
			case float64: // a JSON number (cinder's per-GB values)
				c.QoS[k] = strconv.FormatFloat(x, 'f', -1, 64)
			case int, int64:
				c.QoS[k] = fmt.Sprint(x)
			}
		}
	}
	if c.Name == "" || !strings.Contains(c.Name, "/") {
		return VolumeConnection{}, fault.New(fault.Invalid, "The volume connection names no RBD image (pool/image): %q.", c.Name)
	}
	if len(c.Ports) != 0 && len(c.Ports) != len(c.Hosts) {
		return VolumeConnection{}, fault.New(fault.Invalid, "The volume connection lists %d monitor hosts but %d ports.", len(c.Hosts), len(c.Ports))
	}
	return c, nil
}
