package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestOpenStackClientServerAddRemoveSecurityGroupProxy: python-
// openstackclient 6.0's `server add security group` and `server remove
// security group` find the group through nova's deprecated
// os-security-groups proxy (GET /os-security-groups/{name}, nova's 400
// for a name, then the list filtered by name), then ask nova's
// addSecurityGroup / removeSecurityGroup with its id: the server's port
// gains and loses the group. The proxy's views come from the network
// service: the group nova shows is the one `security group show` shows.
func TestOpenStackClientServerAddRemoveSecurityGroupProxy(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "sgp-f-"+sfx, "sgp-img-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	user := newProjectUser(t, admin, "sgp-"+sfx)

	name := "proxy-" + sfx
	group := user.JSON("security", "group", "create", name)["id"].(string)

	s := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", "private", "sgp-"+sfx)
	id := s["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	var port string
	poll(t, "the server's port", 5*time.Minute, func() bool {
		port = strings.TrimSpace(user.Run("port", "list", "--server", id, "-f", "value", "-c", "ID"))
		return port != ""
	})
	poll(t, "the server to finish building", 5*time.Minute, func() bool {
		return fmt.Sprint(user.JSON("server", "show", id)["status"]) != "BUILD"
	})
	portGroups := func() string { return fmt.Sprint(user.JSON("port", "show", port)["security_group_ids"]) }
	if g := portGroups(); strings.Contains(g, group) {
		t.Fatalf("the port is in %s before it was added: %s", name, g)
	}

	// By name: OSC looks it up through nova's proxy.
	user.Run("server", "add", "security", "group", id, name)
	if g := portGroups(); !strings.Contains(g, group) {
		t.Errorf("port security groups after server add security group %s: %s", name, g)
	}
	user.Run("server", "remove", "security", "group", id, name)
	if g := portGroups(); strings.Contains(g, group) {
		t.Errorf("port security groups after server remove security group %s: %s", name, g)
	}
	// By id: the proxy's show finds it at once.
	user.Run("server", "add", "security", "group", id, group)
	if g := portGroups(); !strings.Contains(g, group) {
		t.Errorf("port security groups after server add security group by id: %s", g)
	}
	user.Run("server", "remove", "security", "group", id, group)
	if g := portGroups(); strings.Contains(g, group) {
		t.Errorf("port security groups after server remove security group by id: %s", g)
	}
	// A group nobody has: OSC's lookup through the proxy finds none.
	if out := user.Fail("server", "add", "security", "group", id, "no-such-"+sfx); !strings.Contains(out, "found (HTTP 404)") {
		t.Errorf("adding an unknown group: %s", out)
	}
}
