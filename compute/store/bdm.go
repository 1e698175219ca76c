package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
)

const bdmColumns = `id, uuid::text, instance_uuid::text, source_type, destination_type, coalesce(device_type, ''),
	coalesce(disk_bus, ''), boot_index, coalesce(device_name, ''), coalesce(image_id, ''), coalesce(volume_id, ''),
	coalesce(snapshot_id, ''), coalesce(volume_size, 0), coalesce(volume_type, ''), coalesce(guest_format, ''),
	delete_on_termination, coalesce(connection_info, ''), coalesce(attachment_id, ''), coalesce(tag, ''), no_device`

func insertBDM(ctx context.Context, q db.Querier, b objects.BlockDeviceMapping) error {
	if b.UUID == "" {
		b.UUID = uuid.NewString()
	}
	var size *int
	if b.VolumeSize > 0 {
		size = &b.VolumeSize
	}
	_, err := q.Exec(ctx, `INSERT INTO block_device_mappings (uuid, instance_uuid, source_type, destination_type,
		device_type, disk_bus, boot_index, device_name, image_id, volume_id, snapshot_id, volume_size, volume_type,
		guest_format, delete_on_termination, connection_info, attachment_id, tag, no_device)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		b.UUID, b.InstanceUUID, b.SourceType, b.DestinationType, nullStr(b.DeviceType), nullStr(b.DiskBus),
		b.BootIndex, nullStr(b.DeviceName), nullStr(b.ImageID), nullStr(b.VolumeID), nullStr(b.SnapshotID), size,
		nullStr(b.VolumeType), nullStr(b.GuestFormat), b.DeleteOnTermination, nullStr(b.ConnectionInfo),
		nullStr(b.AttachmentID), nullStr(b.Tag), b.NoDevice)
	if err != nil {
		return fmt.Errorf("create block device mapping: %w", err)
	}
	return nil
}

// BlockDeviceMappings returns the live mappings of instances, by uuid.
func (s *Store) BlockDeviceMappings(ctx context.Context, uuids []string) (map[string][]objects.BlockDeviceMapping, error) {
	rows, err := s.q.Query(ctx, `SELECT `+bdmColumns+` FROM block_device_mappings
		WHERE instance_uuid = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY boot_index NULLS LAST, id`, uuids)
	if err != nil {
		return nil, fmt.Errorf("block device mappings: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.BlockDeviceMapping, error) {
		var b objects.BlockDeviceMapping
		err := r.Scan(&b.ID, &b.UUID, &b.InstanceUUID, &b.SourceType, &b.DestinationType, &b.DeviceType,
			&b.DiskBus, &b.BootIndex, &b.DeviceName, &b.ImageID, &b.VolumeID, &b.SnapshotID, &b.VolumeSize,
			&b.VolumeType, &b.GuestFormat, &b.DeleteOnTermination, &b.ConnectionInfo, &b.AttachmentID, &b.Tag, &b.NoDevice)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("block device mappings: %w", err)
	}
	out := map[string][]objects.BlockDeviceMapping{}
	for _, b := range list {
		out[b.InstanceUUID] = append(out[b.InstanceUUID], b)
	}
	return out, nil
}
