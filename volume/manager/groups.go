package manager

import (
	"context"

	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// A group or group snapshot whose status follows its members while an
// operation runs (a group made from a source, a group or group snapshot
// being deleted, a group snapshot being taken) is settled here when the
// work on one of its members ends, as upstream's manager updates the
// group when its own work on the group's volumes ends; the rules are
// store.SettleGroup's and SettleGroupSnapshot's.

// settleGroup settles the group of a volume whose create or delete ended
// (groupID nil: the volume is in no group).
func (m *Manager) settleGroup(ctx context.Context, groupID *string) {
	if groupID == nil {
		return
	}
	if err := m.db.SettleGroup(context.WithoutCancel(ctx), *groupID); err != nil {
		m.log.Warn("cannot settle group", "group", *groupID, "err", err)
	}
}

// settleGroupSnapshot settles the group snapshot of a snapshot whose
// create or delete ended (id nil: not taken for a group snapshot).
func (m *Manager) settleGroupSnapshot(ctx context.Context, id *string) {
	if id == nil {
		return
	}
	if err := m.db.SettleGroupSnapshot(context.WithoutCancel(ctx), *id); err != nil {
		m.log.Warn("cannot settle group snapshot", "group_snapshot", *id, "err", err)
	}
}

// recoverGroups settles the groups of this backend, and the group
// snapshots of its groups, that are still settling at start: the service
// may have stopped between a member's outcome and the settling of its
// group.
func (m *Manager) recoverGroups(ctx context.Context) {
	groups, err := m.db.ListGroups(ctx, store.GroupFilter{Settling: true}, nil, "", 0, 0)
	if err != nil {
		m.log.Error("recovery: cannot list settling groups", "err", err)
		return
	}
	for _, g := range groups {
		if rpcapi.BackendOf(g.Host) == m.cfg.Host {
			m.settleGroup(ctx, &g.ID)
		}
	}
	snaps, err := m.db.ListGroupSnapshots(ctx, store.GroupSnapshotFilter{Settling: true}, nil, "", 0, 0)
	if err != nil {
		m.log.Error("recovery: cannot list settling group snapshots", "err", err)
		return
	}
	for _, gs := range snaps {
		if g, err := m.db.GetGroup(ctx, gs.GroupID); err == nil && rpcapi.BackendOf(g.Host) == m.cfg.Host {
			m.settleGroupSnapshot(ctx, &gs.ID)
		}
	}
}
