package rpcapi

import "context"

// The methods behind nova's os-interface API (nova's network API names:
// allocate_port_for_instance, deallocate_port_for_instance, show_port,
// list_ports).
const (
	MethodAllocatePortForInstance   = "allocate_port_for_instance"
	MethodDeallocatePortForInstance = "deallocate_port_for_instance"
	MethodShowPort                  = "show_port"
	MethodListPorts                 = "list_ports"
)

// AllocatePortArgs asks for one more port of an instance, bound to
// Host: the user's port (Request.PortID), a new port on a network
// (Request.NetworkID, with an optional fixed IP), or with neither a new
// port on the one network the project can use. A new port gets
// SecurityGroups (names or ids; empty: the project's default group).
type AllocatePortArgs struct {
	InstanceUUID     string         `json:"instance_uuid"`
	ProjectID        string         `json:"project_id"`
	Host             string         `json:"host"`
	AvailabilityZone string         `json:"availability_zone"`
	Request          NetworkRequest `json:"request"`
	SecurityGroups   []string       `json:"security_groups,omitempty"`
}

// DeallocatePortArgs releases one port of an instance: deleted, or with
// Preserve (a port the user made) unbound and kept.
type DeallocatePortArgs struct {
	InstanceUUID string `json:"instance_uuid"`
	PortID       string `json:"port_id"`
	Preserve     bool   `json:"preserve,omitempty"`
}

// PortArgs names a port.
type PortArgs struct {
	PortID string `json:"port_id"`
}

// DeviceArgs names the device (an instance) whose ports are wanted.
type DeviceArgs struct {
	DeviceID string `json:"device_id"`
}

// Port is a port as nova's os-interface shows it.
type Port struct {
	ID        string   `json:"id"`
	NetworkID string   `json:"network_id"`
	ProjectID string   `json:"project_id"`
	MAC       string   `json:"mac_address"`
	Status    string   `json:"status"`
	DeviceID  string   `json:"device_id"`
	FixedIPs  []PortIP `json:"fixed_ips"`
}

// PortIP is one fixed IP of a Port.
type PortIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// AllocatePortForInstance creates (or binds the given) port for an
// instance on Host and returns its VIF; on failure nothing is left
// allocated.
func (c *Client) AllocatePortForInstance(ctx context.Context, a AllocatePortArgs) (VIF, error) {
	var out VIF
	err := c.rpc.Call(ctx, c.target, MethodAllocatePortForInstance, a, &out)
	return out, err
}

// DeallocatePortForInstance deletes or unbinds one port of an instance.
func (c *Client) DeallocatePortForInstance(ctx context.Context, a DeallocatePortArgs) error {
	var out struct{}
	return c.rpc.Call(ctx, c.target, MethodDeallocatePortForInstance, a, &out)
}

// ShowPort returns a port (any project's: the caller scopes it).
func (c *Client) ShowPort(ctx context.Context, id string) (Port, error) {
	var out Port
	err := c.rpc.Call(ctx, c.target, MethodShowPort, PortArgs{PortID: id}, &out)
	return out, err
}

// ListPorts returns the ports of a device (an instance).
func (c *Client) ListPorts(ctx context.Context, device string) ([]Port, error) {
	var out []Port
	err := c.rpc.Call(ctx, c.target, MethodListPorts, DeviceArgs{DeviceID: device}, &out)
	return out, err
}
