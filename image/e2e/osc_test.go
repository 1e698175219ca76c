package e2e_test

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// devOSC runs the real openstack client against the dev cloud (`make dev`)
// with its admin credentials.
func devOSC(t *testing.T, args ...string) string {
	t.Helper()
	return devOSCAs(t, nil, args...)
}

// devOSCAs is devOSC with some OS_* variables replaced (another user).
func devOSCAs(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("openstack")
	if err != nil {
		t.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range testenv.OpenRC(t) {
		if _, ok := env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// rbdCLI runs the rbd tool with the stack's admin Ceph configuration.

func sha256File(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func jsonOf(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return m
}

// TestOpenStackClientImageWorkflows drives every "Must show" workflow of
// issue 4 with the real client against the dev cloud: create with
// --public/--property/--tag, list filters, show, set/unset, save,
// sharing with another project that accepts, qcow2 stored raw, the
// glance-direct import, and the RBD image and snapshot behind each.
func TestOpenStackClientImageWorkflows(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	suffix := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := "osc-wf-" + suffix
	var ids []string
	t.Cleanup(func() {
		for _, id := range ids {
			cmd := exec.Command("openstack", "image", "delete", id)
			for k, v := range testenv.OpenRC(t) {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"), "HOME="+os.TempDir())
			_ = cmd.Run()
		}
	})

	created := jsonOf(t, devOSC(t, "image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare",
		"--public", "--property", "color=blue", "--tag", "osc-"+suffix, name, "-f", "json"))
	id, _ := created["id"].(string)
	ids = append(ids, id)
	if created["visibility"] != "public" {
		t.Errorf("created: %v", created)
	}
	// The RBD image and its protected snapshot.
	if ls := testenv.RBD(t, "ls", "images"); !strings.Contains(ls, id) {
		t.Errorf("rbd ls images does not list %s", id)
	}
	if snaps := testenv.RBD(t, "snap", "ls", "images/"+id); !strings.Contains(snaps, "snap") {
		t.Errorf("rbd snap ls images/%s:\n%s", id, snaps)
	}

	// List filters.
	for _, f := range [][]string{{"--public"}, {"--property", "color=blue"}, {"--tag", "osc-" + suffix}, {"--name", name}, {"--status", "active"}} {
		list := devOSC(t, append([]string{"image", "list", "-f", "value", "-c", "ID"}, f...)...)
		if !strings.Contains(list, id) {
			t.Errorf("image list %v does not have %s:\n%s", f, id, list)
		}
	}
	if list := devOSC(t, "image", "list", "-f", "value", "-c", "ID", "--property", "color=red"); strings.Contains(list, id) {
		t.Errorf("image list --property color=red has %s", id)
	}

	// show, set, unset.
	shown := jsonOf(t, devOSC(t, "image", "show", name, "-f", "json"))
	if shown["status"] != "active" || shown["disk_format"] != "raw" {
		t.Errorf("image show: %v", shown)
	}
	devOSC(t, "image", "set", "--property", "size_hint=tiny", "--tag", "second", "--min-disk", "1", name)
	shown = jsonOf(t, devOSC(t, "image", "show", name, "-f", "json"))
	if props, _ := shown["properties"].(map[string]any); props["size_hint"] != "tiny" || shown["min_disk"] != float64(1) {
		t.Errorf("after image set: %v", shown)
	}
	devOSC(t, "image", "unset", "--property", "size_hint", "--tag", "second", name)
	shown = jsonOf(t, devOSC(t, "image", "show", name, "-f", "json"))
	if props, _ := shown["properties"].(map[string]any); props["size_hint"] != nil {
		t.Errorf("after image unset: %v", shown)
	}

	// save gives the same bytes.
	saved := filepath.Join(t.TempDir(), "saved.raw")
	devOSC(t, "image", "save", "--file", saved, name)
	if sha256File(t, saved) != sha256File(t, src) {
		t.Error("image save: sha256 differs from the source")
	}

	// Sharing with another project, seen from it.
	project, user, password := "osc-share-"+suffix, "osc-share-"+suffix, "pw-"+suffix
	devOSC(t, "project", "create", project)
	t.Cleanup(func() {
		cmd := exec.Command("openstack", "project", "delete", project)
		cmd2 := exec.Command("openstack", "user", "delete", user)
		for _, c := range []*exec.Cmd{cmd2, cmd} {
			for k, v := range testenv.OpenRC(t) {
				c.Env = append(c.Env, k+"="+v)
			}
			c.Env = append(c.Env, "PATH="+os.Getenv("PATH"), "HOME="+os.TempDir())
			_ = c.Run()
		}
	})
	devOSC(t, "user", "create", "--password", password, "--project", project, user)
	devOSC(t, "role", "add", "--project", project, "--user", user, "member")
	other := map[string]string{"OS_USERNAME": user, "OS_PASSWORD": password, "OS_PROJECT_NAME": project}
	otherProject := strings.TrimSpace(devOSC(t, "project", "show", project, "-f", "value", "-c", "id"))

	shared := jsonOf(t, devOSC(t, "image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare",
		"--shared", name+"-shared", "-f", "json"))
	sid, _ := shared["id"].(string)
	ids = append(ids, sid)
	if list := devOSCAs(t, other, "image", "list", "-f", "value", "-c", "ID"); strings.Contains(list, sid) {
		t.Errorf("the other project lists the shared image before it is a member")
	}
	devOSC(t, "image", "add", "project", sid, otherProject)
	devOSCAs(t, other, "image", "set", "--accept", sid)
	if list := devOSCAs(t, other, "image", "list", "-f", "value", "-c", "ID"); !strings.Contains(list, sid) {
		t.Errorf("the other project does not list the image it accepted:\n%s", list)
	}
	fromOther := filepath.Join(t.TempDir(), "other.raw")
	devOSCAs(t, other, "image", "save", "--file", fromOther, sid)
	if sha256File(t, fromOther) != sha256File(t, src) {
		t.Error("image save by the member project: sha256 differs")
	}
	devOSC(t, "image", "remove", "project", sid, otherProject)
	if list := devOSCAs(t, other, "image", "list", "-f", "value", "-c", "ID"); strings.Contains(list, sid) {
		t.Errorf("the other project still lists the image after remove project")
	}

	// qcow2 is stored raw.
	qcow2 := filepath.Join(t.TempDir(), "tiny.qcow2")
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", src, qcow2).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v\n%s", err, out)
	}
	q := jsonOf(t, devOSC(t, "image", "create", "--file", qcow2, "--disk-format", "qcow2", "--container-format", "bare", name+"-qcow2", "-f", "json"))
	qid, _ := q["id"].(string)
	ids = append(ids, qid)
	checkRaw := func(id string) {
		t.Helper()
		shown := jsonOf(t, devOSC(t, "image", "show", id, "-f", "json"))
		if shown["disk_format"] != "raw" || shown["status"] != "active" {
			t.Errorf("image %s: %v", id, shown)
		}
		out := filepath.Join(t.TempDir(), "q.raw")
		devOSC(t, "image", "save", "--file", out, id)
		if sha256File(t, out) != sha256File(t, src) {
			t.Errorf("image %s: saved data is not the raw disk", id)
		}
		if snaps := testenv.RBD(t, "snap", "ls", "images/"+id); !strings.Contains(snaps, "snap") {
			t.Errorf("rbd snap ls images/%s:\n%s", id, snaps)
		}
		var info struct {
			Size int64 `json:"size"`
		}
		if err := json.Unmarshal([]byte(testenv.RBD(t, "info", "--format", "json", "images/"+id)), &info); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(src); info.Size != st.Size() {
			t.Errorf("rbd info images/%s: size %d, want the raw size %d", id, info.Size, st.Size())
		}
	}
	checkRaw(qid)

	// The interoperable import (glance-direct), qcow2 again.
	imp := jsonOf(t, devOSC(t, "image", "create", "--import", "--file", qcow2, "--disk-format", "qcow2", "--container-format", "bare", name+"-import", "-f", "json"))
	iid, _ := imp["id"].(string)
	ids = append(ids, iid)
	deadline := time.Now().Add(90 * time.Second)
	for {
		st := strings.TrimSpace(devOSC(t, "image", "show", iid, "-f", "value", "-c", "status"))
		if st == "active" {
			break
		}
		if time.Now().After(deadline) || st == "queued" {
			t.Fatalf("imported image %s is %s", iid, st)
		}
		time.Sleep(time.Second)
	}
	checkRaw(iid)

	for _, id := range ids {
		devOSC(t, "image", "delete", id)
	}
	ids = nil
	ls := testenv.RBD(t, "ls", "images")
	for _, id := range []string{id, sid, qid, iid} {
		if strings.Contains(ls, id) {
			t.Errorf("rbd ls images still lists %s after delete", id)
		}
	}
}
