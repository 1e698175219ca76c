package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// devOSC runs the real openstack client against the dev cloud (`make dev`)
// with its admin credentials.
func devOSC(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("openstack")
	if err != nil {
		t.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range testenv.OpenRC(t) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func rbdImages(t *testing.T) []string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	names, err := c.ListImages(ctx, "images")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestOpenStackClientImages drives the dev cloud's glance-api with the
// real client: the image workflows of COMPAT §3.2.
func TestOpenStackClientImages(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	want, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	name := "osc-test-" + strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	var created map[string]any
	out := devOSC(t, "image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", name, "-f", "json")
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("image create output: %v\n%s", err, out)
	}
	id, _ := created["id"].(string)
	t.Cleanup(func() {
		cmd := exec.Command("openstack", "image", "delete", id)
		for k, v := range testenv.OpenRC(t) {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"))
		_ = cmd.Run()
	})
	if !slices.Contains(rbdImages(t), id) {
		t.Errorf("rbd ls images does not list %s", id)
	}
	if list := devOSC(t, "image", "list", "-f", "value", "-c", "ID", "-c", "Status"); !strings.Contains(list, id+" active") {
		t.Errorf("image list:\n%s", list)
	}
	var shown map[string]any
	if err := json.Unmarshal([]byte(devOSC(t, "image", "show", name, "-f", "json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown["status"] != "active" || shown["size"] != float64(len(want)) || shown["id"] != id {
		t.Errorf("image show: %v", shown)
	}
	saved := filepath.Join(t.TempDir(), "out.raw")
	devOSC(t, "image", "save", "--file", saved, name)
	got, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("image save: %d bytes differ from the %d uploaded", len(got), len(want))
	}
	devOSC(t, "image", "set", "--property", "foo=bar", name)
	if props := devOSC(t, "image", "show", name, "-f", "json", "-c", "properties"); !strings.Contains(props, `"foo": "bar"`) {
		t.Errorf("after image set --property: %s", props)
	}
	devOSC(t, "image", "delete", name)
	if list := devOSC(t, "image", "list", "-f", "value", "-c", "ID"); strings.Contains(list, id) {
		t.Errorf("image list after delete still has %s", id)
	}
	if slices.Contains(rbdImages(t), id) {
		t.Errorf("rbd ls images still lists %s after delete", id)
	}
}
