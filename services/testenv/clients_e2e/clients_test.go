package clientse2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// repoRoot is the module root, where devstack/ and openrc are.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// runScript runs a devstack script against the running dev cloud and fails
// the test with its output when it fails.
func runScript(t *testing.T, timeout time.Duration, script string, env ...string) {
	t.Helper()
	testenv.OpenRC(t) // the cloud is up
	root := repoRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "devstack", script))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if img := testenv.Get("GOSTACK_TINY_IMAGE"); img != "" {
		cmd.Env = append(cmd.Env, "TINY_IMAGE="+img)
	}
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s (%s):\n%s", script, time.Since(start).Round(time.Second), out.String())
	if err != nil {
		t.Fatalf("%s failed: %v", script, err)
	}
}

// TestTerraformExample applies examples/terraform, checks that a second
// plan shows no changes, destroys it and checks nothing is left.
func TestTerraformExample(t *testing.T) {
	runScript(t, 20*time.Minute, "terraform.sh", "TF_EXAMPLE_PREFIX=tf-e2e")
}

// TestHorizonSmoke drives the dashboard in headless Chromium as a member
// (pages, launch wizard, console log, delete) and as an admin
// (hypervisors); screenshots stay under .stack/horizon/screenshots.
func TestHorizonSmoke(t *testing.T) {
	runScript(t, 20*time.Minute, "horizon.sh")
}
