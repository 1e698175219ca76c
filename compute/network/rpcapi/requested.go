package rpcapi

import (
	"context"
	"encoding/json"
	"fmt"
)

// SysMetaKey is the instance system metadata key under which nova-api
// records the networks a server asked for (nova keeps them in its
// request spec); nova-compute reads it when it builds the server.
const SysMetaKey = "network_requests"

// Requested is what a server asked for: nothing (None), one NIC on the
// project's default network (Auto: "networks": "auto", or no networks
// below microversion 2.37), or the listed networks and ports.
type Requested struct {
	None     bool             `json:"none,omitempty"`
	Auto     bool             `json:"auto,omitempty"`
	Requests []NetworkRequest `json:"requests,omitempty"`
	// SecurityGroups are the groups (names or ids) the server's ports
	// get; empty: the project's default group.
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// Encode is the system metadata value of r.
func (r Requested) Encode() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// DecodeRequested parses a system metadata value; "" (a server made
// before networking) is None.
func DecodeRequested(s string) (Requested, error) {
	if s == "" {
		return Requested{None: true}, nil
	}
	var r Requested
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Requested{}, fmt.Errorf("network requests %q: %w", s, err)
	}
	return r, nil
}

// Wanted reports whether any NIC was asked for.
func (r Requested) Wanted() bool { return !r.None && (r.Auto || len(r.Requests) > 0) }

// UserPorts are the ports the user passed in: on delete they are
// unbound, not deleted (nova's preserve_on_delete).
func (r Requested) UserPorts() []string {
	var out []string
	for _, q := range r.Requests {
		if q.PortID != "" {
			out = append(out, q.PortID)
		}
	}
	return out
}

// MethodValidateNetworks checks a server's requested networks and ports
// before nova-api accepts it (nova's validate_networks).
const MethodValidateNetworks = "validate_networks"

// ValidateNetworksArgs are the project's requests.
type ValidateNetworksArgs struct {
	ProjectID      string           `json:"project_id"`
	Requests       []NetworkRequest `json:"requests"`
	SecurityGroups []string         `json:"security_groups,omitempty"` // names or ids
}

// ValidateNetworks fails with nova's 400/409 errors for a network or
// port the project cannot use.
func (c *Client) ValidateNetworks(ctx context.Context, a ValidateNetworksArgs) error {
	var out struct{}
	return c.rpc.Call(ctx, c.target, MethodValidateNetworks, a, &out)
}
