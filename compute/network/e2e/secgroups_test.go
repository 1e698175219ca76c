package e2e

import (
	"fmt"
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

	// server remove / add security group (nova's removeSecurityGroup and
	// addSecurityGroup actions) change the port's groups.
	user.Run("server", "remove", "security", "group", id, web)
	if groups := fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"]); strings.Contains(groups, web) || !strings.Contains(groups, defaultID) {
		t.Errorf("port security groups after server remove security group: %q", groups)
	}
	if out := user.Fail("server", "remove", "security", "group", id, web); !strings.Contains(out, "not associated with the instance") {
		t.Errorf("removing a group the server does not have: %s", out)
	}
	user.Run("server", "add", "security", "group", id, "web-"+sfx)
	if groups := fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"]); !strings.Contains(groups, web) {
		t.Errorf("port security groups after server add security group (by name): %q", groups)
	}
	if out := user.Fail("server", "add", "security", "group", id, "no-such-group-"+sfx); !strings.Contains(out, "not found") {
		t.Errorf("adding a group that does not exist: %s", out)
	}
}
