package conductorapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// MethodBDMUpdate is block_device_mapping_update: a compute host records
// what it learnt about a volume mapping (the volume it created, the
// attachment, the connection info, the device).
const MethodBDMUpdate = "block_device_mapping_update"

// BDMUpdate is the block_device_mapping_update call: the non-nil fields of
// the mapping UUID of instance InstanceUUID change. It answers the mapping.
type BDMUpdate struct {
	InstanceUUID   string  `json:"instance_uuid"`
	UUID           string  `json:"uuid"`
	VolumeID       *string `json:"volume_id,omitempty"`
	AttachmentID   *string `json:"attachment_id,omitempty"`
	ConnectionInfo *string `json:"connection_info,omitempty"`
	DeviceName     *string `json:"device_name,omitempty"`
	VolumeSize     *int    `json:"volume_size,omitempty"`
}

// BDMUpdate calls block_device_mapping_update.
func (c *Client) BDMUpdate(ctx context.Context, m BDMUpdate) (objects.BlockDeviceMapping, error) {
	var out objects.BlockDeviceMapping
	err := c.rpc.Call(ctx, c.target, MethodBDMUpdate, m, &out)
	return out, err
}
