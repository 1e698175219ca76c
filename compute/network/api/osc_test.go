package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// osc runs the real openstack client against the dev cloud (`make dev`)
// as admin, or with some OS_* variables replaced (env).
func osc(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("openstack")
	if err != nil {
		t.Fatalf("the openstack client (python3-openstackclient) is not installed: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range testenv.OpenRC(t) {
		if _, ok := env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustOSC(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, err := osc(t, env, args...)
	if err != nil {
		t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func jsonOf[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return v
}

// TestOpenStackClientNetwork drives the dev cloud's network-api with the
// real client: the default network, ports, security groups, admin-only
// network creation, availability zones and quotas.
func TestOpenStackClientNetwork(t *testing.T) {
	suffix := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	// The parts are independent: run them side by side (each CLI call
	// costs seconds of Python start-up).
	t.Run("default network and ports", func(t *testing.T) {
		t.Parallel()
		oscDefaultNetwork(t, suffix)
	})
	t.Run("security groups", func(t *testing.T) {
		t.Parallel()
		oscSecurityGroups(t, suffix)
	})
	t.Run("admin only networks", func(t *testing.T) {
		t.Parallel()
		oscNetworkRoles(t, suffix)
	})
	t.Run("zones and quotas", func(t *testing.T) {
		t.Parallel()
		oscZonesQuotas(t)
	})
}

func cleanupOSC(t *testing.T, args ...string) { t.Cleanup(func() { _, _ = osc(t, nil, args...) }) }

func oscDefaultNetwork(t *testing.T, suffix string) {
	cleanup := func(args ...string) { cleanupOSC(t, args...) }
	nets := jsonOf[[]map[string]any](t, mustOSC(t, nil, "network", "list", "-f", "json"))
	found := false
	for _, n := range nets {
		found = found || n["Name"] == "private"
	}
	if !found {
		t.Fatalf("network list has no private network: %v", nets)
	}
	net := jsonOf[map[string]any](t, mustOSC(t, nil, "network", "show", "private", "-f", "json"))
	if net["shared"] != true || net["provider:network_type"] != "flat" || net["status"] != "ACTIVE" || net["router:external"] != false {
		t.Errorf("network show: %v", net)
	}
	subnets := mustOSC(t, nil, "subnet", "list", "--network", "private", "-f", "value", "-c", "Name")
	if !strings.Contains(subnets, "private-subnet") {
		t.Errorf("subnet list: %s", subnets)
	}
	sub := jsonOf[map[string]any](t, mustOSC(t, nil, "subnet", "show", "private-subnet", "-f", "json"))
	if sub["cidr"] != "10.252.0.0/24" || sub["gateway_ip"] != "10.252.0.1" || sub["enable_dhcp"] != true {
		t.Errorf("subnet show: %v", sub)
	}

	// Ports.
	pname := "osc-port-" + suffix
	port := jsonOf[map[string]any](t, mustOSC(t, nil, "port", "create", "--network", "private", pname, "-f", "json"))
	cleanup("port", "delete", pname)
	ips, _ := port["fixed_ips"].([]any)
	if len(ips) != 1 || !strings.HasPrefix(ips[0].(map[string]any)["ip_address"].(string), "10.252.0.") ||
		!strings.HasPrefix(port["mac_address"].(string), "fa:16:3e:") {
		t.Errorf("port create: %v", port)
	}
	if list := mustOSC(t, nil, "port", "list", "--network", "private", "-f", "value", "-c", "Name"); !strings.Contains(list, pname) {
		t.Errorf("port list --network: %s", list)
	}
	shown := jsonOf[map[string]any](t, mustOSC(t, nil, "port", "show", pname, "-f", "json"))
	if shown["id"] != port["id"] || shown["status"] != "DOWN" {
		t.Errorf("port show: %v", shown)
	}
	mustOSC(t, nil, "port", "delete", pname)
	if out, err := osc(t, nil, "port", "show", port["id"].(string)); err == nil {
		t.Errorf("port show after delete: %s", out)
	}

}

func oscSecurityGroups(t *testing.T, suffix string) {
	cleanup := func(args ...string) { cleanupOSC(t, args...) }
	gname := "osc-sg-" + suffix
	mustOSC(t, nil, "security", "group", "create", gname, "-f", "json")
	cleanup("security", "group", "delete", gname)
	if list := mustOSC(t, nil, "security", "group", "list", "-f", "value", "-c", "Name"); !strings.Contains(list, gname) {
		t.Errorf("security group list: %s", list)
	}
	rule := jsonOf[map[string]any](t, mustOSC(t, nil, "security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", gname, "-f", "json"))
	if rule["port_range_min"] != float64(22) || rule["port_range_max"] != float64(22) || rule["protocol"] != "tcp" || rule["direction"] != "ingress" {
		t.Errorf("rule create: %v", rule)
	}
	if out, err := osc(t, nil, "security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", gname); err == nil ||
		!strings.Contains(out, "Security group rule already exists") {
		t.Errorf("duplicate rule: %v %s", err, out)
	}
	mustOSC(t, nil, "security", "group", "delete", gname)

}

// oscNetworkRoles: network creation is admin-only; a member uses the
// shared network.
func oscNetworkRoles(t *testing.T, suffix string) {
	cleanup := func(args ...string) { cleanupOSC(t, args...) }
	pname := "osc-port-" + suffix
	nname := "osc-net-" + suffix
	mustOSC(t, nil, "network", "create", "--provider-network-type", "flat", "--provider-physical-network", "osc"+suffix, nname, "-f", "json")
	cleanup("network", "delete", nname)
	mustOSC(t, nil, "network", "delete", nname)
	project, user, password := "osc-net-"+suffix, "osc-net-"+suffix, "pw-"+suffix
	mustOSC(t, nil, "project", "create", project)
	cleanup("project", "delete", project)
	mustOSC(t, nil, "user", "create", "--password", password, "--project", project, user)
	cleanup("user", "delete", user)
	mustOSC(t, nil, "role", "add", "--project", project, "--user", user, "member")
	member := map[string]string{"OS_USERNAME": user, "OS_PASSWORD": password, "OS_PROJECT_NAME": project}
	if out, err := osc(t, member, "network", "create", nname+"-m"); err == nil || !strings.Contains(out, "rule:create_network is disallowed by policy") {
		t.Errorf("member network create: %v %s", err, out)
	}
	// The member sees the shared network and makes a port on it.
	mp := jsonOf[map[string]any](t, mustOSC(t, member, "port", "create", "--network", "private", pname+"-m", "-f", "json"))
	if list := mustOSC(t, member, "port", "list", "-f", "value", "-c", "ID"); strings.TrimSpace(list) != mp["id"] {
		t.Errorf("member port list: %q, want only %v", list, mp["id"])
	}
	mustOSC(t, member, "port", "delete", mp["id"].(string))

}

func oscZonesQuotas(t *testing.T) {
	// Availability zones: the plain listing works (OSC's network part
	// needs the extension and the zone list).
	mustOSC(t, nil, "availability", "zone", "list")
	azs := jsonOf[[]map[string]any](t, mustOSC(t, nil, "availability", "zone", "list", "--network", "--long", "-f", "json"))
	if len(azs) != 1 || azs[0]["Zone Name"] != "nova" || azs[0]["Zone Resource"] != "network" {
		t.Errorf("network zones: %v", azs)
	}
	q := jsonOf[map[string]any](t, mustOSC(t, nil, "quota", "show", "-f", "json"))
	if q["networks"] != float64(100) || q["ports"] != float64(500) || q["secgroups"] != float64(10) {
		t.Errorf("quota show: %v", q)
	}
}
