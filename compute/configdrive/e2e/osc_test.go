package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestConfigDrive: `server create --config-drive true --key-name K` puts
// vms/<uuid>_disk.config beside the root disk, the tiny guest mounts it
// and prints the instance's uuid and K's fingerprint (as `keypair show`
// gives it), and deleting the server leaves no config drive behind.
func TestConfigDrive(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := "cfgd-" + sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", name)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", name) })
	pw := "pw-" + name
	admin.Run("project", "create", name)
	admin.Run("user", "create", "--password", pw, "--project", name, name)
	admin.Run("role", "add", "--project", name, "--user", name, "member")
	t.Cleanup(func() { admin.Quietly("user", "delete", name); admin.Quietly("project", "delete", name) })
	user := testenv.OSC{T: t, Env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": pw, "OS_PROJECT_NAME": name}}

	user.Run("keypair", "create", name)
	t.Cleanup(func() { user.Quietly("keypair", "delete", name) })
	fp, _ := user.JSON("keypair", "show", name)["fingerprint"].(string)
	img := user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", name)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	ud := filepath.Join(t.TempDir(), "user-data")
	if err := os.WriteFile(ud, []byte("#!/bin/sh\necho hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	srv := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", name,
		"--network", "none", "--config-drive", "true", "--key-name", name, "--user-data", ud, "--property", "role=web",
		"--wait", name)
	id := srv["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if srv["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", srv)
	}
	if show := user.JSON("server", "show", id); show["config_drive"] != "True" {
		t.Errorf("server show config_drive = %v, want True", show["config_drive"])
	}
	if !strings.Contains(testenv.RBD(t, "ls", "vms"), id+"_disk.config\n") {
		t.Errorf("no vms/%s_disk.config", id)
	}
	wantUUID, wantKey := "tinyvm config-drive uuid="+id, "tinyvm key "+name+" "+fp
	deadline := time.Now().Add(3 * time.Minute)
	for {
		log := user.Run("console", "log", "show", id)
		if strings.Contains(log, wantUUID) && strings.Contains(log, wantKey) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guest did not print %q and %q; console:\n%s", wantUUID, wantKey, log)
		}
		time.Sleep(2 * time.Second)
	}

	user.Run("server", "delete", "--wait", id)
	if l := testenv.RBD(t, "ls", "vms"); strings.Contains(l, id) {
		t.Errorf("disks of deleted server %s left:\n%s", id, l)
	}
}
