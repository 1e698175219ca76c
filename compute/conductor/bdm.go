package conductor

import (
	"context"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
)

// bdmUpdate serves block_device_mapping_update for compute hosts, which
// hold no database credentials.
func (m *Manager) bdmUpdate(ctx context.Context, a conductorapi.BDMUpdate) (objects.BlockDeviceMapping, error) {
	return m.store.UpdateBlockDeviceMapping(ctx, a.InstanceUUID, a.UUID, store.BDMUpdate{
		VolumeID: a.VolumeID, AttachmentID: a.AttachmentID, ConnectionInfo: a.ConnectionInfo,
		DeviceName: a.DeviceName, VolumeSize: a.VolumeSize,
	})
}
