package manager

import (
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/services/fault"
)

// getHostUptime serves get_host_uptime: the output of uptime(1) on the
// host, as nova's libvirt driver returns it.
func (m *Manager) getHostUptime(ctx context.Context, _ struct{}) (computeapi.GetHostUptimeReply, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "uptime").Output()
	if err != nil {
		return computeapi.GetHostUptimeReply{}, fault.Wrap(err, fault.Unavailable, "The uptime of host %s could not be read.", m.cfg.Host)
	}
	return computeapi.GetHostUptimeReply{Uptime: strings.TrimRight(string(out), "\n")}, nil
}
