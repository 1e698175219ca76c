package rbd_test

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/driver/rbd"
)

// TestQoSMetadata: the spec keys upstream's RBD driver applies become
// conf_rbd_qos_* metadata; per-GB keys, burst lengths, unknown keys and
// values that are not whole numbers are not applied.
func TestQoSMetadata(t *testing.T) {
	got := rbd.QoSMetadata(map[string]string{
		"total_iops_sec": "100", "read_iops_sec": "10", "write_iops_sec": "20",
		"total_bytes_sec": "1000", "read_bytes_sec": "30", "write_bytes_sec": " 40 ",
		"total_iops_sec_max": "200", "read_iops_sec_max": "50", "write_iops_sec_max": "60",
		"total_bytes_sec_max": "2000", "read_bytes_sec_max": "70", "write_bytes_sec_max": "80",
		"total_iops_sec_per_gb": "5", "total_bytes_sec_max_length": "3", "size_iops_sec": "4096",
		"frobnicate": "1", "read_iops_sec_per_gb_min": "9",
	})
	want := map[string]string{
		"conf_rbd_qos_iops_limit": "100", "conf_rbd_qos_read_iops_limit": "10", "conf_rbd_qos_write_iops_limit": "20",
		"conf_rbd_qos_bps_limit": "1000", "conf_rbd_qos_read_bps_limit": "30", "conf_rbd_qos_write_bps_limit": "40",
		"conf_rbd_qos_iops_burst": "200", "conf_rbd_qos_read_iops_burst": "50", "conf_rbd_qos_write_iops_burst": "60",
		"conf_rbd_qos_bps_burst": "2000", "conf_rbd_qos_read_bps_burst": "70", "conf_rbd_qos_write_bps_burst": "80",
	}
	if !maps.Equal(got, want) {
		t.Errorf("QoSMetadata:\n got %v\nwant %v", got, want)
	}
	if got := rbd.QoSMetadata(map[string]string{"total_iops_sec": "-1", "read_iops_sec": "1.5", "write_iops_sec": "x"}); len(got) != 0 {
		t.Errorf("malformed values applied: %v", got)
	}
	if got := rbd.QoSMetadata(nil); len(got) != 0 {
		t.Errorf("no specs: %v", got)
	}
}

// qosMeta is the conf_rbd_qos_* metadata of volumes/volume-<id>.
func qosMeta(t *testing.T, c *ceph.Client, id string) map[string]string {
	t.Helper()
	img, err := c.OpenReadOnly(testCtx(t), ceph.ImageSpec("volumes", rbd.VolumeName(id)))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	all, err := img.Metadata(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range all {
		if strings.HasPrefix(k, "conf_rbd_qos_") {
			out[k] = v
		}
	}
	return out
}

// TestSetQoS on the dev cluster: SetQoS writes the limits as the image's
// conf_rbd_qos_* metadata, which librbd takes as the image's own QoS
// configuration; another set of specs replaces them (a limit the new
// specs lack is removed), other metadata stays, and no specs remove them
// all. A volume cloned from a snapshot starts with its parent's limits
// (librbd copies the metadata), which SetQoS with its own type's (none)
// removes.
func TestSetQoS(t *testing.T) {
	c := admin(t)
	d := backend(t, "volumes")
	ctx := testCtx(t)
	id, clone, snap := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, v := range []string{clone, id} { // the clone goes first
		t.Cleanup(func() {
			if err := d.DeleteVolume(context.Background(), v); err != nil && fault.KindOf(err) != fault.NotFound {
				t.Errorf("cleanup %s: %v", v, err)
			}
		})
	}
	if err := d.CreateVolume(ctx, id, 1); err != nil {
		t.Fatal(err)
	}
	img, err := c.Open(ctx, ceph.ImageSpec("volumes", rbd.VolumeName(id)))
	if err != nil {
		t.Fatal(err)
	}
	err = img.SetMetadata(ctx, "other", "kept")
	img.Close()
	if err != nil {
		t.Fatal(err)
	}

	if err := d.SetQoS(ctx, id, map[string]string{"total_iops_sec": "100", "read_bytes_sec_max": "2048",
		"total_iops_sec_per_gb": "5", "consumer_hint": "x"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"conf_rbd_qos_iops_limit": "100", "conf_rbd_qos_read_bps_burst": "2048"}
	if got := qosMeta(t, c, id); !maps.Equal(got, want) {
		t.Errorf("after SetQoS: %v, want %v", got, want)
	}
	// librbd reads them as the image's configuration.
	conf, user := testenv.Ceph(t)
	cmd := exec.CommandContext(ctx, "rbd", "--id", user, "config", "image", "list", "volumes/"+rbd.VolumeName(id))
	cmd.Env = append(os.Environ(), "CEPH_CONF="+conf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rbd config image list: %v\n%s", err, out)
	}
	found := false
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		found = found || (len(f) == 3 && f[0] == "rbd_qos_iops_limit" && f[1] == "100" && f[2] == "image")
	}
	if !found {
		t.Errorf("rbd config image list has no rbd_qos_iops_limit 100 from the image:\n%s", out)
	}

	if err := d.CreateSnapshot(ctx, id, snap); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.DeleteSnapshot(context.Background(), id, snap) })
	if err := d.CreateFromSnapshot(ctx, clone, 1, id, snap); err != nil {
		t.Fatal(err)
	}
	if got := qosMeta(t, c, clone); !maps.Equal(got, want) {
		t.Logf("a clone's metadata: %v (librbd did not copy the parent's)", got)
	}
	if err := d.SetQoS(ctx, clone, nil); err != nil {
		t.Fatal(err)
	}
	if got := qosMeta(t, c, clone); len(got) != 0 {
		t.Errorf("clone after SetQoS without specs: %v, want none", got)
	}

	// Retype: the new specs replace the old ones.
	if err := d.SetQoS(ctx, id, map[string]string{"write_iops_sec": "7", "read_bytes_sec_max": "4096"}); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"conf_rbd_qos_write_iops_limit": "7", "conf_rbd_qos_read_bps_burst": "4096"}
	if got := qosMeta(t, c, id); !maps.Equal(got, want) {
		t.Errorf("after another SetQoS: %v, want %v", got, want)
	}
	if err := d.SetQoS(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if got := qosMeta(t, c, id); len(got) != 0 {
		t.Errorf("after SetQoS without specs: %v, want none", got)
	}
	img, err = c.OpenReadOnly(ctx, ceph.ImageSpec("volumes", rbd.VolumeName(id)))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if all, err := img.Metadata(ctx); err != nil || all["other"] != "kept" {
		t.Errorf("other metadata: %v %v, want other=kept", all, err)
	}
}
