package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// CreateBlockDeviceMapping adds one mapping to a live instance (a volume
// attachment) and returns it.
func (s *Store) CreateBlockDeviceMapping(ctx context.Context, b objects.BlockDeviceMapping) (objects.BlockDeviceMapping, error) {
	if b.UUID == "" {
		b.UUID = uuid.NewString()
	}
	if err := insertBDM(ctx, s.q, b); err != nil {
		return b, err
	}
	return s.BlockDeviceMapping(ctx, b.UUID)
}

// BlockDeviceMapping returns one live mapping by its uuid.
func (s *Store) BlockDeviceMapping(ctx context.Context, id string) (objects.BlockDeviceMapping, error) {
	var b objects.BlockDeviceMapping
	err := s.q.QueryRow(ctx, `SELECT `+bdmColumns+` FROM block_device_mappings WHERE uuid = $1::uuid AND deleted_at IS NULL`, id).Scan(
		&b.ID, &b.UUID, &b.InstanceUUID, &b.SourceType, &b.DestinationType, &b.DeviceType,
		&b.DiskBus, &b.BootIndex, &b.DeviceName, &b.ImageID, &b.VolumeID, &b.SnapshotID, &b.VolumeSize,
		&b.VolumeType, &b.GuestFormat, &b.DeleteOnTermination, &b.ConnectionInfo, &b.AttachmentID, &b.Tag, &b.NoDevice)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return b, fault.New(fault.NotFound, "Block device mapping %s could not be found.", id)
		}
		return b, fmt.Errorf("block device mapping: %w", err)
	}
	return b, nil
}

// BDMUpdate changes a mapping; nil fields stay.
type BDMUpdate struct {
	VolumeID       *string `json:"volume_id,omitempty"`
	AttachmentID   *string `json:"attachment_id,omitempty"`
	ConnectionInfo *string `json:"connection_info,omitempty"`
	DeviceName     *string `json:"device_name,omitempty"`
	VolumeSize     *int    `json:"volume_size,omitempty"`
	// DeleteOnTermination is changed by the API only (2.85).
	DeleteOnTermination *bool `json:"delete_on_termination,omitempty"`
}

// UpdateBlockDeviceMapping applies u to the live mapping id of instance
// (nova's BlockDeviceMapping.save from a compute host).
func (s *Store) UpdateBlockDeviceMapping(ctx context.Context, instanceUUID, id string, u BDMUpdate) (objects.BlockDeviceMapping, error) {
	tag, err := s.q.Exec(ctx, `UPDATE block_device_mappings SET
		volume_id = coalesce($3, volume_id), attachment_id = coalesce($4, attachment_id),
		connection_info = coalesce($5, connection_info), device_name = coalesce($6, device_name),
		volume_size = coalesce($7, volume_size), delete_on_termination = coalesce($8, delete_on_termination),
		updated_at = now()
		WHERE uuid = $1::uuid AND instance_uuid = $2::uuid AND deleted_at IS NULL`,
		id, instanceUUID, u.VolumeID, u.AttachmentID, u.ConnectionInfo, u.DeviceName, u.VolumeSize, u.DeleteOnTermination)
	if err != nil {
		return objects.BlockDeviceMapping{}, fmt.Errorf("update block device mapping: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return objects.BlockDeviceMapping{}, fault.New(fault.NotFound, "Block device mapping %s of instance %s could not be found.", id, instanceUUID)
	}
	return s.BlockDeviceMapping(ctx, id)
}

// DeleteBlockDeviceMapping removes a live mapping (a detached volume); one
// already gone is not an error.
func (s *Store) DeleteBlockDeviceMapping(ctx context.Context, id string) error {
	_, err := s.q.Exec(ctx, `UPDATE block_device_mappings SET deleted_at = now() WHERE uuid = $1::uuid AND deleted_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("delete block device mapping: %w", err)
	}
	return nil
}
