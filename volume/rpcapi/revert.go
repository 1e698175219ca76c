package rpcapi

import "context"

// MethodRevertToSnapshot is cinder's volume manager revert_to_snapshot
// (volume rpcapi 3.15).
const MethodRevertToSnapshot = "revert_to_snapshot"

// RevertToSnapshot is the argument of revert_to_snapshot: the volume (status
// reverting) and its latest snapshot (status restoring), both set by the API.
type RevertToSnapshot struct {
	VolumeID   string `json:"volume_id"`
	SnapshotID string `json:"snapshot_id"`
}

// RevertToSnapshot casts revert_to_snapshot to the volume's backend.
func (c *Client) RevertToSnapshot(ctx context.Context, host, volumeID, snapshotID string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodRevertToSnapshot, RevertToSnapshot{VolumeID: volumeID, SnapshotID: snapshotID})
}
