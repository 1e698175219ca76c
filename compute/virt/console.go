package virt

import "context"

// ConsoleProvider is the optional ability to hand out a guest's graphical
// console (nova's get_vnc_console), for a console proxy to connect to.
type ConsoleProvider interface {
	// VNCConsole returns where the running guest's VNC server listens. A
	// guest that is not running is fault.Conflict (nova's InstanceNotReady).
	VNCConsole(ctx context.Context, uuid string) (ConsoleEndpoint, error)
}

// ConsoleEndpoint is a host-side console server.
type ConsoleEndpoint struct {
	Host string
	Port int
}
