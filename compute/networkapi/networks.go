package networkapi

import (
	"context"
	"net/http"
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
