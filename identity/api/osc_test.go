package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// osc runs the real python-openstackclient against the cloud.
func (c *cloud) osc(env map[string]string, args ...string) (string, error) {
	c.t.Helper()
	bin, err := exec.LookPath("openstack")
	if err != nil {
		c.t.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	cmd := exec.Command(bin, args...)
	base := map[string]string{
		"OS_AUTH_URL": c.srv.URL + "/v3", "OS_IDENTITY_API_VERSION": "3", "OS_REGION_NAME": "RegionOne",
		"OS_INTERFACE": "public", "OS_USERNAME": "admin", "OS_PASSWORD": adminPassword, "OS_PROJECT_NAME": "admin",
		"OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
	}
	for k, v := range env {
		base[k] = v
	}
	cmd.Env = []string{"HOME=" + c.t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range base {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *cloud) mustOSC(args ...string) string {
	c.t.Helper()
	out, err := c.osc(nil, args...)
	if err != nil {
		c.t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestOpenStackClient(t *testing.T) {
	c := newCloud(t)
	var tok map[string]string
	if err := json.Unmarshal([]byte(c.mustOSC("token", "issue", "-f", "json")), &tok); err != nil {
		t.Fatal(err)
	}
	if tok["project_id"] != c.boot.ProjectID || tok["user_id"] != c.boot.UserID {
		t.Errorf("token issue: %v", tok)
	}
	if out := c.mustOSC("catalog", "list"); !strings.Contains(out, "identity") || !strings.Contains(out, c.srv.URL+"/v3") {
		t.Errorf("catalog list:\n%s", out)
	}
	c.mustOSC("endpoint", "list")
	c.mustOSC("project", "create", "demo")
	if out := c.mustOSC("project", "list", "-f", "value", "-c", "Name"); !strings.Contains(out, "demo") {
		t.Errorf("project list:\n%s", out)
	}
	c.mustOSC("user", "create", "--password", "pw", "--project", "demo", "demo")
	c.mustOSC("user", "show", "demo")
	c.mustOSC("role", "create", "observer")
	c.mustOSC("role", "add", "--project", "demo", "--user", "demo", "member")
	out := c.mustOSC("role", "assignment", "list", "--project", "demo", "--names", "-f", "value")
	if !strings.Contains(out, "member demo@Default") || !strings.Contains(out, "demo@Default") {
		t.Errorf("role assignment list --names:\n%s", out)
	}
	// The new user logs in, and may not do admin things.
	demo := map[string]string{"OS_USERNAME": "demo", "OS_PASSWORD": "pw", "OS_PROJECT_NAME": "demo"}
	if out, err := c.osc(demo, "token", "issue"); err != nil {
		t.Errorf("demo token issue: %v\n%s", err, out)
	}
	if out, err := c.osc(demo, "user", "create", "intruder"); err == nil || !strings.Contains(out, "403") {
		t.Errorf("demo user create: %v\n%s", err, out)
	}
	if out, err := c.osc(map[string]string{"OS_PASSWORD": "wrong"}, "token", "issue"); err == nil || !strings.Contains(out, "401") {
		t.Errorf("wrong password: %v\n%s", err, out)
	}
	c.mustOSC("role", "remove", "--project", "demo", "--user", "demo", "member")
	c.mustOSC("user", "delete", "demo")
	c.mustOSC("project", "delete", "demo")
	c.mustOSC("role", "delete", "observer")
	if out, err := c.osc(nil, "project", "show", "demo"); err == nil {
		t.Errorf("deleted project still shows:\n%s", out)
	}
}
