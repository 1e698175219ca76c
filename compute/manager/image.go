package manager

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
)

// GlanceFetcher downloads image data from Glance (GET
// /v2/images/{id}/file) as the service user, for images whose data is not
// in this deployment's Ceph cluster: the driver then imports it into the
// root disk.
type GlanceFetcher struct {
	Auth *auth.Client
	// HTTP is the client for the download; nil means one with no overall
	// timeout (the ctx bounds it), since images can be large.
	HTTP *http.Client
}

// Fetch implements virt.ImageFetcher.
func (g *GlanceFetcher) Fetch(ctx context.Context, imageID string) (io.ReadCloser, int64, error) {
	token, err := g.Auth.Token(ctx)
	if err != nil {
		return nil, 0, err
	}
	base, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return nil, 0, err
	}
	u := strings.TrimRight(base, "/") + "/v2/images/" + url.PathEscape(imageID) + "/file"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("X-Auth-Token", token)
	hc := g.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, fault.Wrap(err, fault.Unavailable, "The image service could not be reached to download image %s.", imageID)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Body, resp.ContentLength, nil
	case http.StatusNoContent:
		resp.Body.Close()
		return nil, 0, fault.New(fault.Invalid, "Image %s has no data.", imageID)
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, 0, fault.New(fault.NotFound, "Image %s could not be found.", imageID)
	default:
		resp.Body.Close()
		return nil, 0, fault.Wrap(fmt.Errorf("glance GET %s: %s", u, resp.Status), fault.Unavailable,
			"The image service failed to send the data of image %s (HTTP %d).", imageID, resp.StatusCode)
	}
}

var _ virt.ImageFetcher = (*GlanceFetcher)(nil).Fetch
