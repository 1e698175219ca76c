package api_test

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// rbdQoS is the conf_rbd_qos_* metadata of volumes/volume-<id>, as
// `rbd image-meta list` shows it.
func rbdQoS(t *testing.T, id string) map[string]string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	cmd := exec.Command("rbd", "--id", user, "image-meta", "list", "volumes/volume-"+id, "--format", "json")
	cmd.Env = append(os.Environ(), "CEPH_CONF="+conf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rbd image-meta list volumes/volume-%s: %v\n%s", id, err, out)
	}
	all := map[string]string{}
	if s := strings.TrimSpace(string(out)); s != "" {
		if err := json.Unmarshal([]byte(s), &all); err != nil {
			t.Fatalf("rbd image-meta list: %v\n%s", err, out)
		}
	}
	qos := map[string]string{}
	for k, v := range all {
		if strings.HasPrefix(k, "conf_rbd_qos_") {
			qos[k] = v
		}
	}
	return qos
}

// oscVolume creates a volume with `openstack volume create` and waits
// for it to be available; it is deleted at the end, before its type.
func oscVolume(t *testing.T, admin testenv.OSC, args ...string) string {
	t.Helper()
	id := admin.JSON(append([]string{"volume", "create", "--size", "1"}, args...)...)["id"].(string)
	t.Cleanup(func() {
		admin.Quietly("volume", "delete", "--force", id)
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && admin.Cmd("volume", "show", id).Run() == nil; {
			time.Sleep(300 * time.Millisecond)
		}
	})
	oscWaitStatus(t, admin, id, "available")
	return id
}

func oscWaitStatus(t *testing.T, admin testenv.OSC, id, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		v := admin.JSON("volume", "show", id)
		if v["status"] == want {
			return v
		}
		if v["status"] == "error" || time.Now().After(deadline) {
			t.Fatalf("volume %s is %v, want %s", id, v["status"], want)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// TestOpenStackClientBackEndQoS: as upstream's RBD driver (Zed), a volume
// whose type has QoS specs of consumer back-end (or both) gets the specs'
// limits as librbd options in its image's metadata (conf_rbd_qos_*),
// whether empty, cloned from a volume or from a snapshot; front-end specs
// give it none; a retype (in place) sets the new type's limits and removes
// the old type's.
func TestOpenStackClientBackEndQoS(t *testing.T) {
	admin := testenv.OSC{T: t}
	sfx := qosSuffix()
	beQoS, feQoS, bothQoS := "be-qos-"+sfx, "fe-qos-"+sfx, "both-qos-"+sfx
	beType, feType, bothType, plainType := "be-t-"+sfx, "fe-t-"+sfx, "both-t-"+sfx, "plain-t-"+sfx
	for _, vt := range []string{beType, feType, bothType, plainType} {
		// On one backend, so that a retype stays in place.
		admin.Run("volume", "type", "create", "--property", "volume_backend_name=ceph", vt)
		t.Cleanup(func() { admin.Quietly("volume", "type", "delete", vt) })
	}
	for _, q := range [][]string{
		{beQoS, "back-end", "total_iops_sec=300", "write_bytes_sec_max=1048576", "read_iops_sec_per_gb=10"},
		{feQoS, "front-end", "total_iops_sec=400"},
		{bothQoS, "both", "read_bytes_sec=2097152"},
	} {
		args := []string{"volume", "qos", "create", "--consumer", q[1]}
		for _, p := range q[2:] {
			args = append(args, "--property", p)
		}
		admin.Run(append(args, q[0])...)
		t.Cleanup(func() { admin.Quietly("volume", "qos", "delete", "--force", q[0]) })
	}
	admin.Run("volume", "qos", "associate", beQoS, beType)
	admin.Run("volume", "qos", "associate", feQoS, feType)
	admin.Run("volume", "qos", "associate", bothQoS, bothType)

	beWant := map[string]string{"conf_rbd_qos_iops_limit": "300", "conf_rbd_qos_write_bps_burst": "1048576"}
	be := oscVolume(t, admin, "--type", beType, "be-vol-"+sfx)
	if got := rbdQoS(t, be); !maps.Equal(got, beWant) {
		t.Errorf("volume of a type with back-end QoS: %v, want %v", got, beWant)
	}
	fe := oscVolume(t, admin, "--type", feType, "fe-vol-"+sfx)
	if got := rbdQoS(t, fe); len(got) != 0 {
		t.Errorf("volume of a type with front-end QoS: %v, want none", got)
	}
	// From the back-end volume and from its snapshot (the same type: a
	// type of other QoS is not compatible), its limits.
	if got := rbdQoS(t, oscVolume(t, admin, "--type", beType, "--source", be, "be-clone-"+sfx)); !maps.Equal(got, beWant) {
		t.Errorf("clone of the type with back-end QoS: %v, want %v", got, beWant)
	}
	snap := admin.JSON("volume", "snapshot", "create", "--volume", be, "be-snap-"+sfx)["id"].(string)
	t.Cleanup(func() { // after the volume made from it, before its volume
		admin.Quietly("volume", "snapshot", "delete", snap)
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && admin.Cmd("volume", "snapshot", "show", snap).Run() == nil; {
			time.Sleep(300 * time.Millisecond)
		}
	})
	for deadline := time.Now().Add(time.Minute); admin.JSON("volume", "snapshot", "show", snap)["status"] != "available"; {
		if time.Now().After(deadline) {
			t.Fatalf("snapshot %s not available", snap)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if got := rbdQoS(t, oscVolume(t, admin, "--type", beType, "--snapshot", snap, "be-from-snap-"+sfx)); !maps.Equal(got, beWant) {
		t.Errorf("volume from a snapshot, of the type with back-end QoS: %v, want %v", got, beWant)
	}
	admin.Run("volume", "snapshot", "delete", snap)

	retype := func(id, vt string) {
		t.Helper()
		admin.Run("volume", "set", "--type", vt, "--retype-policy", "never", id)
		deadline := time.Now().Add(time.Minute)
		for {
			v := oscWaitStatus(t, admin, id, "available")
			if v["type"] == vt {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("retype of %s to %s: type still %v", id, vt, v["type"])
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	// back-end -> both: the old limits go, the new one is set.
	retype(be, bothType)
	if got, want := rbdQoS(t, be), map[string]string{"conf_rbd_qos_read_bps_limit": "2097152"}; !maps.Equal(got, want) {
		t.Errorf("after a retype to a type with QoS of consumer both: %v, want %v", got, want)
	}
	// -> no QoS: none left.
	retype(be, plainType)
	if got := rbdQoS(t, be); len(got) != 0 {
		t.Errorf("after a retype to a type without QoS: %v, want none", got)
	}
	// front-end -> back-end.
	retype(fe, beType)
	if got := rbdQoS(t, fe); !maps.Equal(got, beWant) {
		t.Errorf("after a retype from front-end to back-end QoS: %v, want %v", got, beWant)
	}
}
