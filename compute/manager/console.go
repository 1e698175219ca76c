package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// getVNCConsole serves get_vnc_console (a call): the running guest's VNC
// address on this host, for nova-api to issue a console token for.
func (m *Manager) getVNCConsole(ctx context.Context, a computeapi.GetVNCConsoleArgs) (computeapi.GetVNCConsoleReply, error) {
	if a.ConsoleType != "novnc" {
		return computeapi.GetVNCConsoleReply{}, fault.New(fault.Invalid, "Unavailable console type %s.", a.ConsoleType)
	}
	cp, ok := m.driver.(virt.ConsoleProvider)
	if !ok {
		return computeapi.GetVNCConsoleReply{}, fault.New(fault.Invalid, "Unavailable console type %s.", a.ConsoleType)
	}
	ep, err := cp.VNCConsole(ctx, a.Instance.UUID)
	if fault.KindOf(err) == fault.NotFound {
		return computeapi.GetVNCConsoleReply{}, fault.Wrap(err, fault.NotFound, "Guest does not have a console available.")
	}
	if err != nil {
		return computeapi.GetVNCConsoleReply{}, err
	}
	return computeapi.GetVNCConsoleReply{Host: ep.Host, Port: ep.Port}, nil
}
