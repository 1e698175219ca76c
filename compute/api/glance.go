package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
)

// Glance reads images from the Image API with the caller's token (so
// Glance decides what the caller may see, as nova does with
// send_service_user_token off); the endpoint comes from the service
// user's catalog.
type Glance struct {
	Auth *auth.Client
	HTTP *http.Client
}

// NewGlance returns a Glance over the service user's client.
func NewGlance(c *auth.Client) *Glance {
	return &Glance{Auth: c, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

var imageBase = map[string]bool{
	"id": true, "name": true, "status": true, "size": true, "virtual_size": true, "min_disk": true, "min_ram": true,
	"disk_format": true, "container_format": true, "checksum": true, "owner": true, "visibility": true,
	"protected": true, "os_hidden": true, "created_at": true, "updated_at": true, "tags": true, "self": true,
	"file": true, "schema": true, "direct_url": true, "locations": true, "os_hash_algo": true, "os_hash_value": true,
	"stores": true,
}

// Image implements Images.
func (g *Glance) Image(ctx context.Context, userToken, id string) (objects.ImageMeta, error) {
	endpoint, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return objects.ImageMeta{}, fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	svcToken, err := g.Auth.Token(ctx)
	if err != nil {
		return objects.ImageMeta{}, fault.Wrap(err, fault.Unavailable, "Nova cannot authenticate to reach the image service.")
	}
	if userToken == "" {
		userToken = svcToken
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(endpoint, "/")+"/v2/images/"+id, nil)
	if err != nil {
		return objects.ImageMeta{}, err
	}
	req.Header.Set("X-Auth-Token", userToken)
	req.Header.Set("Accept", "application/json")
	resp, err := g.HTTP.Do(req)
	if err != nil {
		return objects.ImageMeta{}, fault.Wrap(err, fault.Unavailable, "The image service is not reachable.")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return objects.ImageMeta{}, fault.Wrap(err, fault.Unavailable, "The image service did not answer.")
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusBadRequest:
		return objects.ImageMeta{}, fault.New(fault.NotFound, "Image %s could not be found.", id)
	case resp.StatusCode != http.StatusOK:
		return objects.ImageMeta{}, fault.Wrap(fmt.Errorf("glance GET image %s: %d %s", id, resp.StatusCode, data), fault.Unavailable,
			"The image service failed to show image %s.", id)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return objects.ImageMeta{}, fault.Wrap(err, fault.Unavailable, "The image service answered with a malformed image.")
	}
	m := objects.ImageMeta{Properties: map[string]string{}}
	str := func(k string) string { s, _ := raw[k].(string); return s }
	num := func(k string) int64 { f, _ := raw[k].(float64); return int64(f) }
	m.ID, m.Name, m.Status = str("id"), str("name"), str("status")
	m.DiskFormat, m.ContainerFormat, m.Checksum = str("disk_format"), str("container_format"), str("checksum")
	m.Size, m.VirtualSize = num("size"), num("virtual_size")
	m.MinDisk, m.MinRAM = int(num("min_disk")), int(num("min_ram"))
	if u := str("direct_url"); u != "" {
		m.Locations = append(m.Locations, u)
	}
	if locs, ok := raw["locations"].([]any); ok {
		for _, l := range locs {
			if lm, ok := l.(map[string]any); ok {
				if u, _ := lm["url"].(string); u != "" && (len(m.Locations) == 0 || m.Locations[0] != u) {
					m.Locations = append(m.Locations, u)
				}
			}
		}
	}
	for k, v := range raw {
		if imageBase[k] {
			continue
		}
		if s, ok := v.(string); ok {
			m.Properties[k] = s
		}
	}
	return m, nil
}
