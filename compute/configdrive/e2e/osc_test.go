package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

type osc struct {
	t   *testing.T
	env map[string]string
}

func (o osc) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command("openstack", args...)
	cmd.Env = []string{"HOME=" + os.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range testenv.OpenRC(o.t) {
		if _, ok := o.env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

func (o osc) run(args ...string) string {
	o.t.Helper()
	out, err := o.cmd(args...).CombinedOutput()
	if err != nil {
		o.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (o osc) json(args ...string) map[string]any {
	o.t.Helper()
	out := o.run(append(args, "-f", "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		o.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return m
}

func (o osc) quietly(args ...string) { _ = o.cmd(args...).Run() }

func rbdList(t *testing.T, pool string) string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	out, err := exec.Command("rbd", "-c", conf, "--id", user, "ls", pool).CombinedOutput()
	if err != nil {
		t.Fatalf("rbd ls %s: %v\n%s", pool, err, out)
	}
	return string(out)
}

// TestConfigDrive: `server create --config-drive true --key-name K` puts
// vms/<uuid>_disk.config beside the root disk, the tiny guest mounts it
// and prints the instance's uuid and K's fingerprint (as `keypair show`
// gives it), and deleting the server leaves no config drive behind.
func TestConfigDrive(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := osc{t: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := "cfgd-" + sfx
	admin.run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", name)
	t.Cleanup(func() { admin.quietly("flavor", "delete", name) })
	pw := "pw-" + name
	admin.run("project", "create", name)
	admin.run("user", "create", "--password", pw, "--project", name, name)
	admin.run("role", "add", "--project", name, "--user", name, "member")
	t.Cleanup(func() { admin.quietly("user", "delete", name); admin.quietly("project", "delete", name) })
	user := osc{t: t, env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": pw, "OS_PROJECT_NAME": name}}

	user.run("keypair", "create", name)
	t.Cleanup(func() { user.quietly("keypair", "delete", name) })
	fp, _ := user.json("keypair", "show", name)["fingerprint"].(string)
	img := user.json("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", name)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.quietly("image", "delete", imageID) })
	ud := filepath.Join(t.TempDir(), "user-data")
	if err := os.WriteFile(ud, []byte("#!/bin/sh\necho hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	srv := user.json("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", name,
		"--network", "none", "--config-drive", "true", "--key-name", name, "--user-data", ud, "--property", "role=web",
		"--wait", name)
	id := srv["id"].(string)
	t.Cleanup(func() { admin.quietly("server", "delete", "--wait", id) })
	if srv["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", srv)
	}
	if show := user.json("server", "show", id); show["config_drive"] != "True" {
		t.Errorf("server show config_drive = %v, want True", show["config_drive"])
	}
	if !strings.Contains(rbdList(t, "vms"), id+"_disk.config\n") {
		t.Errorf("no vms/%s_disk.config", id)
	}
	wantUUID, wantKey := "tinyvm config-drive uuid="+id, "tinyvm key "+name+" "+fp
	deadline := time.Now().Add(3 * time.Minute)
	for {
		log := user.run("console", "log", "show", id)
		if strings.Contains(log, wantUUID) && strings.Contains(log, wantKey) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guest did not print %q and %q; console:\n%s", wantUUID, wantKey, log)
		}
		time.Sleep(2 * time.Second)
	}

	user.run("server", "delete", "--wait", id)
	if l := rbdList(t, "vms"); strings.Contains(l, id) {
		t.Errorf("disks of deleted server %s left:\n%s", id, l)
	}
}
