package manager

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// qosMeta is the conf_rbd_qos_* metadata of pool/volume-<id>.
func (r *migrationRig) qosMeta(pool, id string) map[string]string {
	r.t.Helper()
	img, err := r.c.OpenReadOnly(context.Background(), ceph.ImageSpec(pool, rbd.VolumeName(id)))
	if err != nil {
		r.t.Fatal(err)
	}
	defer img.Close()
	all, err := img.Metadata(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range all {
		if strings.HasPrefix(k, "conf_rbd_qos_") {
			out[k] = v
		}
	}
	return out
}

// TestRetypeBackEndQoS: a retype to a type with back-end QoS gives the
// volume's image the limits, in place and when the volume migrates to
// another pool (the copy keeps them); a retype to a type of front-end QoS
// removes them.
func TestRetypeBackEndQoS(t *testing.T) {
	r := newMigrationRig(t)
	ctx := context.Background()
	qos := func(consumer string, specs map[string]*string) string {
		q, err := r.st.CreateQoS(ctx, store.QoSSpec{ID: uuid.NewString(), Name: "q-" + uuid.NewString()[:8], Consumer: consumer, Specs: specs})
		if err != nil {
			t.Fatal(err)
		}
		return q.ID
	}
	vtype := func(name, qosID string, extra map[string]string) string {
		vt, err := r.st.CreateType(ctx, store.VolumeType{ID: uuid.NewString(), Name: name, IsPublic: true, ExtraSpecs: extra})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.st.AssociateQoS(ctx, vt.ID, qosID); err != nil {
			t.Fatal(err)
		}
		return vt.ID
	}
	s := func(v string) *string { return &v }
	be := vtype("be", qos("back-end", map[string]*string{"total_iops_sec": s("500"), "read_iops_sec_max": s("900"), "size_iops_sec": s("4096")}), nil)
	fe := vtype("fe", qos("front-end", map[string]*string{"total_iops_sec": s("600")}), nil)
	onB := vtype("both-on-b", qos("both", map[string]*string{"write_bytes_sec": s("1024"), "read_bytes_sec": nil}),
		map[string]string{"volume_backend_name": "b"})
	retyping := store.VolumeUpdate{Status: ptr("retyping"), PreviousStatus: ptr(ptr("available"))}

	v := r.volume(retyping)
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: v.ID, NewTypeID: be, Policy: "never"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"conf_rbd_qos_iops_limit": "500", "conf_rbd_qos_read_iops_burst": "900"}
	if got := r.get(v.ID); got.TypeID != be || got.Status != "available" {
		t.Fatalf("retype in place: type %s status %s", got.TypeName, got.Status)
	}
	if got := r.qosMeta("volumes", v.ID); !maps.Equal(got, want) {
		t.Errorf("after a retype in place to back-end QoS: %v, want %v", got, want)
	}
	if _, err := r.st.UpdateVolume(ctx, v.ID, nil, retyping); err != nil {
		t.Fatal(err)
	}
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: v.ID, NewTypeID: fe, Policy: "never"}); err != nil {
		t.Fatal(err)
	}
	if got := r.qosMeta("volumes", v.ID); len(got) != 0 {
		t.Errorf("after a retype in place to front-end QoS: %v, want none", got)
	}

	m := r.volume(retyping)
	if _, err := r.m.retype(ctx, rpcapi.Retype{VolumeID: m.ID, NewTypeID: onB, Policy: "on-demand", Dest: &r.dest}); err != nil {
		t.Fatal(err)
	}
	if got := r.get(m.ID); got.TypeID != onB || got.Host != "test@b#b" || !r.in("vms", m.ID) {
		t.Fatalf("retype with migration: type %s host %s", got.TypeName, got.Host)
	}
	if got, want := r.qosMeta("vms", m.ID), map[string]string{"conf_rbd_qos_write_bps_limit": "1024"}; !maps.Equal(got, want) {
		t.Errorf("after a retype with migration to QoS of consumer both: %v, want %v", got, want)
	}
}
