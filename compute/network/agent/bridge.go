package agent

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
)

// ip runs an iproute2 command.
func ip(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// ensureBridge creates the Linux bridge if it is missing (no STP, no
// forwarding delay, as os-vif's), sets its MTU and brings it up.
func ensureBridge(ctx context.Context, name string, mtu int) error {
	if _, err := net.InterfaceByName(name); err != nil {
		if _, err := ip(ctx, "link", "add", "name", name, "type", "bridge", "stp_state", "0", "forward_delay", "0"); err != nil &&
			!strings.Contains(err.Error(), "File exists") {
			return err
		}
	}
	if mtu > 0 {
		if ifc, err := net.InterfaceByName(name); err == nil && ifc.MTU != mtu {
			if _, err := ip(ctx, "link", "set", name, "mtu", fmt.Sprint(mtu)); err != nil {
				return err
			}
		}
	}
	_, err := ip(ctx, "link", "set", name, "up")
	return err
}

// enslave puts a host interface on the bridge (the physical network's
// uplink), up.
func enslave(ctx context.Context, nic, bridge string) error {
	if master, err := os.Readlink("/sys/class/net/" + nic + "/master"); err == nil && strings.HasSuffix(master, "/"+bridge) {
		_, err := ip(ctx, "link", "set", nic, "up")
		return err
	}
	if _, err := net.InterfaceByName(nic); err != nil {
		return fmt.Errorf("physical interface %s of bridge %s: %w", nic, bridge, err)
	}
	_, err := ip(ctx, "link", "set", nic, "master", bridge, "up")
	return err
}

// syncAddresses makes the bridge's IPv4 addresses exactly want
// (prefixes such as 10.252.0.1/24): the gateways of the subnets.
func syncAddresses(ctx context.Context, bridge string, want []netip.Prefix) error {
	out, err := ip(ctx, "-4", "-o", "addr", "show", "dev", bridge)
	if err != nil {
		return err
	}
	have := map[netip.Prefix]bool{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "inet" {
				if p, err := netip.ParsePrefix(f[i+1]); err == nil {
					have[p] = true
				}
			}
		}
	}
	wanted := map[netip.Prefix]bool{}
	for _, p := range want {
		wanted[p] = true
		if !have[p] {
			if _, err := ip(ctx, "addr", "replace", p.String(), "dev", bridge); err != nil {
				return err
			}
		}
	}
	for p := range have {
		if !wanted[p] {
			if _, err := ip(ctx, "addr", "del", p.String(), "dev", bridge); err != nil {
				return err
			}
		}
	}
	return nil
}

// natRuleset masquerades the subnets' traffic leaving by uplink
// (network node with masquerade_interface); "" for no NAT.
func natRuleset(uplink string, cidrs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table ip %s_nat\ndelete table ip %s_nat\n", TableName, TableName)
	if uplink == "" || len(cidrs) == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "table ip %s_nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority 100; policy accept;\n", TableName)
	for _, c := range cidrs {
		fmt.Fprintf(&b, "\t\tip saddr %s ip daddr != %s oifname %q masquerade\n", c, c, uplink)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

// enableForwarding turns IPv4 forwarding on (needed for NAT).
func enableForwarding() error {
	return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644)
}

// tapPlugged reports whether a port's tap exists and is on its bridge.
func tapPlugged(tap, bridge string) bool {
	if tap == "" {
		return false
	}
	master, err := os.Readlink("/sys/class/net/" + tap + "/master")
	return err == nil && strings.HasSuffix(master, "/"+bridge)
}
