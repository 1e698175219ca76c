package networkapi

import (
	"context"
	"net/http"
	"net/url"
)

// SecurityGroup is Neutron's security group with its rules.
type SecurityGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	TenantID    string `json:"tenant_id"`
	ProjectID   string `json:"project_id"`
	Rules       []Rule `json:"security_group_rules"`
}

// Project is the group's owner (tenant_id, or project_id when only that
// is sent).
func (g SecurityGroup) Project() string {
	if g.TenantID != "" {
		return g.TenantID
	}
	return g.ProjectID
}

// Rule is Neutron's security group rule; the nullable attributes are nil
// when Neutron sends null.
type Rule struct {
	ID              string  `json:"id,omitempty"`
	SecurityGroupID string  `json:"security_group_id"`
	Direction       string  `json:"direction"`
	Ethertype       string  `json:"ethertype,omitempty"`
	Protocol        *string `json:"protocol,omitempty"`
	PortRangeMin    *int    `json:"port_range_min,omitempty"`
	PortRangeMax    *int    `json:"port_range_max,omitempty"`
	RemoteIPPrefix  *string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupID   *string `json:"remote_group_id,omitempty"`
}

// Port is what Nova reads of a port: its device and security groups.
type Port struct {
	ID                  string   `json:"id"`
	DeviceID            string   `json:"device_id"`
	SecurityGroups      []string `json:"security_groups"`
	PortSecurityEnabled *bool    `json:"port_security_enabled"`
}

func query(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// ListSecurityGroups returns the groups the caller sees that match the
// filters (GET /v2.0/security-groups?tenant_id=...&id=...).
func (c *Client) ListSecurityGroups(ctx context.Context, token string, filters url.Values) ([]SecurityGroup, error) {
	var out struct {
		SecurityGroups []SecurityGroup `json:"security_groups"`
	}
	if err := c.do(ctx, token, http.MethodGet, "/security-groups"+query(filters), nil, &out); err != nil {
		return nil, err
	}
	if out.SecurityGroups == nil {
		out.SecurityGroups = []SecurityGroup{}
	}
	return out.SecurityGroups, nil
}

// ShowSecurityGroup returns a group; fault.NotFound when the caller
// cannot see it.
func (c *Client) ShowSecurityGroup(ctx context.Context, token, id string) (SecurityGroup, error) {
	var out struct {
		SecurityGroup SecurityGroup `json:"security_group"`
	}
	err := c.do(ctx, token, http.MethodGet, "/security-groups/"+esc(id), nil, &out)
	return out.SecurityGroup, err
}

// CreateSecurityGroup creates a group in the caller's project.
func (c *Client) CreateSecurityGroup(ctx context.Context, token, name, description string) (SecurityGroup, error) {
	var out struct {
		SecurityGroup SecurityGroup `json:"security_group"`
	}
	in := map[string]any{"security_group": map[string]any{"name": name, "description": description}}
	err := c.do(ctx, token, http.MethodPost, "/security-groups", in, &out)
	return out.SecurityGroup, err
}

// UpdateSecurityGroup renames a group and sets its description.
func (c *Client) UpdateSecurityGroup(ctx context.Context, token, id, name, description string) (SecurityGroup, error) {
	var out struct {
		SecurityGroup SecurityGroup `json:"security_group"`
	}
	in := map[string]any{"security_group": map[string]any{"name": name, "description": description}}
	err := c.do(ctx, token, http.MethodPut, "/security-groups/"+esc(id), in, &out)
	return out.SecurityGroup, err
}

// DeleteSecurityGroup deletes a group: fault.NotFound when it is not
// there, fault.Conflict when ports use it or it is the default group.
func (c *Client) DeleteSecurityGroup(ctx context.Context, token, id string) error {
	return c.do(ctx, token, http.MethodDelete, "/security-groups/"+esc(id), nil, nil)
}

// ShowSecurityGroupRule returns a rule; fault.NotFound when the caller
// cannot see it.
func (c *Client) ShowSecurityGroupRule(ctx context.Context, token, id string) (Rule, error) {
	var out struct {
		Rule Rule `json:"security_group_rule"`
	}
	err := c.do(ctx, token, http.MethodGet, "/security-group-rules/"+esc(id), nil, &out)
	return out.Rule, err
}

// CreateSecurityGroupRule adds a rule (its ID is ignored) and returns it
// as Neutron stored it.
func (c *Client) CreateSecurityGroupRule(ctx context.Context, token string, r Rule) (Rule, error) {
	var out struct {
		Rule Rule `json:"security_group_rule"`
	}
	r.ID = ""
	err := c.do(ctx, token, http.MethodPost, "/security-group-rules", map[string]any{"security_group_rule": r}, &out)
	return out.Rule, err
}

// DeleteSecurityGroupRule deletes a rule; fault.NotFound when it is not
// there.
func (c *Client) DeleteSecurityGroupRule(ctx context.Context, token, id string) error {
	return c.do(ctx, token, http.MethodDelete, "/security-group-rules/"+esc(id), nil, nil)
}

// ListPorts returns the ports of a device (GET /v2.0/ports?device_id=).
func (c *Client) ListPorts(ctx context.Context, token, deviceID string) ([]Port, error) {
	var out struct {
		Ports []Port `json:"ports"`
	}
	err := c.do(ctx, token, http.MethodGet, "/ports"+query(url.Values{"device_id": {deviceID}}), nil, &out)
	return out.Ports, err
}
