package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// Interface methods, as nova's compute rpcapi names them.
const (
	MethodAttachInterface = "attach_interface"
	MethodDetachInterface = "detach_interface"
)

// AttachInterfaceArgs are the arguments of attach_interface (a call, so
// the API can answer with the port): the user's port, or a network (with
// an optional fixed IP) to make a port on, or neither (the project's one
// network).
type AttachInterfaceArgs struct {
	Instance    objects.Instance `json:"instance"`
	NetworkID   string           `json:"network_id,omitempty"`
	PortID      string           `json:"port_id,omitempty"`
	RequestedIP string           `json:"requested_ip,omitempty"`
	Tag         string           `json:"tag,omitempty"`
}

// AttachInterfaceReply names the port the guest got.
type AttachInterfaceReply struct {
	PortID string `json:"port_id"`
}

// DetachInterfaceArgs are the arguments of detach_interface (a call):
// unplug the port's NIC from the guest and release the port.
type DetachInterfaceArgs struct {
	Instance objects.Instance `json:"instance"`
	PortID   string           `json:"port_id"`
}

// AttachInterface calls attach_interface on the instance's host.
func (c *Client) AttachInterface(ctx context.Context, a AttachInterfaceArgs) (AttachInterfaceReply, error) {
	var reply AttachInterfaceReply
	t, err := c.hostOf(&a.Instance)
	if err != nil {
		return reply, err
	}
	err = c.rpc.Call(ctx, t, MethodAttachInterface, a, &reply)
	return reply, err
}

// DetachInterface calls detach_interface on the instance's host.
func (c *Client) DetachInterface(ctx context.Context, a DetachInterfaceArgs) error {
	t, err := c.hostOf(&a.Instance)
	if err != nil {
		return err
	}
	return c.rpc.Call(ctx, t, MethodDetachInterface, a, &struct{}{})
}
