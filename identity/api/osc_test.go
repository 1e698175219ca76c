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

// TestOpenStackClientCredentialsPoliciesEndpointFilter drives credentials,
// EC2 credentials, policies and OS-EP-FILTER with the real client.
func TestOpenStackClientCredentialsPoliciesEndpointFilter(t *testing.T) {
	c := newCloud(t)
	var cred map[string]any
	out := c.mustOSC("credential", "create", "--type", "cert", "--project", "admin", "-f", "json", "admin", "opaque-blob")
	if err := json.Unmarshal([]byte(out), &cred); err != nil || cred["blob"] != "opaque-blob" {
		t.Fatalf("credential create: %v\n%s", err, out)
	}
	id := cred["id"].(string)
	if out := c.mustOSC("credential", "list", "--type", "cert", "-f", "value", "-c", "ID"); !strings.Contains(out, id) {
		t.Errorf("credential list:\n%s", out)
	}
	c.mustOSC("credential", "set", "--type", "cert", "--data", "new-blob", "--user", "admin", id)
	if out := c.mustOSC("credential", "show", "-f", "value", "-c", "blob", id); strings.TrimSpace(out) != "new-blob" {
		t.Errorf("credential show after set:\n%s", out)
	}
	c.mustOSC("credential", "delete", id)

	var ec2 map[string]any
	out = c.mustOSC("ec2", "credentials", "create", "-f", "json")
	if err := json.Unmarshal([]byte(out), &ec2); err != nil || ec2["access"] == nil || ec2["secret"] == nil {
		t.Fatalf("ec2 credentials create: %v\n%s", err, out)
	}
	access := ec2["access"].(string)
	if out := c.mustOSC("ec2", "credentials", "list", "-f", "value", "-c", "Access"); !strings.Contains(out, access) {
		t.Errorf("ec2 credentials list:\n%s", out)
	}
	c.mustOSC("ec2", "credentials", "show", access)
	c.mustOSC("ec2", "credentials", "delete", access)

	policyFile := c.t.TempDir() + "/policy.json"
	if err := os.WriteFile(policyFile, []byte(`{"rule": "role:admin"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var pol map[string]any
	out = c.mustOSC("policy", "create", "--type", "application/json", "-f", "json", policyFile)
	if err := json.Unmarshal([]byte(out), &pol); err != nil || pol["id"] == nil {
		t.Fatalf("policy create: %v\n%s", err, out)
	}
	pid := pol["id"].(string)
	c.mustOSC("policy", "set", "--type", "text/plain", pid)
	if out := c.mustOSC("policy", "show", "-f", "value", "-c", "type", pid); strings.TrimSpace(out) != "text/plain" {
		t.Errorf("policy show:\n%s", out)
	}
	if out := c.mustOSC("policy", "list", "-f", "value", "-c", "ID"); !strings.Contains(out, pid) {
		t.Errorf("policy list:\n%s", out)
	}
	c.mustOSC("policy", "delete", pid)

	c.mustOSC("project", "create", "filtered")
	eid := strings.TrimSpace(c.mustOSC("endpoint", "list", "--service", "identity", "--interface", "public", "-f", "value", "-c", "ID"))
	c.mustOSC("endpoint", "add", "project", eid, "filtered")
	if out := c.mustOSC("endpoint", "list", "--project", "filtered", "-f", "value", "-c", "ID"); strings.TrimSpace(out) != eid {
		t.Errorf("endpoint list --project:\n%s", out)
	}
	c.mustOSC("endpoint", "remove", "project", eid, "filtered")
	groupFile := c.t.TempDir() + "/filters.json"
	if err := os.WriteFile(groupFile, []byte(`{"interface": "public"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustOSC("endpoint", "group", "create", "--description", "public endpoints", "public", groupFile)
	c.mustOSC("endpoint", "group", "add", "project", "public", "filtered")
	if out := c.mustOSC("endpoint", "group", "list", "--project", "filtered", "-f", "value", "-c", "Name"); strings.TrimSpace(out) != "public" {
		t.Errorf("endpoint group list --project:\n%s", out)
	}
	c.mustOSC("endpoint", "group", "show", "public")
	c.mustOSC("endpoint", "group", "set", "--name", "pub", "public")
	c.mustOSC("endpoint", "group", "remove", "project", "pub", "filtered")
	c.mustOSC("endpoint", "group", "delete", "pub")
	c.mustOSC("project", "delete", "filtered")
}
