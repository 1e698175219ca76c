package glance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Image is the part of a Glance image record the volume service reads.
type Image struct {
	ID              string
	Name            string
	Status          string
	Size            int64
	DiskFormat      string
	ContainerFormat string
	Checksum        string
	MinDisk         int
	MinRAM          int
	Visibility      string
	Owner           string
	DirectURL       string
	Locations       []string
	// Properties are the custom (non-core) properties.
	Properties map[string]string
}

var core = map[string]bool{"id": true, "name": true, "status": true, "size": true, "disk_format": true,
	"container_format": true, "checksum": true, "min_disk": true, "min_ram": true, "visibility": true, "owner": true,
	"direct_url": true, "locations": true, "created_at": true, "updated_at": true, "tags": true, "self": true,
	"file": true, "schema": true, "protected": true, "virtual_size": true, "os_hash_algo": true,
	"os_hash_value": true, "os_hidden": true, "stores": true}

// Client calls Glance.
type Client struct {
	keystone *auth.Client
	http     *http.Client
	endpoint string // fixed endpoint (tests); "" means the catalog's image entry
}

// New returns a Client that finds Glance in the service user's catalog.
func New(keystone *auth.Client, endpoint string) *Client {
	return &Client{keystone: keystone, http: &http.Client{}, endpoint: endpoint}
}

func (c *Client) base(ctx context.Context) (string, error) {
	if c.endpoint != "" {
		return strings.TrimRight(c.endpoint, "/"), nil
	}
	u, err := c.keystone.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return "", err
	}
	return strings.TrimRight(u, "/"), nil
}

func (c *Client) token(ctx context.Context) (string, error) {
	if rc, ok := rpc.FromContext(ctx); ok && rc.AuthToken != "" {
		return rc.AuthToken, nil
	}
	if ac, ok := auth.FromContext(ctx); ok && ac.AuthToken != "" {
		return ac.AuthToken, nil
	}
	return c.keystone.Token(ctx)
}

func (c *Client) do(ctx context.Context, method, path, ctype string, body io.Reader, size int64) (*http.Response, error) {
	base, err := c.base(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return nil, err
	}
	if size >= 0 && body != nil {
		req.ContentLength = size
	}
	req.Header.Set("X-Auth-Token", tok)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fault.Wrap(err, fault.Unavailable, "The image service is unavailable: %s %s failed.", method, path)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		kind := fault.Internal
		switch resp.StatusCode {
		case 400:
			kind = fault.Invalid
		case 401:
			kind = fault.Unauthorized
		case 403:
			kind = fault.Forbidden
		case 404:
			kind = fault.NotFound
		case 409:
			kind = fault.Conflict
		case 413:
			kind = fault.OverLimit
		case 503:
			kind = fault.Unavailable
		}
		return nil, fault.Wrap(fmt.Errorf("glance %s %s: %d %s", method, path, resp.StatusCode, msg), kind,
			"The image service answered %d to %s %s.", resp.StatusCode, method, path)
	}
	return resp, nil
}

// Get reads an image's record; a missing or invisible one is fault.NotFound.
func (c *Client) Get(ctx context.Context, id string) (Image, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v2/images/"+id, "", nil, -1)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return Image{}, fault.Wrap(err, fault.NotFound, "Image %s could not be found.", id)
		}
		return Image{}, err
	}
	defer resp.Body.Close()
	var raw map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return Image{}, fmt.Errorf("decode image %s: %w", id, err)
	}
	im := Image{Properties: map[string]string{}}
	str := func(k string) string { s, _ := raw[k].(string); return s }
	num := func(k string) int64 { f, _ := raw[k].(float64); return int64(f) }
	im.ID, im.Name, im.Status = str("id"), str("name"), str("status")
	im.Size, im.DiskFormat, im.ContainerFormat = num("size"), str("disk_format"), str("container_format")
	im.Checksum, im.MinDisk, im.MinRAM = str("checksum"), int(num("min_disk")), int(num("min_ram"))
	im.Visibility, im.Owner, im.DirectURL = str("visibility"), str("owner"), str("direct_url")
	if locs, ok := raw["locations"].([]any); ok {
		for _, l := range locs {
			if m, ok := l.(map[string]any); ok {
				if u, ok := m["url"].(string); ok {
					im.Locations = append(im.Locations, u)
				}
			}
		}
	}
	for k, v := range raw {
		if core[k] {
			continue
		}
		switch v := v.(type) {
		case string:
			im.Properties[k] = v
		case nil:
		default:
			b, _ := json.Marshal(v)
			im.Properties[k] = string(b)
		}
	}
	return im, nil
}

// Download streams an image's data; the caller closes it.
func (c *Client) Download(ctx context.Context, id string) (io.ReadCloser, int64, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v2/images/"+id+"/file", "", nil, -1)
	if err != nil {
		return nil, 0, err
	}
	return resp.Body, resp.ContentLength, nil
}

// Create makes a queued image record and returns its id.
func (c *Client) Create(ctx context.Context, body map[string]any) (Image, error) {
	b, _ := json.Marshal(body)
	resp, err := c.do(ctx, http.MethodPost, "/v2/images", "application/json", strings.NewReader(string(b)), int64(len(b)))
	if err != nil {
		return Image{}, err
	}
	defer resp.Body.Close()
	var raw map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return Image{}, fmt.Errorf("decode created image: %w", err)
	}
	id, _ := raw["id"].(string)
	return c.Get(ctx, id)
}

// Upload sends an image's data.
func (c *Client) Upload(ctx context.Context, id string, r io.Reader, size int64) error {
	resp, err := c.do(ctx, http.MethodPut, "/v2/images/"+id+"/file", "application/octet-stream", r, size)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Delete removes an image (cleanup after a failed upload).
func (c *Client) Delete(ctx context.Context, id string) error {
	resp, err := c.do(ctx, http.MethodDelete, "/v2/images/"+id, "", nil, -1)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
