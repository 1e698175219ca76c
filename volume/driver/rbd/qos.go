package rbd

import (
	"context"
	"strconv"
	"strings"

	"github.com/gostack/gostack/volume/driver"
)

// qosOptions maps the QoS spec keys upstream's RBD driver (Zed) applies to
// the librbd options they set. Each is stored as the image metadata key
// conf_<option> (what librbd's rbd_config_image_set writes), which librbd
// reads as a per-image override of the cluster's configuration, so every
// client of the image is throttled. Other keys (the *_per_gb ones, the
// burst lengths, size_iops_sec, ...) are not applied, as upstream.
//
// Upstream maps total_iops_sec_max to rbd_qos_bps_burst, the option of
// total_bytes_sec_max, which sets a bytes-per-second burst from an IOPS
// value (or overwrites total_bytes_sec_max's); it is rbd_qos_iops_burst here.
var qosOptions = map[string]string{
	"total_iops_sec":      "rbd_qos_iops_limit",
	"read_iops_sec":       "rbd_qos_read_iops_limit",
	"write_iops_sec":      "rbd_qos_write_iops_limit",
	"total_bytes_sec":     "rbd_qos_bps_limit",
	"read_bytes_sec":      "rbd_qos_read_bps_limit",
	"write_bytes_sec":     "rbd_qos_write_bps_limit",
	"total_iops_sec_max":  "rbd_qos_iops_burst",
	"read_iops_sec_max":   "rbd_qos_read_iops_burst",
	"write_iops_sec_max":  "rbd_qos_write_iops_burst",
	"total_bytes_sec_max": "rbd_qos_bps_burst",
	"read_bytes_sec_max":  "rbd_qos_read_bps_burst",
	"write_bytes_sec_max": "rbd_qos_write_bps_burst",
}

// QoSMetadataKey is the image metadata key holding a librbd option.
func QoSMetadataKey(option string) string { return "conf_" + option }

// QoSMetadata returns the image metadata the back-end QoS specs give a
// volume: conf_<option> for each known key whose value is a whole number
// (librbd's options are unsigned integers; upstream writes any value and
// librbd then ignores a malformed one).
func QoSMetadata(specs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range specs {
		opt, ok := qosOptions[k]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			continue
		}
		out[QoSMetadataKey(opt)] = v
	}
	return out
}

// SetQoS is upstream's update_rbd_image_qos and, on a retype,
// delete_rbd_image_qos_keys: the volume image's conf_rbd_qos_* metadata
// becomes what specs give, set where it differs and removed where specs
// has no value. Metadata other than these options is left alone. Unlike
// upstream, which only adds keys at creation, a volume cloned from another
// volume, a snapshot or an image does not keep QoS limits its parent's
// metadata carried over (librbd copies it into a clone) when its own type
// has none.
func (d *Driver) SetQoS(ctx context.Context, id string, specs map[string]string) error {
	want := QoSMetadata(specs)
	img, err := d.c.Open(ctx, d.vol(id))
	if err != nil {
		return err
	}
	defer img.Close()
	have, err := img.Metadata(ctx)
	if err != nil {
		return err
	}
	for _, opt := range qosOptions {
		key := QoSMetadataKey(opt)
		v, wanted := want[key]
		cur, present := have[key]
		switch {
		case wanted && (!present || cur != v):
			if err := img.SetMetadata(ctx, key, v); err != nil {
				return err
			}
		case !wanted && present:
			if err := img.RemoveMetadata(ctx, key); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ driver.QoSSetter = (*Driver)(nil)
