package rbd

import "context"

// RevertToSnapshot rolls volume-<vol> back to its snapshot-<id>, data and
// size, as upstream's RBD driver (rollback_to_snap; no temporary snapshot
// first). It rewrites what changed since the snapshot, so it takes as long
// as that data does.
func (d *Driver) RevertToSnapshot(ctx context.Context, volumeID, snapshotID string) error {
	return d.c.RollbackSnapshot(ctx, d.vol(volumeID).WithSnap(SnapshotName(snapshotID)))
}
