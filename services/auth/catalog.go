package auth

import (
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Catalog is a token's service catalog, in keystone v3's shape.
type Catalog []Service

// Service is one entry of a Catalog.
type Service struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Name      string     `json:"name"`
	Endpoints []Endpoint `json:"endpoints"`
}

// Endpoint is one URL of a Service.
type Endpoint struct {
	ID        string `json:"id"`
	Interface string `json:"interface"` // public, internal or admin
	RegionID  string `json:"region_id"`
	URL       string `json:"url"`
}

// EndpointFilter selects an endpoint as keystoneauth's get_endpoint does:
// by service type, interface (default public; "publicURL" is accepted for
// "public") and region (empty: any).
type EndpointFilter struct {
	ServiceType string
	Interface   string
	Region      string
}

// URLFor returns the URL of the first endpoint that matches f, or a
// fault.NotFound naming what was looked for (keystoneauth's
// EndpointNotFound).
func (c Catalog) URLFor(f EndpointFilter) (string, error) {
	iface := strings.TrimSuffix(f.Interface, "URL")
	if iface == "" {
		iface = "public"
	}
	for _, s := range c {
		if s.Type != f.ServiceType {
			continue
		}
		for _, e := range s.Endpoints {
			if e.Interface == iface && (f.Region == "" || e.RegionID == f.Region) {
				return e.URL, nil
			}
		}
	}
	region := f.Region
	if region == "" {
		region = "any region"
	}
	return "", fault.New(fault.NotFound, "No %s endpoint of service type %s in %s is in the service catalog.",
		iface, f.ServiceType, region)
}
