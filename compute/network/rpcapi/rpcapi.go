package rpcapi

import (
	"context"

	"github.com/gostack/gostack/services/rpc"
)

// Exchange and Topic are where network-api serves: the exchange is
// named, so callers on another control exchange (nova's) reach it.
const (
	Exchange = "neutron"
	Topic    = "network"
)

// Target is network-api's RPC target (any of its servers).
var Target = rpc.Target{Exchange: Exchange, Topic: Topic}

// The methods.
const (
	MethodAllocateForInstance   = "allocate_for_instance"
	MethodDeallocateForInstance = "deallocate_for_instance"
	MethodBindPorts             = "bind_ports"
	MethodGetInstanceNWInfo     = "get_instance_nw_info"
	MethodGetInstancesNWInfo    = "get_instances_nw_info"
	MethodInstanceGroup         = "instance_security_group"
	MethodGetHostPorts          = "get_host_ports"
)

// NetworkRequest is one entry of a server's `networks`: a network (with
// an optional fixed IP) or an existing port.
type NetworkRequest struct {
	NetworkID string `json:"network_id,omitempty"`
	PortID    string `json:"port_id,omitempty"`
	FixedIP   string `json:"fixed_ip,omitempty"`
}

// AllocateForInstanceArgs asks for one port per request, bound to Host.
// With Auto (networks "auto", or no networks below microversion 2.37)
// and no Requests, the one network the project can use is chosen: its
// own, else the shared one.
type AllocateForInstanceArgs struct {
	InstanceUUID     string           `json:"instance_uuid"`
	ProjectID        string           `json:"project_id"`
	Host             string           `json:"host"`
	AvailabilityZone string           `json:"availability_zone"`
	Requests         []NetworkRequest `json:"requests"`
	Auto             bool             `json:"auto"`
	SecurityGroups   []string         `json:"security_groups,omitempty"` // names or ids; empty: the default group
}

// FixedIP is an address of a VIF with what DHCP and the guest need.
type FixedIP struct {
	Address  string   `json:"address"`
	SubnetID string   `json:"subnet_id"`
	CIDR     string   `json:"cidr"`
	Gateway  string   `json:"gateway,omitempty"`
	DNS      []string `json:"dns,omitempty"`
	DHCP     bool     `json:"dhcp"`
}

// VIF is a port as the compute host plugs it (nova's network model):
// the libvirt <interface type="bridge"> gets Bridge, MAC, DevName (the
// tap) and MTU.
type VIF struct {
	PortID              string    `json:"port_id"`
	NetworkID           string    `json:"network_id"`
	NetworkName         string    `json:"network_name"`
	MAC                 string    `json:"mac"`
	FixedIPs            []FixedIP `json:"fixed_ips"`
	Bridge              string    `json:"bridge"`
	PhysicalNetwork     string    `json:"physical_network,omitempty"`
	DevName             string    `json:"devname"`
	MTU                 int       `json:"mtu"`
	VIFType             string    `json:"vif_type"`
	Host                string    `json:"host"`
	SecurityGroups      []string  `json:"security_groups"`
	PortSecurityEnabled bool      `json:"port_security_enabled"`
	// Preserve marks a port the user made: on delete it is unbound,
	// not deleted (nova's preserve_on_delete).
	Preserve bool `json:"preserve"`
}

// DeallocateForInstanceArgs releases the ports of an instance: deleted,
// except those listed in Preserve, which are unbound.
type DeallocateForInstanceArgs struct {
	InstanceUUID string   `json:"instance_uuid"`
	Preserve     []string `json:"preserve,omitempty"`
}

// BindPortsArgs moves the bindings of an instance's ports to Host
// (migration, evacuation).
type BindPortsArgs struct {
	InstanceUUID string `json:"instance_uuid"`
	Host         string `json:"host"`
}

// InstanceArgs names an instance.
type InstanceArgs struct {
	InstanceUUID string `json:"instance_uuid"`
}

// HostArgs names a compute host.
type HostArgs struct {
	Host string `json:"host"`
}

// Client calls the network service.
type Client struct {
	rpc    *rpc.Client
	target rpc.Target
}

// NewClient returns a Client of network-api over an RPC client.
func NewClient(c *rpc.Client) *Client { return &Client{rpc: c, target: Target} }

// NewClientFor returns a Client of the service at another target (tests).
func NewClientFor(c *rpc.Client, t rpc.Target) *Client { return &Client{rpc: c, target: t} }

// AllocateForInstance creates (or adopts) and binds the ports of an
// instance; on failure nothing is left allocated.
func (c *Client) AllocateForInstance(ctx context.Context, a AllocateForInstanceArgs) ([]VIF, error) {
	var out []VIF
	err := c.rpc.Call(ctx, c.target, MethodAllocateForInstance, a, &out)
	return out, err
}

// DeallocateForInstance releases an instance's ports.
func (c *Client) DeallocateForInstance(ctx context.Context, a DeallocateForInstanceArgs) error {
	var out struct{}
	return c.rpc.Call(ctx, c.target, MethodDeallocateForInstance, a, &out)
}

// BindPorts moves an instance's port bindings to another host.
func (c *Client) BindPorts(ctx context.Context, a BindPortsArgs) ([]VIF, error) {
	var out []VIF
	err := c.rpc.Call(ctx, c.target, MethodBindPorts, a, &out)
	return out, err
}

// GetInstanceNWInfo returns an instance's VIFs.
func (c *Client) GetInstanceNWInfo(ctx context.Context, instance string) ([]VIF, error) {
	var out []VIF
	err := c.rpc.Call(ctx, c.target, MethodGetInstanceNWInfo, InstanceArgs{InstanceUUID: instance}, &out)
	return out, err
}

// InstanceGroupArgs adds a security group (by name or id, in
// ProjectID) to every port of an instance, or removes it (nova's
// addSecurityGroup / removeSecurityGroup).
type InstanceGroupArgs struct {
	InstanceUUID string `json:"instance_uuid"`
	ProjectID    string `json:"project_id"`
	Group        string `json:"group"`
	Remove       bool   `json:"remove,omitempty"`
}

// InstanceGroup adds a security group to an instance's ports or removes
// it.
func (c *Client) InstanceGroup(ctx context.Context, a InstanceGroupArgs) error {
	var out struct{}
	return c.rpc.Call(ctx, c.target, MethodInstanceGroup, a, &out)
}

// InstancesArgs names several instances.
type InstancesArgs struct {
	InstanceUUIDs []string `json:"instance_uuids"`
}

// GetInstancesNWInfo returns the VIFs of several instances (a page of
// servers) in one call, by instance.
func (c *Client) GetInstancesNWInfo(ctx context.Context, instances []string) (map[string][]VIF, error) {
	out := map[string][]VIF{}
	err := c.rpc.Call(ctx, c.target, MethodGetInstancesNWInfo, InstancesArgs{InstanceUUIDs: instances}, &out)
	return out, err
}

// GetHostPorts returns the VIFs bound to a host: what its agent serves
// by DHCP and filters.
func (c *Client) GetHostPorts(ctx context.Context, host string) ([]VIF, error) {
	var out []VIF
	err := c.rpc.Call(ctx, c.target, MethodGetHostPorts, HostArgs{Host: host}, &out)
	return out, err
}
