package store

import (
	"context"
	"slices"

	"github.com/gostack/gostack/services/fault"
)

// A settling group or group snapshot (see
// migrations/cinder/00007_groups.sql) has a status that follows its
// members while the operation under way runs: a group made from a source,
// a group or group snapshot being deleted, a group snapshot being taken.
// Whoever ends work on a member settles the one record it belongs to, as
// upstream's cinder-volume updates a group when its own work on the
// group's volumes ends: the volume manager after a volume or snapshot
// create or delete, the scheduler when it finds no backend for a volume,
// cinder-api when it did the work itself (nothing to cast, a cast that
// failed). cinder-volume also settles what a crash left settling when it
// starts.

// SettleGroup brings group id, while it settles, to the status its
// volumes give it: a group being made is available once none of its
// volumes is creating or downloading (error when one of them is not
// available); a group being deleted is removed once it has no volume
// left, and is error when none is deleting any more (one could not be
// deleted); any other status stays and the group stops settling. A group
// gone, not settling, or changed meanwhile is left as it is.
func (s *Store) SettleGroup(ctx context.Context, id string) error {
	g, err := s.GetGroup(ctx, id)
	if err != nil || !g.Settling {
		return ignoreNotFound(err)
	}
	vols, err := s.ListVolumes(ctx, VolumeFilter{GroupID: g.ID}, nil, "", 0)
	if err != nil {
		return err
	}
	members := make([]string, len(vols))
	for i, v := range vols {
		members[i] = v.Status
	}
	st, ok := settled(g.Status, members, []string{"creating", "downloading"}, "error")
	switch {
	case !ok:
		return nil
	case st == "deleted":
		err = s.deleteGroupIfEmpty(ctx, g.ID)
	default:
		off := false
		_, err = s.UpdateGroup(ctx, g.ID, []string{g.Status}, true, GroupUpdate{Status: &st, Settling: &off})
	}
	return ignoreInvalid(err)
}

// SettleGroupSnapshot is SettleGroup for a group snapshot and its
// snapshots: available once none of them is creating (error when one of
// them is not available), removed once none is left after a delete, and
// error_deleting when none is deleting any more.
func (s *Store) SettleGroupSnapshot(ctx context.Context, id string) error {
	gs, err := s.GetGroupSnapshot(ctx, id)
	if err != nil || !gs.Settling {
		return ignoreNotFound(err)
	}
	snaps, err := s.ListSnapshots(ctx, SnapshotFilter{GroupSnapshotID: gs.ID}, nil, "", 0)
	if err != nil {
		return err
	}
	members := make([]string, len(snaps))
	for i, sn := range snaps {
		members[i] = sn.Status
	}
	st, ok := settled(gs.Status, members, []string{"creating"}, "error_deleting")
	switch {
	case !ok:
		return nil
	case st == "deleted":
		err = s.deleteGroupSnapshotIfEmpty(ctx, gs.ID)
	default:
		_, err = s.UpdateGroupSnapshot(ctx, gs.ID, []string{gs.Status}, true, st, false)
	}
	return ignoreInvalid(err)
}

// settled is the status a settling record in status takes from the
// statuses of its members, with ok false while one of them is still being
// made (making) or deleted; "deleted" means the record goes (it was being
// deleted and has no member left). deleteFailed is its status when a
// member could not be deleted.
func settled(status string, members, making []string, deleteFailed string) (string, bool) {
	switch status {
	case "creating":
		st := "available"
		for _, m := range members {
			if slices.Contains(making, m) {
				return "", false
			}
			if m != "available" {
				st = "error"
			}
		}
		return st, true
	case "deleting":
		switch {
		case len(members) == 0:
			return "deleted", true
		case slices.Contains(members, "deleting"):
			return "", false
		}
		return deleteFailed, true
	}
	return status, true
}

func ignoreNotFound(err error) error {
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// ignoreInvalid drops the refusal of a conditional update: the record was
// settled, reset or changed meanwhile.
func ignoreInvalid(err error) error {
	if fault.KindOf(err) == fault.Invalid {
		return nil
	}
	return err
}
