package e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestOpenStackClientServerSecurityGroups: a server created with security
// groups named by name or by id (as Horizon sends the default one) gets
// ports in exactly those groups; an unknown group is refused with nova's
// 400 before anything is built.
func TestOpenStackClientServerSecurityGroups(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "sg-f-"+sfx, "sg-img-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	user := newProjectUser(t, admin, "sg-"+sfx)

	web := user.JSON("security", "group", "create", "web-"+sfx)["id"].(string)
	var defaultID string
	for _, line := range strings.Split(user.Run("security", "group", "list", "-f", "value", "-c", "ID", "-c", "Name"), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[1] == "default" {
			defaultID = f[0]
		}
	}
	if defaultID == "" {
		t.Fatal("the project has no default security group")
	}

	// OSC looks the group up in the network service first; nova answers
	// a request naming an unknown group with its 400 (compute/api
	// TestServerSecurityGroupsRequest).
	out := user.Fail("server", "create", "--image", imageID, "--flavor", flavor, "--network", "private",
		"--security-group", "nope-"+sfx, "sg-bad-"+sfx)
	if !strings.Contains(out, "nope-"+sfx) {
		t.Errorf("unknown security group: %s", out)
	}
	if got := user.Run("server", "list", "-f", "value", "-c", "Name"); strings.Contains(got, "sg-bad-") {
		t.Errorf("a server was made for an unknown group: %s", got)
	}

	s := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", "private",
		"--security-group", web, "--security-group", defaultID, "sg-"+sfx)
	id := s["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	var port string
	poll(t, "the server's port", 5*time.Minute, func() bool {
		port = strings.TrimSpace(user.Run("port", "list", "--server", id, "-f", "value", "-c", "ID"))
		return port != ""
	})
	groups := fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"])
	if !strings.Contains(groups, web) || !strings.Contains(groups, defaultID) {
		t.Errorf("port security groups %q, want %s and %s", groups, web, defaultID)
	}
	poll(t, "the server to finish building", 5*time.Minute, func() bool {
		return fmt.Sprint(user.JSON("server", "show", id)["status"]) != "BUILD"
	})
	if st := user.JSON("server", "show", id)["status"]; st != "ACTIVE" {
		t.Errorf("server with two groups: %v, want ACTIVE", st)
	}

	// nova's removeSecurityGroup and addSecurityGroup actions (novaclient's
	// remove-secgroup / add-secgroup, by id or name) change the port's groups.
	nova := func(args ...string) (string, error) {
		cmd := user.Cmd()
		cmd.Path, _ = exec.LookPath("nova")
		cmd.Args = append([]string{"nova"}, args...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := nova("remove-secgroup", id, web); err != nil {
		t.Fatalf("nova remove-secgroup: %v\n%s", err, out)
	}
	if groups := fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"]); strings.Contains(groups, web) || !strings.Contains(groups, defaultID) {
		t.Errorf("port security groups after remove-secgroup: %q", groups)
	}
	if out, err := nova("remove-secgroup", id, web); err == nil || !strings.Contains(out, "not associated with the instance") {
		t.Errorf("removing a group the server does not have: %v %s", err, out)
	}
	if out, err := nova("add-secgroup", id, "web-"+sfx); err != nil {
		t.Fatalf("nova add-secgroup by name: %v\n%s", err, out)
	}
	if groups := fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"]); !strings.Contains(groups, web) {
		t.Errorf("port security groups after add-secgroup: %q", groups)
	}
	if out, err := nova("add-secgroup", id, "no-such-group-"+sfx); err == nil || !strings.Contains(out, "not found") {
		t.Errorf("adding a group that does not exist: %v %s", err, out)
	}
}
