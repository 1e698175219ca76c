package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// nicUserData is a tiny-image user data script that reports the guest's
// NICs on the console as they come and go ("tinyvm nic add eth1 MAC",
// "tinyvm nic remove eth1") and asks DHCP for an address on each new one
// but eth0 ("tinyvm dhcp: eth1 IP/24 ...").
func nicUserData(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "user-data")
	script := `#!/bin/sh
seen=""
while true; do
  now=""
  for d in /sys/class/net/eth*; do
    [ -e "$d" ] || continue
    n=${d##*/}
    now="$now $n"
    case " $seen " in *" $n "*) continue ;; esac
    echo "tinyvm nic add $n $(cat $d/address)"
    if [ "$n" != eth0 ]; then
      ip link set "$n" up
      udhcpc -i "$n" -n -q -t 10 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
    fi
  done
  for n in $seen; do
    case " $now " in *" $n "*) ;; *) echo "tinyvm nic remove $n" ;; esac
  done
  seen=$now
  sleep 1
done
`
	if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var macPattern = regexp.MustCompile(`(?i)\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b`)

// domainMACs are the MACs of a domain's NICs, live or (inactive) in its
// persistent definition, as virsh on the server's host shows them: the
// main host's libvirt, or a namespace host's (gshN) through
// devstack/host.sh.
func domainMACs(t *testing.T, host, id string, inactive bool) []string {
	t.Helper()
	args := []string{"-c", testenv.LibvirtURI(t), "domiflist", id}
	if inactive {
		args = append(args, "--inactive")
	}
	cmd := exec.Command("virsh", args...)
	if n, ok := strings.CutPrefix(host, "gsh"); ok {
		script := filepath.Join(filepath.Dir(testenv.Require(t, testenv.EnvStackDir)), "devstack", "host.sh")
		cmd = exec.Command("bash", append([]string{script, "exec", n, "virsh", "-c", "qemu:///system"}, args[2:]...)...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("virsh domiflist %s on %s: %v\n%s", id, host, err, out)
	}
	var macs []string
	for _, m := range macPattern.FindAllString(string(out), -1) {
		macs = append(macs, strings.ToLower(m))
	}
	return macs
}

// TestOSCInterfaces drives nova's os-interface with the real client on
// the dev cloud: `server add port` hot-plugs the user's port into a
// running server (bound to its host, a second NIC in the domain, live and
// persistent, seen by the guest, which gets the port's address by DHCP);
// `server remove port` unplugs it and leaves the port unbound; `server
// add network` makes a port (also for a server made without a network)
// that `server remove network` and the server's delete remove; a
// rebuild keeps every attached NIC; a user's port attached later
// survives the delete unbound. nova's errors: a port in use 409, an unknown
// network 404, both a port and a network 400, a port not attached 404.
func TestOSCInterfaces(t *testing.T) {
	src := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	flavor, image := "osif-f-"+sfx, "osif-img-"+sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", flavor)
	t.Cleanup(func() { admin.Quietly("flavor", "delete", flavor) })
	img := admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "--public", image)
	imageID := img["id"].(string)
	t.Cleanup(func() { admin.Quietly("image", "delete", imageID) })
	user := newProjectUser(t, admin, "osif-"+sfx, "member")

	// B boots meanwhile, without a network: the other server of the
	// conflict cases, and one whose first NIC is an attached one. Both
	// stay in zone nova (the main host), away from the namespace hosts
	// the migration tests stop and start.
	b := user.JSON("--os-compute-api-version", "2.37", "server", "create", "--image", imageID, "--flavor", flavor,
		"--network", "none", "--availability-zone", "nova", "osif-b-"+sfx)
	idB := b["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idB) })
	a := user.JSON("server", "create", "--image", imageID, "--flavor", flavor, "--network", "private",
		"--config-drive", "true", "--user-data", nicUserData(t), "--availability-zone", "nova", "--wait", "osif-a-"+sfx)
	idA := a["id"].(string)
	t.Cleanup(func() { admin.Quietly("server", "delete", "--wait", idA) })
	if a["status"] != "ACTIVE" {
		t.Fatalf("server A: %v", a)
	}
	poll(t, "server B ACTIVE", 8*time.Minute, func() bool {
		s := user.JSON("server", "show", idB)
		if s["status"] == "ERROR" {
			t.Fatalf("server B failed: %v", s["fault"])
		}
		return s["status"] == "ACTIVE"
	})
	host := fmt.Sprint(admin.JSON("server", "show", idA)["OS-EXT-SRV-ATTR:host"])
	hostB := fmt.Sprint(admin.JSON("server", "show", idB)["OS-EXT-SRV-ATTR:host"])
	t.Logf("server A %s on %s, server B %s on %s", idA, host, idB, hostB)
	bootMACs := domainMACs(t, host, idA, false)
	if len(bootMACs) != 1 {
		t.Fatalf("server A's domain (host %s) has NICs %v, want the one of its boot port", host, bootMACs)
	}
	console := func(id string) string {
		out, _ := user.Cmd("console", "log", "show", id).Output() // retried by the polls
		return string(out)
	}
	poll(t, "the guest to report its first NIC", 5*time.Minute, func() bool {
		return strings.Contains(console(idA), "tinyvm nic add eth0 "+bootMACs[0])
	})

	token := strings.TrimSpace(user.Run("token", "issue", "-f", "value", "-c", "id"))
	nova := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
	call := func(method, path, version string, in any, out any) (int, string) {
		t.Helper()
		var body bytes.Buffer
		if in != nil {
			_ = json.NewEncoder(&body).Encode(in)
		}
		req, _ := http.NewRequest(method, nova+path, &body)
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("OpenStack-API-Version", "compute "+version)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		var raw bytes.Buffer
		_, _ = raw.ReadFrom(resp.Body)
		if out != nil {
			_ = json.Unmarshal(raw.Bytes(), out)
		}
		return resp.StatusCode, raw.String()
	}
	serverPorts := func(id string) []string {
		return strings.Fields(user.Run("port", "list", "--server", id, "-f", "value", "-c", "ID"))
	}

	port := user.JSON("port", "create", "--network", "private", "osif-p-"+sfx)
	portID, portMAC := port["id"].(string), strings.ToLower(port["mac_address"].(string))
	t.Cleanup(func() { admin.Quietly("port", "delete", portID) })
	portIP := fixedIPOf(t, port)
	var bootPort string
	if ps := serverPorts(idA); len(ps) == 1 {
		bootPort = ps[0]
	} else {
		t.Fatalf("port list --server A before the attach: %v", ps)
	}

	t.Run("add port", func(t *testing.T) {
		user, admin := testenv.OSC{T: t, Env: user.Env}, testenv.OSC{T: t}
		user.Run("--os-compute-api-version", "2.49", "server", "add", "port", "--tag", "data", idA, portID)
		if ps := serverPorts(idA); len(ps) != 2 || !slices.Contains(ps, portID) || !slices.Contains(ps, bootPort) {
			t.Errorf("port list --server A after the attach: %v, want %s and %s", ps, bootPort, portID)
		}
		p := admin.JSON("port", "show", portID)
		if p["device_id"] != idA || p["binding_host_id"] != host || !strings.HasPrefix(fmt.Sprint(p["device_owner"]), "compute:") ||
			p["binding_vif_type"] != "bridge" {
			t.Errorf("attached port: device_id %v owner %v host %v (want %s) vif %v", p["device_id"], p["device_owner"],
				p["binding_host_id"], host, p["binding_vif_type"])
		}
		for _, inactive := range []bool{false, true} {
			if macs := domainMACs(t, host, idA, inactive); len(macs) != 2 || !slices.Contains(macs, portMAC) {
				t.Errorf("domain NICs (inactive %v) after the attach: %v, want %s and %s", inactive, macs, bootMACs[0], portMAC)
			}
		}
		poll(t, "the guest to see the new NIC and get "+portIP+" on it by DHCP", 4*time.Minute, func() bool {
			log := console(idA)
			return strings.Contains(log, "tinyvm nic add eth1 "+portMAC) && strings.Contains(log, "tinyvm dhcp: eth1 "+portIP+"/")
		})
		poll(t, "the attached port ACTIVE", 2*time.Minute, func() bool { return admin.JSON("port", "show", portID)["status"] == "ACTIVE" })

		var list struct {
			Attachments []map[string]any `json:"interfaceAttachments"`
		}
		if code, body := call("GET", "/servers/"+idA+"/os-interface", "2.70", nil, &list); code != 200 || len(list.Attachments) != 2 {
			t.Fatalf("GET os-interface: %d %s", code, body)
		}
		// the tag (2.49) is shown from 2.70 only
		if code, body := call("GET", "/servers/"+idA+"/os-interface/"+portID, "2.69", nil, nil); code != 200 || strings.Contains(body, `"tag"`) {
			t.Errorf("GET os-interface/%s at 2.69: %d %s", portID, code, body)
		}
		var show struct {
			Attachment map[string]any `json:"interfaceAttachment"`
		}
		code, body := call("GET", "/servers/"+idA+"/os-interface/"+portID, "2.70", nil, &show)
		att := show.Attachment
		if code != 200 || att["port_id"] != portID || att["net_id"] != port["network_id"] || strings.ToLower(fmt.Sprint(att["mac_addr"])) != portMAC ||
			att["port_state"] != "ACTIVE" || !strings.Contains(fmt.Sprint(att["fixed_ips"]), portIP) || att["tag"] != "data" {
			t.Errorf("GET os-interface/%s: %d %s", portID, code, body)
		}
	})

	t.Run("errors", func(t *testing.T) {
		user := testenv.OSC{T: t, Env: user.Env}
		// a port on another server: nova's PortInUse, through the client
		out := user.Fail("server", "add", "port", idB, portID)
		if !strings.Contains(out, "Port "+portID+" is still in use.") || !strings.Contains(out, "409") {
			t.Errorf("server add port of A's port to B: want nova's 409 PortInUse:\n%s", out)
		}
		missing := "3c1d6c43-6e1e-4b38-9e0f-7a3b5e7d2a11"
		code, body := call("POST", "/servers/"+idB+"/os-interface", "2.1",
			map[string]any{"interfaceAttachment": map[string]any{"net_id": missing}}, nil)
		if code != 404 || !strings.Contains(body, "Network "+missing+" could not be found.") {
			t.Errorf("attach an unknown network: %d %s", code, body)
		}
		code, body = call("POST", "/servers/"+idB+"/os-interface", "2.1",
			map[string]any{"interfaceAttachment": map[string]any{"net_id": port["network_id"], "port_id": portID}}, nil)
		if code != 400 || !strings.Contains(body, "Must not input both network_id and port_id") {
			t.Errorf("attach with both a port and a network: %d %s", code, body)
		}
		code, body = call("DELETE", "/servers/"+idB+"/os-interface/"+portID, "2.1", nil, nil)
		if code != 404 || !strings.Contains(body, "Port "+portID+" is not attached") {
			t.Errorf("detach a port B does not have: %d %s", code, body)
		}
		if ps := serverPorts(idB); len(ps) != 0 {
			t.Errorf("B's ports after the refused attaches: %v", ps)
		}
	})

	t.Run("remove port", func(t *testing.T) {
		user, admin := testenv.OSC{T: t, Env: user.Env}, testenv.OSC{T: t}
		user.Run("server", "remove", "port", idA, portID)
		for _, inactive := range []bool{false, true} {
			if macs := domainMACs(t, host, idA, inactive); len(macs) != 1 || slices.Contains(macs, portMAC) {
				t.Errorf("domain NICs (inactive %v) after the detach: %v, want only %s", inactive, macs, bootMACs[0])
			}
		}
		p := admin.JSON("port", "show", portID)
		if p["device_id"] != "" || p["binding_host_id"] != "" || p["device_owner"] != "" {
			t.Errorf("the user's port after the detach: device_id %q owner %q host %q, want it kept unbound",
				p["device_id"], p["device_owner"], p["binding_host_id"])
		}
		if ps := serverPorts(idA); len(ps) != 1 || ps[0] != bootPort {
			t.Errorf("port list --server A after the detach: %v", ps)
		}
		poll(t, "the guest to lose the NIC", 2*time.Minute, func() bool { return strings.Contains(console(idA), "tinyvm nic remove eth1") })
	})

	t.Run("add and remove network", func(t *testing.T) {
		user := testenv.OSC{T: t, Env: user.Env}
		user.Run("server", "add", "network", idB, "private")
		user.Run("server", "add", "network", idB, "private")
		after := serverPorts(idB)
		if len(after) != 2 || len(domainMACs(t, hostB, idB, false)) != 2 {
			t.Fatalf("server B after adding the network twice: ports %v, domain NICs %v", after, domainMACs(t, hostB, idB, false))
		}
		// a server made without a network shows the attached one's addresses
		if ip := testenv.AddressOn(user.JSON("server", "show", idB), "private"); ip == "" {
			t.Errorf("server show B lists no address on private after add network: %v", user.JSON("server", "show", idB)["addresses"])
		}
		// OSC's remove network detaches every port of B on the network
		user.Run("server", "remove", "network", idB, "private")
		if ps := serverPorts(idB); len(ps) != 0 {
			t.Errorf("server B after remove network: ports %v", ps)
		}
		if macs := domainMACs(t, hostB, idB, false); len(macs) != 0 {
			t.Errorf("server B's domain after remove network: NICs %v", macs)
		}
		for _, p := range after {
			if out := user.Fail("port", "show", p); !strings.Contains(out, "No Port found") && !strings.Contains(out, "404") {
				t.Errorf("port %s made by nova is left after remove network:\n%s", p, out)
			}
		}
	})

	t.Run("delete releases attached ports", func(t *testing.T) {
		user, admin := testenv.OSC{T: t, Env: user.Env}, testenv.OSC{T: t}
		user.Run("server", "add", "network", idA, "private")
		user.Run("server", "add", "port", idA, portID)
		ports := serverPorts(idA)
		if len(ports) != 3 {
			t.Fatalf("server A's ports before the delete: %v", ports)
		}
		// a rebuild redefines the guest with every port it has
		user.Run("server", "rebuild", "--image", imageID, "--wait", idA)
		if macs := domainMACs(t, host, idA, true); len(macs) != 3 || !slices.Contains(macs, portMAC) {
			t.Errorf("domain NICs after the rebuild: %v, want 3 with %s", macs, portMAC)
		}
		events := user.Run("server", "event", "list", idA, "-f", "value", "-c", "Action")
		for _, want := range []string{"attach_interface", "detach_interface"} {
			if !strings.Contains(events, want) {
				t.Errorf("server event list lacks %s:\n%s", want, events)
			}
		}
		user.Run("server", "delete", "--wait", idA)
		for _, p := range ports {
			if p == portID {
				continue
			}
			if out := user.Fail("port", "show", p); !strings.Contains(out, "No Port found") && !strings.Contains(out, "404") {
				t.Errorf("port %s made by nova is left after the server's delete:\n%s", p, out)
			}
		}
		p := admin.JSON("port", "show", portID)
		if p["device_id"] != "" || p["binding_host_id"] != "" {
			t.Errorf("the user's port after the server's delete: device_id %q host %q, want it kept unbound", p["device_id"], p["binding_host_id"])
		}
	})
}

// fixedIPOf is the first address of `port create/show -f json`'s
// fixed_ips (a list of objects in OSC 6, a string before).
func fixedIPOf(t *testing.T, port map[string]any) string {
	t.Helper()
	switch v := port["fixed_ips"].(type) {
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				if s, _ := m["ip_address"].(string); s != "" {
					return s
				}
			}
		}
	case string:
		if m := regexp.MustCompile(`ip_address='([0-9.]+)'`).FindStringSubmatch(v); m != nil {
			return m[1]
		}
	}
	t.Fatalf("port has no fixed IP: %v", port["fixed_ips"])
	return ""
}
