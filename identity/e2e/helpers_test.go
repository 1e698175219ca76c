package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// cmdTimeout bounds one openstack invocation.
const cmdTimeout = 2 * time.Minute

// osc runs the openstack client with a fixed set of OS_* variables, never
// the caller's environment, so a stray OS_CLOUD cannot change the target.
type osc struct {
	t   *testing.T
	env map[string]string
}

// admin returns a client with the dev cloud's admin credentials.
func admin(t *testing.T) *osc {
	t.Helper()
	return &osc{t: t, env: testenv.OpenRC(t)}
}

// as returns a client that logs in as another user with a project scope,
// at the same cloud as c.
func (c *osc) as(user, password, project string) *osc {
	env := c.base()
	env["OS_USERNAME"] = user
	env["OS_PASSWORD"] = password
	env["OS_PROJECT_NAME"] = project
	env["OS_USER_DOMAIN_NAME"] = "Default"
	env["OS_PROJECT_DOMAIN_NAME"] = "Default"
	return &osc{t: c.t, env: env}
}

// base is the cloud's address without any credentials.
func (c *osc) base() map[string]string {
	env := map[string]string{}
	for _, k := range []string{"OS_AUTH_URL", "OS_IDENTITY_API_VERSION", "OS_REGION_NAME", "OS_INTERFACE"} {
		if v := c.env[k]; v != "" {
			env[k] = v
		}
	}
	return env
}

// run runs `openstack args...` and returns its stdout and stderr.
func (c *osc) run(args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	bin, lerr := exec.LookPath("openstack")
	if lerr != nil {
		c.t.Fatalf("the openstack client (Debian python3-openstackclient) is not installed: %v", lerr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"HOME=" + c.t.TempDir(), "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	keys := make([]string, 0, len(c.env))
	for k := range c.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+c.env[k])
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// must runs a command that has to succeed.
func (c *osc) must(args ...string) string {
	c.t.Helper()
	out, errOut, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("openstack %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// json runs a command with `-f json` and decodes its output into v.
func (c *osc) json(v any, args ...string) {
	c.t.Helper()
	args = append(args, "-f", "json")
	out := c.must(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("openstack %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// obj runs a show/create command and returns its fields.
func (c *osc) obj(args ...string) map[string]any {
	c.t.Helper()
	var m map[string]any
	c.json(&m, args...)
	return m
}

// list runs a list command and returns its rows.
func (c *osc) list(args ...string) []map[string]any {
	c.t.Helper()
	var rows []map[string]any
	c.json(&rows, args...)
	return rows
}

// refused runs a command that has to fail, with stderr naming one of the
// given HTTP status codes, and returns stderr.
func (c *osc) refused(codes []string, args ...string) string {
	c.t.Helper()
	out, errOut, err := c.run(args...)
	if err == nil {
		c.t.Errorf("openstack %s succeeded, want it refused with %v\nstdout:\n%s", strings.Join(args, " "), codes, out)
		return errOut
	}
	for _, code := range codes {
		if strings.Contains(errOut, "HTTP "+code) {
			return errOut
		}
		// OSC's lookup by name or ID turns a 404 into this sentence.
		if code == "404" && notFound.MatchString(errOut) {
			return errOut
		}
	}
	c.t.Errorf("openstack %s failed without naming HTTP %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), codes, out, errOut)
	return errOut
}

// notFound is how OSC words a lookup that found nothing.
var notFound = regexp.MustCompile(`No [a-z ]+ with a (type, )?name or ID of '[^']*' exists`)

// cleanup deletes a resource when the test ends; a resource the test
// already deleted is fine.
func (c *osc) cleanup(args ...string) {
	c.t.Cleanup(func() {
		_, errOut, err := c.run(args...)
		// Gone already (OSC's by-name fallback finds nothing, or for
		// endpoints, which have no name filter, every endpoint) is fine.
		if err != nil && !notFound.MatchString(errOut) && !strings.Contains(errOut, "HTTP 404") && !strings.Contains(errOut, "More than one endpoint exists") {
			c.t.Logf("cleanup: openstack %s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
	})
}

// unique returns prefix with a random suffix, so reruns on the same cloud
// never collide.
func unique(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "e2e-" + prefix + "-" + hex.EncodeToString(b[:])
}

// str returns a field as a string.
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// column returns one column of list rows.
func column(rows []map[string]any, k string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, str(r, k))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validate asks keystone directly whether subject is a valid token,
// returning the HTTP status of GET /v3/auth/tokens.
func validate(t *testing.T, authURL, authToken, subject string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(authURL, "/")+"/auth/tokens", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", authToken)
	req.Header.Set("X-Subject-Token", subject)
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET /v3/auth/tokens: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// member makes a user with the member role on a new project, and returns
// the user's and project's ids, the password and a client logged in as
// the user.
func member(t *testing.T, adm *osc) (userID, projectID, password string, c *osc) {
	t.Helper()
	pname, uname, password := unique("proj"), unique("user"), unique("pw")
	p := adm.obj("project", "create", "--domain", "default", "--description", "e2e member project", pname)
	adm.cleanup("project", "delete", str(p, "id"))
	u := adm.obj("user", "create", "--domain", "default", "--password", password, "--project", str(p, "id"), uname)
	adm.cleanup("user", "delete", str(u, "id"))
	adm.must("role", "add", "--project", str(p, "id"), "--user", str(u, "id"), "member")
	return str(u, "id"), str(p, "id"), password, adm.as(uname, password, pname)
}
