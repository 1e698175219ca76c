package libvirt

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"

	"github.com/gostack/gostack/compute/virt"
)

// plugVIFs makes sure the bridge of every interface exists and is up
// before libvirt starts the guest (libvirt's <interface type="bridge">
// fails on a missing bridge), as os-vif's linux bridge plug does. The
// host's network agent owns the rest of the bridge (uplink, DHCP,
// filtering); the tap device itself is libvirt's.
func plugVIFs(ctx context.Context, nics []virt.Interface) error {
	seen := map[string]bool{}
	for _, n := range nics {
		if n.Bridge == "" || seen[n.Bridge] {
			continue
		}
		seen[n.Bridge] = true
		if err := ensureBridge(ctx, n.Bridge, n.MTU); err != nil {
			return err
		}
	}
	return nil
}

// ensureBridge creates a Linux bridge (no STP, no forwarding delay) if
// it is missing and sets it up.
func ensureBridge(ctx context.Context, name string, mtu int) error {
	if _, err := net.InterfaceByName(name); err != nil {
		args := []string{"link", "add", "name", name, "type", "bridge", "stp_state", "0", "forward_delay", "0"}
		if mtu > 0 {
			args = append(args, "mtu", fmt.Sprint(mtu))
		}
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil &&
			!strings.Contains(string(out), "File exists") {
			return fmt.Errorf("plug vif: create bridge %s: %v: %s", name, err, strings.TrimSpace(string(out)))
		}
	}
	if out, err := exec.CommandContext(ctx, "ip", "link", "set", name, "up").CombinedOutput(); err != nil {
		return fmt.Errorf("plug vif: set bridge %s up: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
