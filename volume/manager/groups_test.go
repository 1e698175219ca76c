package manager

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// TestGroupsSettledByManager: the manager settles a group or group
// snapshot when the work on one of its members ends, with nothing reading
// it in between (no cinder-api here at all): a group made from a source
// becomes available once its last volume is made, a group snapshot once
// its last snapshot is taken, and both are gone once their last member is
// deleted; a member that fails puts its group in error; and a group a
// crash left settling on this backend is settled on start.
func TestGroupsSettledByManager(t *testing.T) {
	conf, user := testenv.Ceph(t)
	st := newStore(t)
	ctx := context.Background()
	open := openRBD(conf, user)
	const host = "test@groups"
	m := New(Config{Host: host}, st, nil, nil, nil, open, quiet())
	if !m.initDriver(ctx) {
		t.Fatal("driver not initialized")
	}
	def, err := st.GetTypeByName(ctx, store.DefaultTypeName)
	if err != nil {
		t.Fatal(err)
	}
	gt, err := st.CreateGroupType(ctx, store.GroupType{ID: uuid.NewString(), Name: "gt-" + uuid.NewString(), IsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	newGroup := func(host, status string) string {
		t.Helper()
		g, err := st.CreateGroup(ctx, store.Group{ID: uuid.NewString(), ProjectID: "p1", UserID: "u1", Host: host + "#volumes",
			AvailabilityZone: "nova", Status: status, GroupTypeID: gt.ID, VolumeTypeIDs: []string{def.ID}, Settling: true})
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	member := func(group, status string, snapshot *string) string {
		t.Helper()
		v, err := st.CreateVolume(ctx, store.Volume{ID: uuid.NewString(), ProjectID: "p1", UserID: "u1", Size: 1,
			AvailabilityZone: "nova", Status: status, TypeID: def.ID, Host: host + "#volumes", GroupID: &group, SnapshotID: snapshot})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if d := m.current(); d != nil {
				_ = d.DeleteVolume(context.Background(), v.ID)
			}
		})
		return v.ID
	}
	groupIs := func(when, id, want string) {
		t.Helper()
		g, err := st.GetGroup(ctx, id)
		got := g.Status
		if fault.KindOf(err) == fault.NotFound {
			got = "gone"
		} else if err != nil {
			t.Fatal(err)
		}
		if got != want || (want != "gone" && g.Settling != (want == "creating" || want == "deleting")) {
			t.Errorf("%s: group %s (settling %v), want %s", when, got, g.Settling, want)
		}
	}
	groupSnapshotIs := func(when, id, want string) {
		t.Helper()
		gs, err := st.GetGroupSnapshot(ctx, id)
		got := gs.Status
		if fault.KindOf(err) == fault.NotFound {
			got = "gone"
		} else if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: group snapshot %s, want %s", when, got, want)
		}
	}
	deleting := "deleting"

	// A group made from a source: available once both volumes are made.
	g := newGroup(host, "creating")
	vols := []string{member(g, "creating", nil), member(g, "creating", nil)}
	for i, v := range vols {
		groupIs("before the volumes are made", g, "creating")
		if _, err := m.createVolume(ctx, rpcapiCreate(v)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			groupIs("one volume made", g, "creating")
		}
	}
	groupIs("both volumes made", g, "available")

	// A group snapshot: available once both snapshots are taken, gone once
	// both are deleted.
	gs, err := st.CreateGroupSnapshot(ctx, store.GroupSnapshot{ID: uuid.NewString(), GroupID: g, ProjectID: "p1", UserID: "u1",
		GroupTypeID: gt.ID, Status: "creating", Settling: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var snaps []string
	for _, v := range vols {
		sn, err := st.CreateSnapshot(ctx, store.Snapshot{ID: uuid.NewString(), VolumeID: v, ProjectID: "p1", UserID: "u1",
			Status: "creating", VolumeSize: 1, Metadata: map[string]string{}, GroupSnapshotID: &gs.ID})
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, sn.ID)
	}
	for i, sn := range snaps {
		if _, err := m.createSnapshot(ctx, rpcapi.SnapshotRef{SnapshotID: sn}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			groupSnapshotIs("one snapshot taken", gs.ID, "creating")
		}
	}
	groupSnapshotIs("both snapshots taken", gs.ID, "available")
	if _, err := st.UpdateGroupSnapshot(ctx, gs.ID, nil, false, "deleting", true); err != nil {
		t.Fatal(err)
	}
	for _, sn := range snaps {
		if _, err := st.UpdateSnapshot(ctx, sn, nil, store.SnapshotUpdate{Status: &deleting}); err != nil {
			t.Fatal(err)
		}
	}
	for i, sn := range snaps {
		if _, err := m.deleteSnapshot(ctx, rpcapi.SnapshotRef{SnapshotID: sn}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			groupSnapshotIs("one snapshot deleted", gs.ID, "deleting")
		}
	}
	groupSnapshotIs("both snapshots deleted", gs.ID, "gone")

	// The group deleted with its volumes: gone once both are.
	if _, err := st.UpdateGroup(ctx, g, nil, false, store.GroupUpdate{Status: &deleting, Settling: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	for _, v := range vols {
		if _, err := st.UpdateVolume(ctx, v, nil, store.VolumeUpdate{Status: &deleting}); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range vols {
		if _, err := m.deleteVolume(ctx, rpcapiRef(v)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			groupIs("one volume deleted", g, "deleting")
		}
	}
	groupIs("both volumes deleted", g, "gone")

	// A volume that cannot be made (its snapshot is missing) puts the
	// group made from a source in error.
	bad := newGroup(host, "creating")
	missing := uuid.NewString()
	if _, err := m.createVolume(ctx, rpcapiCreate(member(bad, "creating", &missing))); err != nil {
		t.Fatal(err)
	}
	groupIs("its volume failed", bad, "error")

	// Left settling by a crash after its volume was made: settled on
	// start, this backend's only.
	left, other := newGroup(host, "creating"), newGroup("otherhost@b", "creating")
	member(left, "available", nil)
	member(other, "available", nil)
	m.recover(ctx)
	groupIs("settling at start", left, "available")
	groupIs("another backend's, at start", other, "creating")
}
