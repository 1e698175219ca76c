package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// MethodGetVNCConsole is nova's get_vnc_console: where the guest's VNC
// server listens, for the API to issue a console token for.
const MethodGetVNCConsole = "get_vnc_console"

// GetVNCConsoleArgs are the arguments of get_vnc_console.
type GetVNCConsoleArgs struct {
	Instance    objects.Instance `json:"instance"`
	ConsoleType string           `json:"console_type"` // "novnc"
}

// GetVNCConsoleReply is the host-side address of the guest's VNC server
// (nova's ConsoleVNC: host is [vnc] server_proxyclient_address).
type GetVNCConsoleReply struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// InternalAccessPath is unused by VNC; kept for nova's token fields.
	InternalAccessPath string `json:"internal_access_path,omitempty"`
}

// GetVNCConsole calls get_vnc_console on the instance's host. A guest that
// is not running is fault.Conflict; a host without VNC consoles
// fault.Invalid (nova's ConsoleTypeUnavailable).
func (c *Client) GetVNCConsole(ctx context.Context, inst objects.Instance, consoleType string) (GetVNCConsoleReply, error) {
	var reply GetVNCConsoleReply
	t, err := c.hostOf(&inst)
	if err != nil {
		return reply, err
	}
	err = c.rpc.Call(ctx, t, MethodGetVNCConsole, GetVNCConsoleArgs{Instance: inst, ConsoleType: consoleType}, &reply)
	return reply, err
}
