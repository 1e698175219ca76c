package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gostack/gostack/services/testenv"
)

// vncBanner opens the websocket a noVNC URL leads to (the page passes
// its path parameter on) and returns the first 12 bytes from the guest.
func vncBanner(t *testing.T, consoleURL string) (string, *http.Response, error) {
	t.Helper()
	u, err := url.Parse(consoleURL)
	if err != nil {
		t.Fatal(err)
	}
	ws := "ws://" + u.Host + "/" + strings.TrimPrefix(u.Query().Get("path"), "/")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, ws, &websocket.DialOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		return "", resp, err
	}
	defer c.CloseNow()
	nc := websocket.NetConn(ctx, c, websocket.MessageBinary)
	b := make([]byte, 12)
	_, err = io.ReadFull(nc, b)
	return string(b), resp, err
}

// browserScreenshot opens url in headless chromium (playwright-core from
// .cache/novnc, installed by devstack/lib/novnc.sh) and saves a
// screenshot once the guest's screen is drawn.
func browserScreenshot(t *testing.T, url, out string) (string, error) {
	t.Helper()
	pw, err := filepath.Abs("../../../.cache/novnc/node_modules/playwright-core/index.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pw); err != nil {
		t.Fatalf("playwright-core is missing (make dev installs it with noVNC): %v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is missing: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := exec.CommandContext(ctx, "node", "testdata/screenshot.mjs", pw, url, out).CombinedOutput()
	return string(b), err
}

// TestConsoleURL: `openstack console url show --novnc` gives a URL whose
// page loads noVNC and whose websocket reaches the guest's VNC server
// (RFB banner); a forged token is refused, the admin can look the token
// up (os-console-auth-tokens, 2.31), and the token dies with the server.
func TestConsoleURL(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := "vnc-" + sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", name)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", name) })
	pw := "pw-" + name
	admin.Run("project", "create", name)
	admin.Run("user", "create", "--password", pw, "--project", name, name)
	admin.Run("role", "add", "--project", name, "--user", name, "member")
	t.Cleanup(func() { admin.Quietly("user", "delete", name); admin.Quietly("project", "delete", name) })
	user := testenv.OSC{T: t, Env: map[string]string{"OS_USERNAME": name, "OS_PASSWORD": pw, "OS_PROJECT_NAME": name}}

	img := user.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", name)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	srv := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", name,
		"--network", "none", "--wait", name)
	id := srv["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", id) })
	if srv["status"] != "ACTIVE" {
		t.Fatalf("server create --wait: %v", srv)
	}

	con := user.JSON("console", "url", "show", "--novnc", id)
	consoleURL, _ := con["url"].(string)
	if con["type"] != "novnc" || con["protocol"] != "vnc" || !strings.Contains(consoleURL, "/vnc_lite.html?path=%3Ftoken%3D") {
		t.Fatalf("console url show: %v", con)
	}
	banner, _, err := vncBanner(t, consoleURL)
	if err != nil || banner != "RFB 003.008\n" {
		t.Fatalf("through nova-novncproxy: banner %q, %v", banner, err)
	}
	// the page and noVNC's RFB module it imports
	u, _ := url.Parse(consoleURL)
	for _, p := range []string{u.Path, "/core/rfb.js"} {
		resp, err := http.Get("http://" + u.Host + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}

	// headless chromium shows the guest's screen through noVNC
	shot := filepath.Join(os.TempDir(), "gostack-console-"+id+".png")
	if out, err := browserScreenshot(t, consoleURL, shot); err != nil {
		t.Errorf("chromium on %s: %v\n%s", consoleURL, err, out)
	} else if st, err := os.Stat(shot); err != nil || st.Size() < 1000 || !strings.Contains(out, "status: Connected") {
		t.Errorf("screenshot %s: %v %v\n%s", shot, st, err, out)
	} else {
		t.Logf("screenshot of the guest's console: %s (%s)", shot, strings.TrimSpace(out))
	}

	// consoles other than noVNC are not served (nova with spice disabled)
	if out, err := user.Cmd("console", "url", "show", "--spice", id).CombinedOutput(); err == nil ||
		!strings.Contains(string(out), "Unavailable console type spice-html5.") || !strings.Contains(string(out), "400") {
		t.Errorf("console url show --spice: %v\n%s", err, out)
	}

	// a forged token
	forged := strings.Replace(consoleURL, "%3Ftoken%3D", "%3Ftoken%3D0", 1)
	if _, resp, err := vncBanner(t, forged); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %v %v, want 403", resp, err)
	}

	// the admin's view of the token (2.31), refused to the member
	token := strings.TrimPrefix(u.Query().Get("path"), "?token=")
	show := func(o testenv.OSC, version string) (int, map[string]any) {
		t.Helper()
		tok := strings.TrimSpace(o.Run("token", "issue", "-f", "value", "-c", "id"))
		ep := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
		req, _ := http.NewRequest("GET", strings.TrimSuffix(ep, "/")+"/os-console-auth-tokens/"+token, nil)
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("OpenStack-API-Version", "compute "+version)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	code, body := show(admin, "2.31")
	c, _ := body["console"].(map[string]any)
	if code != 200 || c["instance_uuid"] != id || c["port"] == nil || c["host"] == nil {
		t.Errorf("os-console-auth-tokens 2.31: %d %v", code, body)
	}
	if code, body := show(admin, "2.1"); code != 401 {
		t.Errorf("os-console-auth-tokens 2.1 for a novnc token: %d %v, want 401", code, body)
	}
	if code, body := show(user, "2.31"); code != 403 {
		t.Errorf("os-console-auth-tokens as a member: %d %v, want 403", code, body)
	}

	// the token dies with its server
	admin.Run("server", "delete", "--wait", id)
	if _, resp, err := vncBanner(t, consoleURL); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("token of a deleted server: %v %v, want 403", resp, err)
	}
}
