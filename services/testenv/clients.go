package testenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// OSC runs the real python-openstackclient against the dev cloud: the
// openrc credentials of `make dev`, with Env's variables on top (another
// user or project, a microversion). The zero Env means the admin.
type OSC struct {
	T   testing.TB
	Env map[string]string
}

// Cmd is the `openstack ARGS` command, not yet run.
func (o OSC) Cmd(args ...string) *exec.Cmd {
	cmd := exec.Command("openstack", args...)
	cmd.Env = []string{"HOME=" + os.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range OpenRC(o.T) {
		if _, ok := o.Env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range o.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// Run runs the client and fails the test unless it succeeds.
func (o OSC) Run(args ...string) string {
	o.T.Helper()
	if _, err := exec.LookPath("openstack"); err != nil {
		o.T.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	out, err := o.Cmd(args...).CombinedOutput()
	if err != nil {
		o.T.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Fail runs the client expecting it to fail, and returns its output.
func (o OSC) Fail(args ...string) string {
	o.T.Helper()
	out, err := o.Cmd(args...).CombinedOutput()
	if err == nil {
		o.T.Fatalf("openstack %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// JSON runs the client with `-f json` and decodes its object.
func (o OSC) JSON(args ...string) map[string]any {
	o.T.Helper()
	out := o.Run(append(args, "-f", "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		o.T.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return m
}

// Quietly runs the client and ignores the outcome (cleanups).
func (o OSC) Quietly(args ...string) { _ = o.Cmd(args...).Run() }

// RBD runs the rbd tool on the stack's Ceph cluster as its test user and
// fails the test unless it succeeds.
func RBD(t testing.TB, args ...string) string {
	t.Helper()
	conf, user := Ceph(t)
	out, err := exec.Command("rbd", append([]string{"--conf", conf, "--id", user}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("rbd %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
