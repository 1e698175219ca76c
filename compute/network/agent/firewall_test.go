package agent

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

func intp(n int) *int { return &n }

func testState() ([]rpcapi.VIF, map[string]rpcapi.AgentGroup) {
	ports := []rpcapi.VIF{
		{PortID: "p1", DevName: "tapaaaaaaaa-bb", MAC: "fa:16:3e:00:00:01", PortSecurityEnabled: true,
			FixedIPs: []rpcapi.FixedIP{{Address: "10.252.0.10"}}, SecurityGroups: []string{"g-default"}},
		{PortID: "p2", DevName: "tapcccccccc-dd", MAC: "fa:16:3e:00:00:02", PortSecurityEnabled: false,
			FixedIPs: []rpcapi.FixedIP{{Address: "10.252.0.11"}}},
	}
	groups := map[string]rpcapi.AgentGroup{
		"g-default": {ID: "g-default", Stateful: true, Members: []string{"10.252.0.10", "10.252.0.12"}, Rules: []rpcapi.AgentRule{
			{Direction: "egress", Ethertype: "IPv4"},
			{Direction: "egress", Ethertype: "IPv6"},
			{Direction: "ingress", Ethertype: "IPv4", RemoteGroupID: "g-default"},
			{Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", PortRangeMin: intp(22), PortRangeMax: intp(22), RemoteIPPrefix: "0.0.0.0/0"},
			{Direction: "ingress", Ethertype: "IPv4", Protocol: "udp", PortRangeMin: intp(1000), PortRangeMax: intp(2000), RemoteIPPrefix: "10.0.0.0/8"},
			{Direction: "ingress", Ethertype: "IPv4", Protocol: "icmp", PortRangeMin: intp(8), PortRangeMax: intp(0)},
		}},
	}
	return ports, groups
}

// TestRuleset checks the rendered rules and, where nft is installed,
// that nft accepts them (--check parses and validates without loading).
func TestRuleset(t *testing.T) {
	ports, groups := testState()
	rs := Ruleset(ports, groups)
	for _, want := range []string{
		`iifname "tapaaaaaaaa-bb" jump egress_tapaaaaaaaa_bb`,
		`oifname "tapaaaaaaaa-bb" jump ingress_tapaaaaaaaa_bb`,
		"ether saddr != fa:16:3e:00:00:01 drop",
		"ip saddr != { 10.252.0.10 } drop",
		"elements = { 10.252.0.10, 10.252.0.12 }",
		"ip saddr @sg_g_default return",
		"ip protocol tcp tcp dport 22 return",
		"ip saddr 10.0.0.0/8 ip protocol udp udp dport 1000-2000 return",
		"ip protocol icmp icmp type 8 icmp code 0 return",
		"meta mark & 0x100000 == 0x100000 return",
		"ct state established,related meta mark set meta mark | 0x100000",
	} {
		if !strings.Contains(rs, want) {
			t.Errorf("ruleset lacks %q:\n%s", want, rs)
		}
	}
	if strings.Contains(rs, "tapcccccccc") {
		t.Errorf("a port without port security is filtered:\n%s", rs)
	}
	if _, err := exec.LookPath("nft"); err != nil {
		t.Fatalf("nft is not installed (Debian package nftables, which make dev installs): %v", err)
	}
	cmd := exec.Command("nft", "--check", "-f", "-")
	cmd.Stdin = strings.NewReader(rs)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nft --check: %v: %s\n%s", err, out, rs)
	}
}

func TestBuildDHCP(t *testing.T) {
	nets := []rpcapi.AgentNetwork{{ID: "n1", Bridge: "brq-flat", MTU: 1500, Subnets: []rpcapi.AgentSubnet{
		{ID: "s1", CIDR: "10.252.0.0/24", Gateway: "10.252.0.1", DHCP: true, DNS: []string{"10.250.0.1"}},
		{ID: "s2", CIDR: "10.253.0.0/29", DHCP: true},
	}}}
	ports := []rpcapi.VIF{{MAC: "fa:16:3e:00:00:01", FixedIPs: []rpcapi.FixedIP{{SubnetID: "s1", Address: "10.252.0.10"}}},
		{MAC: "fa:16:3e:00:00:02", FixedIPs: []rpcapi.FixedIP{{SubnetID: "s2", Address: "10.253.0.2"}}}}
	c := BuildDHCP(nets, ports, func(s rpcapi.AgentSubnet) bool { return s.Gateway != "" })
	if len(c.Ranges) != 1 || c.Ranges[0] != "set:subnet-s1,10.252.0.0,static,255.255.255.0,infinite" {
		t.Errorf("ranges %q", c.Ranges)
	}
	if c.Hosts != "fa:16:3e:00:00:01,host-10-252-0-10,10.252.0.10,infinite\n" {
		t.Errorf("hosts %q", c.Hosts)
	}
	for _, want := range []string{"tag:subnet-s1,option:router,10.252.0.1", "tag:subnet-s1,option:dns-server,10.250.0.1", "tag:subnet-s1,option:mtu,1500"} {
		if !strings.Contains(c.Opts, want) {
			t.Errorf("opts lack %q: %q", want, c.Opts)
		}
	}
}
