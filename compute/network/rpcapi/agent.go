package rpcapi

import (
	"context"
	"time"
)

// MethodAgentSync is what each host's network agent calls every polling
// interval: it reports the agent alive and returns what the host must
// plumb (neutron's report_state and get_devices_details in one call).
const MethodAgentSync = "agent_sync"

// AgentSyncArgs identify the agent. DHCP says it serves DHCP for the
// networks (the network node), so it gets every bound port.
type AgentSyncArgs struct {
	Host             string `json:"host"`
	Binary           string `json:"binary"`
	AgentType        string `json:"agent_type"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
	DHCP             bool   `json:"dhcp"`
	Configurations   any    `json:"configurations,omitempty"`
	// Devices are the ports whose tap is on the host's bridge: those
	// bound to the host become ACTIVE, the others DOWN (neutron's
	// update_device_up/down).
	Devices []string `json:"devices,omitempty"`
}

// AgentState is the host's desired state.
type AgentState struct {
	Networks []AgentNetwork `json:"networks"`
	// Ports are the VIFs bound to the host: filtered by their groups.
	Ports []VIF `json:"ports"`
	// DHCPPorts are all bound VIFs of the networks (only for a DHCP
	// agent): each gets a fixed lease.
	DHCPPorts []VIF `json:"dhcp_ports,omitempty"`
	// Groups are the security groups of Ports, by id.
	Groups map[string]AgentGroup `json:"groups"`
}

// AgentNetwork is a network as the agent plumbs it.
type AgentNetwork struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Bridge          string        `json:"bridge"`
	PhysicalNetwork string        `json:"physical_network,omitempty"`
	MTU             int           `json:"mtu"`
	Subnets         []AgentSubnet `json:"subnets"`
}

// AgentSubnet is an IPv4 subnet: the gateway address lives on the
// network node's bridge, DHCP answers for it when enabled.
type AgentSubnet struct {
	ID      string   `json:"id"`
	CIDR    string   `json:"cidr"`
	Gateway string   `json:"gateway,omitempty"`
	DHCP    bool     `json:"dhcp"`
	DNS     []string `json:"dns,omitempty"`
}

// AgentGroup is a security group with its rules and the IPv4
// addresses of its member ports (for rules naming it as remote group).
type AgentGroup struct {
	ID       string      `json:"id"`
	Stateful bool        `json:"stateful"`
	Rules    []AgentRule `json:"rules"`
	Members  []string    `json:"members"`
}

// AgentRule is a security group rule.
type AgentRule struct {
	ID             string `json:"id"`
	Direction      string `json:"direction"` // ingress or egress
	Ethertype      string `json:"ethertype"` // IPv4 or IPv6
	Protocol       string `json:"protocol,omitempty"`
	PortRangeMin   *int   `json:"port_range_min,omitempty"`
	PortRangeMax   *int   `json:"port_range_max,omitempty"`
	RemoteIPPrefix string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupID  string `json:"remote_group_id,omitempty"`
}

// Agent is a registered agent as GET /v2.0/agents shows it.
type Agent struct {
	ID               string    `json:"id"`
	Host             string    `json:"host"`
	Binary           string    `json:"binary"`
	AgentType        string    `json:"agent_type"`
	AvailabilityZone string    `json:"availability_zone,omitempty"`
	Topic            string    `json:"topic"`
	Configurations   any       `json:"configurations"`
	StartedAt        time.Time `json:"started_at"`
	CreatedAt        time.Time `json:"created_at"`
	HeartbeatAt      time.Time `json:"heartbeat_timestamp"`
}

// AgentSync reports the agent and fetches its host's state.
func (c *Client) AgentSync(ctx context.Context, a AgentSyncArgs) (AgentState, error) {
	var out AgentState
	err := c.rpc.Call(ctx, c.target, MethodAgentSync, a, &out)
	return out, err
}
