package api_test

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// qosSuffix makes names unique per run.
func qosSuffix() string { return strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "") }

// newQoS creates a spec over HTTP and removes it (forced) at the end.
func (s *session) newQoS(body map[string]any) map[string]any {
	s.t.Helper()
	out := s.must(200, "POST", "/qos-specs", "", map[string]any{"qos_specs": body})
	q := out["qos_specs"].(map[string]any)
	s.t.Cleanup(func() { s.do("DELETE", "/qos-specs/"+q["id"].(string)+"?force=True", "", nil) })
	return q
}

// newType creates a volume type over HTTP and deletes it at the end.
func (s *session) newType(name string) string {
	s.t.Helper()
	id := s.must(200, "POST", "/types", "", map[string]any{"volume_type": map[string]any{"name": name}})["volume_type"].(map[string]any)["id"].(string)
	s.t.Cleanup(func() { s.do("DELETE", "/types/"+id, "", nil) })
	return id
}

// TestQoSSpecsAPI walks cinder's qos-specs API over HTTP: create (consumer
// back-end by default, 409 for a name in use, 400 for a bad consumer),
// show, list with filters, set and unset keys, associations with volume
// types (qos_specs_id in the type view, one spec per type), delete
// refused while associated unless forced.
func TestQoSSpecsAPI(t *testing.T) {
	s := adminSession(t)
	sfx := qosSuffix()
	q := s.newQoS(map[string]any{"name": "qos-fe-" + sfx, "consumer": "front-end", "read_iops_sec": "2000"})
	id := q["id"].(string)
	if q["name"] != "qos-fe-"+sfx || q["consumer"] != "front-end" || fmt.Sprint(q["specs"]) != "map[read_iops_sec:2000]" {
		t.Errorf("created spec: %v", q)
	}
	back := s.newQoS(map[string]any{"name": "  qos-be-" + sfx + " ", "total_iops_sec": "100"})
	if back["consumer"] != "back-end" || back["name"] != "qos-be-"+sfx {
		t.Errorf("spec without consumer: %v", back)
	}
	s.must(409, "POST", "/qos-specs", "", map[string]any{"qos_specs": map[string]any{"name": "qos-fe-" + sfx}})
	s.must(400, "POST", "/qos-specs", "", map[string]any{"qos_specs": map[string]any{"name": "qos-bad-" + sfx, "consumer": "middle"}})
	s.must(400, "POST", "/qos-specs", "", map[string]any{"qos_specs": map[string]any{"name": "  "}})
	s.must(400, "POST", "/qos-specs", "", map[string]any{"qos_specs": map[string]any{"name": "qos-num-" + sfx, "read_iops_sec": 5}})

	show := s.must(200, "GET", "/qos-specs/"+id, "", nil)
	if fmt.Sprint(show["qos_specs"]) != fmt.Sprint(q) || len(show["links"].([]any)) != 2 {
		t.Errorf("show: %v, created %v", show, q)
	}
	s.must(404, "GET", "/qos-specs/no-such-spec", "", nil)
	list := s.must(200, "GET", "/qos-specs", "", nil)["qos_specs"].([]any)
	found := false
	for _, x := range list {
		found = found || fmt.Sprint(x) == fmt.Sprint(q)
	}
	if !found {
		t.Errorf("list lacks %v", q)
	}
	byName := s.must(200, "GET", "/qos-specs?name=qos-be-"+sfx, "", nil)["qos_specs"].([]any)
	if len(byName) != 1 || byName[0].(map[string]any)["id"] != back["id"] {
		t.Errorf("list ?name=: %v", byName)
	}

	// Keys: PUT answers the keys it was given; delete_keys removes them,
	// a key the spec lacks is 404.
	set := s.must(200, "PUT", "/qos-specs/"+id, "", map[string]any{"qos_specs": map[string]any{"iops_bytes": "500"}})
	if fmt.Sprint(set) != "map[qos_specs:map[iops_bytes:500]]" {
		t.Errorf("set keys: %v", set)
	}
	s.must(400, "PUT", "/qos-specs/"+id, "", map[string]any{"qos_specs": map[string]any{"consumer": "middle"}})
	if specs := s.must(200, "GET", "/qos-specs/"+id, "", nil)["qos_specs"].(map[string]any)["specs"].(map[string]any); specs["iops_bytes"] != "500" {
		t.Errorf("specs after set: %v", specs)
	}
	s.must(202, "PUT", "/qos-specs/"+id+"/delete_keys", "", map[string]any{"keys": []string{"iops_bytes"}})
	s.must(404, "PUT", "/qos-specs/"+id+"/delete_keys", "", map[string]any{"keys": []string{"iops_bytes"}})
	if specs := s.must(200, "GET", "/qos-specs/"+id, "", nil)["qos_specs"].(map[string]any)["specs"].(map[string]any); len(specs) != 1 {
		t.Errorf("specs after delete_keys: %v", specs)
	}

	// Associations.
	t1, t2 := s.newType("qos-t1-"+sfx), s.newType("qos-t2-"+sfx)
	s.must(400, "GET", "/qos-specs/"+id+"/associate", "", nil)
	s.must(404, "GET", "/qos-specs/"+id+"/associate?vol_type_id=0d1f6f3c-7b55-4c1e-9a43-3b5d5a3b0f11", "", nil)
	for _, tid := range []string{t1, t2, t1} {
		s.must(202, "GET", "/qos-specs/"+id+"/associate?vol_type_id="+tid, "", nil)
	}
	if vt := s.must(200, "GET", "/types/"+t1, "", nil)["volume_type"].(map[string]any); vt["qos_specs_id"] != id {
		t.Errorf("type associated with %s: %v", id, vt)
	}
	assoc := s.must(200, "GET", "/qos-specs/"+id+"/associations", "", nil)["qos_associations"].([]any)
	if len(assoc) != 2 || assoc[0].(map[string]any)["association_type"] != "volume_type" {
		t.Errorf("associations: %v", assoc)
	}
	out := s.must(400, "GET", "/qos-specs/"+back["id"].(string)+"/associate?vol_type_id="+t1, "", nil)
	if !strings.Contains(fmt.Sprint(out), "already associated with another qos specs") {
		t.Errorf("a second spec for a type: %v", out)
	}
	out = s.must(400, "DELETE", "/qos-specs/"+id, "", nil)
	if !strings.Contains(fmt.Sprint(out), "Qos specs still in use.") {
		t.Errorf("delete of an associated spec: %v", out)
	}
	s.must(202, "GET", "/qos-specs/"+id+"/disassociate?vol_type_id="+t1, "", nil)
	if vt := s.must(200, "GET", "/types/"+t1, "", nil)["volume_type"].(map[string]any); vt["qos_specs_id"] != nil {
		t.Errorf("type after disassociate: %v", vt)
	}
	s.must(202, "GET", "/qos-specs/"+id+"/disassociate_all", "", nil)
	if a := s.must(200, "GET", "/qos-specs/"+id+"/associations", "", nil)["qos_associations"].([]any); len(a) != 0 {
		t.Errorf("associations after disassociate_all: %v", a)
	}
	s.must(202, "GET", "/qos-specs/"+id+"/associate?vol_type_id="+t2, "", nil)
	s.must(400, "DELETE", "/qos-specs/"+id+"?force=maybe", "", nil)
	s.must(202, "DELETE", "/qos-specs/"+id+"?force=True", "", nil)
	s.must(404, "GET", "/qos-specs/"+id, "", nil)
	if vt := s.must(200, "GET", "/types/"+t2, "", nil)["volume_type"].(map[string]any); vt["qos_specs_id"] != nil {
		t.Errorf("type after a forced delete of its spec: %v", vt)
	}
}

// TestQoSConnectionInfo: a volume whose type has a front-end (or both)
// spec carries its keys as connection_info data.qos_specs, in
// os-initialize_connection and in the attachments API's (flat)
// connection_info, with cinder's per-GB scaling; a back-end spec or none
// is null.
func TestQoSConnectionInfo(t *testing.T) {
	s := adminSession(t)
	sfx := qosSuffix()
	tid := s.newType("qos-conn-" + sfx)
	q := s.newQoS(map[string]any{"name": "qos-conn-" + sfx, "consumer": "both", "read_bytes_sec": "1048576",
		"total_iops_sec_per_gb": "100", "total_iops_sec_per_gb_min": "50", "total_iops_sec_max": "150"})
	s.must(202, "GET", "/qos-specs/"+q["id"].(string)+"/associate?vol_type_id="+tid, "", nil)
	var id string
	t.Cleanup(func() { s.waitGone("volumes", id) }) // after the volume's delete, before its type's
	id = s.newVolume(map[string]any{"size": 2, "name": "qos-conn", "volume_type": tid})
	s.waitVolume(id, "available")

	data := s.action(id, "", 200, map[string]any{"os-initialize_connection": map[string]any{"connector": rbdConnector}})["connection_info"].(map[string]any)["data"].(map[string]any)
	// 100 per GiB of 2 GiB, at least 50, at most 150.
	if got := fmt.Sprint(data["qos_specs"]); got != "map[read_bytes_sec:1048576 total_iops_sec:150]" {
		t.Errorf("os-initialize_connection qos_specs: %s", got)
	}
	att := s.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{"volume_uuid": id,
		"instance_uuid": "31111111-2222-3333-4444-555555555555", "connector": rbdConnector}})["attachment"].(map[string]any)
	defer s.do("DELETE", "/attachments/"+att["id"].(string), "3.44", nil)
	if got := fmt.Sprint(att["connection_info"].(map[string]any)["qos_specs"]); got != "map[read_bytes_sec:1048576 total_iops_sec:150]" {
		t.Errorf("attachment connection_info qos_specs: %s", got)
	}

	s.must(200, "PUT", "/qos-specs/"+q["id"].(string), "", map[string]any{"qos_specs": map[string]any{"consumer": "back-end"}})
	data = s.action(id, "", 200, map[string]any{"os-initialize_connection": map[string]any{"connector": rbdConnector}})["connection_info"].(map[string]any)["data"].(map[string]any)
	if v, ok := data["qos_specs"]; !ok || v != nil {
		t.Errorf("qos_specs of a back-end spec: %v (present %v), want null", v, ok)
	}
}

// TestOpenStackClientQoS drives `openstack volume qos` (create, list,
// show, set, unset, associate, disassociate, delete) and `volume type
// show`'s qos_specs_id; a project member is refused (admin only).
func TestOpenStackClientQoS(t *testing.T) {
	admin := testenv.OSC{T: t}
	sfx := qosSuffix()
	name, vtype := "osc-qos-"+sfx, "osc-qos-type-"+sfx
	q := admin.JSON("volume", "qos", "create", "--consumer", "front-end", "--property", "read_iops_sec=2000", name)
	id, _ := q["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "qos", "delete", "--force", id) })
	if q["consumer"] != "front-end" || !strings.Contains(fmt.Sprint(q["properties"]), "2000") {
		t.Errorf("volume qos create: %v", q)
	}
	admin.Run("volume", "type", "create", vtype)
	t.Cleanup(func() { admin.Quietly("volume", "type", "delete", vtype) })

	admin.Run("volume", "qos", "set", "--property", "write_iops_sec=1000", name)
	admin.Run("volume", "qos", "unset", "--property", "read_iops_sec", name)
	admin.Run("volume", "qos", "associate", name, vtype)
	show := admin.JSON("volume", "qos", "show", name)
	props := fmt.Sprint(show["properties"])
	if !strings.Contains(props, "write_iops_sec") || strings.Contains(props, "read_iops_sec") || !strings.Contains(fmt.Sprint(show["associations"]), vtype) {
		t.Errorf("volume qos show: %v", show)
	}
	if vt := admin.JSON("volume", "type", "show", vtype); vt["qos_specs_id"] != id {
		t.Errorf("volume type show qos_specs_id: %v, want %s", vt["qos_specs_id"], id)
	}
	listed := false
	for _, line := range strings.Split(admin.Run("volume", "qos", "list", "-f", "value", "-c", "Name", "-c", "Associations"), "\n") {
		listed = listed || (strings.HasPrefix(line, name+" ") && strings.Contains(line, vtype))
	}
	if !listed {
		t.Errorf("volume qos list has no line with %s associated with %s", name, vtype)
	}
	if out := admin.Fail("volume", "qos", "delete", name); !strings.Contains(out, "in use") && !strings.Contains(out, "Failed to delete") {
		t.Errorf("deleting an associated spec: %s", out)
	}
	member, _ := newProject(t, client{t: t}, "qos-member-"+sfx)
	if out, err := member.run("volume", "qos", "list"); err == nil || !strings.Contains(out, "403") {
		t.Errorf("volume qos list as a member: %v\n%s", err, out)
	}
	admin.Run("volume", "qos", "disassociate", "--volume-type", vtype, name)
	if vt := admin.JSON("volume", "type", "show", vtype); vt["qos_specs_id"] != nil {
		t.Errorf("volume type after disassociate: %v", vt["qos_specs_id"])
	}
	admin.Run("volume", "qos", "associate", name, vtype)
	admin.Run("volume", "qos", "disassociate", "--all", name)
	admin.Run("volume", "qos", "delete", name)
	if out := admin.Fail("volume", "qos", "show", id); !strings.Contains(out, "No such QoS spec") && !strings.Contains(out, "No qos") {
		t.Errorf("volume qos show after delete: %s", out)
	}
}

// TestOpenStackClientQoSIOTune: a volume of a type with a front-end spec,
// attached with `openstack server add volume`, is the guest's disk with
// the spec's limits as its <iotune> (Nova's libvirt driver), live and in
// the persistent definition.
func TestOpenStackClientQoSIOTune(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := qosSuffix()
	flavor, image, vtype, qos := "iotune-f-"+sfx, "iotune-img-"+sfx, "iotune-t-"+sfx, "iotune-q-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", image)
	t.Cleanup(func() { admin.Quietly("image", "delete", img["id"].(string)) })
	admin.Run("volume", "type", "create", vtype)
	t.Cleanup(func() { admin.Quietly("volume", "type", "delete", vtype) })
	admin.Run("volume", "qos", "create", "--consumer", "front-end", "--property", "read_iops_sec=2000",
		"--property", "write_bytes_sec=1048576", qos)
	t.Cleanup(func() { admin.Quietly("volume", "qos", "delete", "--force", qos) })
	admin.Run("volume", "qos", "associate", qos, vtype)

	var volID string
	t.Cleanup(func() { // after the volume's delete, before its type's
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && admin.Cmd("volume", "show", volID).Run() == nil; {
			time.Sleep(300 * time.Millisecond)
		}
	})
	volID = admin.JSON("volume", "create", "--size", "1", "--type", vtype, "iotune-vol-"+sfx)["id"].(string)
	t.Cleanup(func() { admin.Quietly("volume", "delete", "--force", volID) })
	srv := admin.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", img["id"].(string), "--flavor", flavor,
		"--network", "none", "--wait", "iotune-"+sfx)
	srvID := srv["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", srvID) })
	if srv["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", srv)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for admin.JSON("volume", "show", volID)["status"] != "available" {
		if time.Now().After(deadline) {
			t.Fatalf("volume %s not available", volID)
		}
		time.Sleep(300 * time.Millisecond)
	}
	admin.Run("server", "add", "volume", srvID, volID)

	for _, flags := range [][]string{nil, {"--inactive"}} {
		args := append([]string{"-c", testenv.LibvirtURI(t), "dumpxml"}, flags...)
		out, err := exec.Command("virsh", append(args, srvID)...).CombinedOutput()
		if err != nil {
			t.Fatalf("virsh dumpxml %v %s: %v\n%s", flags, srvID, err, out)
		}
		x := string(out)
		i := strings.Index(x, "volume-"+volID)
		start, end := strings.LastIndex(x[:max(i, 0)], "<disk"), strings.Index(x[max(i, 0):], "</disk>")
		if i < 0 || start < 0 || end < 0 {
			t.Fatalf("guest %s (%v) has no disk volume-%s:\n%s", srvID, flags, volID, x)
		}
		disk := strings.Join(strings.Fields(x[start:i+end]), "")
		if !strings.Contains(disk, "<iotune>") || !strings.Contains(disk, "<read_iops_sec>2000</read_iops_sec>") ||
			!strings.Contains(disk, "<write_bytes_sec>1048576</write_bytes_sec>") {
			t.Errorf("the volume's disk (%v) lacks the QoS spec's <iotune>:\n%s", flags, x[start:i+end])
		}
	}
	admin.Run("server", "remove", "volume", srvID, volID)
}
