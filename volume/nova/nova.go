package nova

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
)

// Client calls Nova as the service user.
type Client struct {
	keystone *auth.Client
	http     *http.Client
}

// New returns a Client that finds Nova in the service user's catalog.
func New(keystone *auth.Client) *Client { return &Client{keystone: keystone, http: &http.Client{}} }

// Event is one os-server-external-events entry.
type Event struct {
	Name       string `json:"name"`
	ServerUUID string `json:"server_uuid"`
	Tag        string `json:"tag,omitempty"`
	Status     string `json:"status,omitempty"` // "" is Nova's completed
}

// VolumeExtended sends volume-extended for each server the volume is
// attached to (compute microversion 2.51).
func (c *Client) VolumeExtended(ctx context.Context, volumeID string, servers []string) error {
	if len(servers) == 0 {
		return nil
	}
	evs := make([]Event, 0, len(servers))
	for _, s := range servers {
		evs = append(evs, Event{Name: "volume-extended", ServerUUID: s, Tag: volumeID})
	}
	return c.send(ctx, evs, "2.51")
}

func (c *Client) send(ctx context.Context, events []Event, mv string) error {
	base, err := c.keystone.Endpoint(ctx, auth.EndpointFilter{ServiceType: "compute"})
	if err != nil {
		return err
	}
	tok, err := c.keystone.Token(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"events": events})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/os-server-external-events", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-OpenStack-Nova-API-Version", mv)
	req.Header.Set("OpenStack-API-Version", "compute "+mv)
	resp, err := c.http.Do(req)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The compute service is unavailable.")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != 207 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fault.Wrap(fmt.Errorf("nova external events: %d %s", resp.StatusCode, msg), fault.Unavailable,
			"The compute service refused the volume event (%d).", resp.StatusCode)
	}
	return nil
}
