package manager

import (
	"context"
	"errors"

	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// revertToSnapshot serves revert_to_snapshot (a cast): cinder's manager
// revert_to_snapshot. The API set the volume reverting and its latest
// snapshot restoring; the driver rolls the volume back to the snapshot.
// Then the volume is available again, or in error when the driver failed
// (upstream records no user message for it), and the snapshot is available
// either way. Like upstream's RBD driver, no temporary backup snapshot is
// taken first.
func (m *Manager) revertToSnapshot(ctx context.Context, a rpcapi.RevertToSnapshot) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "reverting" {
		return struct{}{}, nil // a redelivery of finished work
	}
	err = m.revert(ctx, v.ID, a.SnapshotID)
	st := "available"
	if err != nil {
		m.log.Error("revert to snapshot failed", "volume", v.ID, "snapshot", a.SnapshotID, "err", err)
		st = "error"
	}
	if _, uerr := m.db.UpdateVolume(ctx, v.ID, []string{"reverting"}, store.VolumeUpdate{Status: &st}); uerr != nil {
		m.log.Error("revert finished, but the volume's status could not be reset; reset it by hand", "volume", v.ID, "status", st, "err", uerr)
	}
	m.snapshotRestored(ctx, a.SnapshotID)
	if err == nil {
		m.log.Info("volume reverted to snapshot", "volume", v.ID, "snapshot", a.SnapshotID)
	}
	return struct{}{}, nil
}

func (m *Manager) revert(ctx context.Context, volumeID, snapshotID string) error {
	d, err := m.driver()
	if err != nil {
		return err
	}
	rv, ok := d.(driver.Reverter)
	if !ok {
		return errors.New("the volume driver cannot revert a volume to a snapshot")
	}
	return rv.RevertToSnapshot(ctx, volumeID, snapshotID)
}

// snapshotRestored returns a restoring snapshot to available.
func (m *Manager) snapshotRestored(ctx context.Context, id string) {
	avail := "available"
	if _, err := m.db.UpdateSnapshot(ctx, id, []string{"restoring"}, store.SnapshotUpdate{Status: &avail}); err != nil {
		m.log.Error("cannot reset the snapshot's status to available; reset it by hand", "snapshot", id, "err", err)
	}
}

// recoverReverts ends the reverts the service stopped during: the volume
// may be half rolled back, so it is in error, and its restoring snapshots
// are available again (upstream leaves both stuck).
func (m *Manager) recoverReverts(ctx context.Context) {
	vols, err := m.db.ListVolumes(ctx, store.VolumeFilter{Host: m.cfg.Host, Statuses: []string{"reverting"}}, nil, "", 0)
	if err != nil {
		m.log.Error("recovery: cannot list reverting volumes", "err", err)
		return
	}
	for _, v := range vols {
		m.log.Warn("recovery: volume was being reverted to a snapshot when the service stopped; marking it error", "volume", v.ID)
		m.setStatus(ctx, v.ID, "error")
		snaps, err := m.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID, Status: "restoring"}, nil, "", 0)
		if err != nil {
			continue
		}
		for _, s := range snaps {
			m.snapshotRestored(ctx, s.ID)
		}
	}
}
