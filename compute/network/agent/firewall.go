package agent

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

// TableName is the agent's nftables table (bridge family): it sees the
// frames of the bridge's ports, between guests (forward), from the
// host (output) and to it (input).
const TableName = "gostack"

// Ruleset renders the security groups of the host's ports as one
// nftables table, replaced atomically by `nft -f`. Per tap: an ingress
// chain (frames to the guest) and an egress chain (from it). Egress
// drops spoofed MAC and IPv4 source addresses and allows DHCP requests;
// ingress allows DHCP replies and ARP; stateful groups accept the
// replies of allowed connections (conntrack); each rule of the port's
// groups in a direction allows what it matches; the rest is dropped.
// Ports with port security off are not filtered. Subchains end in
// return (allowed) or drop, so a frame between two guests passes the
// sender's egress and then the receiver's ingress.
func Ruleset(ports []rpcapi.VIF, groups map[string]rpcapi.AgentGroup) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table bridge %s\ndelete table bridge %s\ntable bridge %s {\n", TableName, TableName, TableName)
	// sets of the groups' member addresses (remote groups)
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "\tset %s {\n\t\ttype ipv4_addr\n", setName(id))
		if m := v4(groups[id].Members); len(m) > 0 {
			fmt.Fprintf(&b, "\t\telements = { %s }\n", strings.Join(m, ", "))
		}
		b.WriteString("\t}\n")
	}
	filtered := make([]rpcapi.VIF, 0, len(ports))
	for _, p := range ports {
		if p.PortSecurityEnabled && p.DevName != "" {
			filtered = append(filtered, p)
		}
	}
	sort.Slice(filtered, func(i, j int) bool { return filtered[i].DevName < filtered[j].DevName })
	base := func(name, hook string, dirs ...string) {
		fmt.Fprintf(&b, "\tchain %s {\n\t\ttype filter hook %s priority 0; policy accept;\n", name, hook)
		for _, p := range filtered {
			for _, d := range dirs {
				key := "oifname"
				if d == "egress" {
					key = "iifname"
				}
				fmt.Fprintf(&b, "\t\t%s %q jump %s\n", key, p.DevName, chainName(d, p.DevName))
			}
		}
		b.WriteString("\t}\n")
	}
	base("forward", "forward", "egress", "ingress")
	base("input", "input", "egress")
	base("output", "output", "ingress")
	for _, p := range filtered {
		stateful := false
		var rules []rpcapi.AgentRule
		for _, gid := range p.SecurityGroups {
			g, ok := groups[gid]
			if !ok {
				continue
			}
			stateful = stateful || g.Stateful
			rules = append(rules, g.Rules...)
		}
		var ips []string
		for _, f := range p.FixedIPs {
			ips = append(ips, f.Address)
		}
		ips = v4(ips)
		// egress: from the guest
		fmt.Fprintf(&b, "\tchain %s {\n", chainName("egress", p.DevName))
		fmt.Fprintf(&b, "\t\tether saddr != %s drop\n", p.MAC)
		fmt.Fprintf(&b, "\t\tarp saddr ip != { %s } drop\n", strings.Join(append([]string{"0.0.0.0"}, ips...), ", "))
		b.WriteString("\t\tether type arp return\n")
		b.WriteString("\t\tip saddr 0.0.0.0 udp sport 68 udp dport 67 return\n")
		if len(ips) > 0 {
			fmt.Fprintf(&b, "\t\tip saddr != { %s } drop\n", strings.Join(ips, ", "))
			b.WriteString("\t\tip saddr != 0.0.0.0 udp sport 68 udp dport 67 return\n")
		} else {
			b.WriteString("\t\tether type ip drop\n")
		}
		if stateful {
			fmt.Fprintf(&b, "\t\tmeta mark & %#x == %#x return\n", EstablishedMark, EstablishedMark)
		}
		for _, r := range rules {
			if m, ok := ruleMatch(r, "egress"); ok {
				fmt.Fprintf(&b, "\t\t%s return\n", m)
			}
		}
		b.WriteString("\t\tdrop\n\t}\n")
		// ingress: to the guest
		fmt.Fprintf(&b, "\tchain %s {\n", chainName("ingress", p.DevName))
		b.WriteString("\t\tether type arp return\n")
		b.WriteString("\t\tudp sport 67 udp dport 68 return\n")
		if stateful {
			fmt.Fprintf(&b, "\t\tmeta mark & %#x == %#x return\n", EstablishedMark, EstablishedMark)
		}
		for _, r := range rules {
			if m, ok := ruleMatch(r, "ingress"); ok {
				fmt.Fprintf(&b, "\t\t%s return\n", m)
			}
		}
		b.WriteString("\t\tdrop\n\t}\n")
	}
	b.WriteString("}\n")
	// conntrack: the bridge family has none here (no nf_conntrack_bridge),
	// but bridged IPv4 passes the inet hooks (br_netfilter), where the
	// replies of allowed connections get a mark the bridge chains read.
	fmt.Fprintf(&b, "table inet %s_ct\ndelete table inet %s_ct\ntable inet %s_ct {\n", TableName, TableName, TableName)
	for _, hook := range []string{"prerouting", "output"} {
		fmt.Fprintf(&b, "\tchain %s {\n\t\ttype filter hook %s priority -150; policy accept;\n", hook, hook)
		fmt.Fprintf(&b, "\t\tct state established,related meta mark set meta mark | %#x\n\t}\n", EstablishedMark)
	}
	b.WriteString("}\n")
	return b.String()
}

// EstablishedMark is the packet mark of the replies of allowed
// connections (set in the inet family, where conntrack runs).
const EstablishedMark = 0x100000

// ruleMatch renders the match of one rule in direction dir; ok is false
// for rules of the other direction or IPv6.
func ruleMatch(r rpcapi.AgentRule, dir string) (string, bool) {
	if r.Direction != dir || (r.Ethertype != "" && r.Ethertype != "IPv4") {
		return "", false
	}
	var parts []string
	addr := "ip saddr"
	if dir == "egress" {
		addr = "ip daddr"
	}
	switch {
	case r.RemoteGroupID != "":
		parts = append(parts, addr+" @"+setName(r.RemoteGroupID))
	case r.RemoteIPPrefix != "" && r.RemoteIPPrefix != "0.0.0.0/0":
		parts = append(parts, addr+" "+r.RemoteIPPrefix)
	}
	proto := strings.ToLower(r.Protocol)
	switch proto {
	case "6":
		proto = "tcp"
	case "17":
		proto = "udp"
	case "1":
		proto = "icmp"
	case "any", "0":
		proto = ""
	}
	ports := ""
	if r.PortRangeMin != nil {
		ports = strconv.Itoa(*r.PortRangeMin)
		if r.PortRangeMax != nil && *r.PortRangeMax != *r.PortRangeMin {
			ports += "-" + strconv.Itoa(*r.PortRangeMax)
		}
	}
	switch proto {
	case "":
	case "tcp", "udp", "sctp", "dccp", "udplite":
		parts = append(parts, "ip protocol "+proto)
		if ports != "" {
			parts = append(parts, proto+" dport "+ports)
		}
	case "icmp":
		parts = append(parts, "ip protocol icmp")
		if r.PortRangeMin != nil {
			parts = append(parts, "icmp type "+strconv.Itoa(*r.PortRangeMin))
			if r.PortRangeMax != nil {
				parts = append(parts, "icmp code "+strconv.Itoa(*r.PortRangeMax))
			}
		}
	default:
		if n, err := strconv.Atoi(proto); err == nil && n >= 0 && n <= 255 {
			parts = append(parts, "ip protocol "+proto)
		} else if isName(proto) {
			parts = append(parts, "ip protocol "+proto)
		} else {
			return "", false
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "ether type ip")
	}
	return strings.Join(parts, " "), true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// v4 keeps the IPv4 addresses (no colon), sorted.
func v4(addrs []string) []string {
	var out []string
	for _, a := range addrs {
		if a != "" && !strings.Contains(a, ":") {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func chainName(dir, tap string) string { return dir + "_" + strings.ReplaceAll(tap, "-", "_") }

func setName(group string) string { return "sg_" + strings.ReplaceAll(group, "-", "_") }

// applyRuleset loads a ruleset with nft.
func applyRuleset(ctx context.Context, nft, rules string) error {
	cmd := exec.CommandContext(ctx, nft, "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
