package networkapi

import (
	"context"
	"net/http"
	"net/url"
)

// Network is what Nova's deprecated network proxies show of a network:
// its id and name.
type Network struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListNetworks returns the networks the caller sees (GET /v2.0/networks).
func (c *Client) ListNetworks(ctx context.Context, token string) ([]Network, error) {
	var out struct {
		Networks []Network `json:"networks"`
	}
	if err := c.do(ctx, token, http.MethodGet, "/networks?fields=id&fields=name", nil, &out); err != nil {
		return nil, err
	}
	if out.Networks == nil {
		out.Networks = []Network{}
	}
	return out.Networks, nil
}

// ShowNetwork returns a network; fault.NotFound when the caller cannot
// see it.
func (c *Client) ShowNetwork(ctx context.Context, token, id string) (Network, error) {
	var out struct {
		Network Network `json:"network"`
	}
	err := c.do(ctx, token, http.MethodGet, "/networks/"+esc(id), nil, &out)
	return out.Network, err
}

// DevicesByIPSubstring returns the device ids of the caller's ports with
// a fixed IP containing substr (neutron's ip_address_substr filter).
func (c *Client) DevicesByIPSubstring(ctx context.Context, token, substr string) ([]string, error) {
	var out struct {
		Ports []Port `json:"ports"`
	}
	q := url.Values{"fixed_ips": {"ip_address_substr=" + substr}, "fields": {"device_id"}}
	if err := c.do(ctx, token, http.MethodGet, "/ports"+query(q), nil, &out); err != nil {
		return nil, err
	}
	devices := make([]string, 0, len(out.Ports))
	for _, p := range out.Ports {
		if p.DeviceID != "" {
			devices = append(devices, p.DeviceID)
		}
	}
	return devices, nil
}
