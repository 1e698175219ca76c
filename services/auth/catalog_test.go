package auth

import (
	"errors"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestCatalogURLFor(t *testing.T) {
	cat := Catalog{
		{Type: "identity", Endpoints: []Endpoint{{Interface: "public", RegionID: "RegionOne", URL: "http://ks:5000/v3"}}},
		{Type: "image", Endpoints: []Endpoint{
			{Interface: "internal", RegionID: "RegionOne", URL: "http://glance-int:9292"},
			{Interface: "public", RegionID: "RegionOne", URL: "http://glance:9292"},
			{Interface: "public", RegionID: "RegionTwo", URL: "http://glance2:9292"},
		}},
	}
	for _, c := range []struct {
		f    EndpointFilter
		want string
	}{
		{EndpointFilter{ServiceType: "image"}, "http://glance:9292"},
		{EndpointFilter{ServiceType: "image", Interface: "publicURL"}, "http://glance:9292"},
		{EndpointFilter{ServiceType: "image", Interface: "internal"}, "http://glance-int:9292"},
		{EndpointFilter{ServiceType: "image", Region: "RegionTwo"}, "http://glance2:9292"},
		{EndpointFilter{ServiceType: "identity", Interface: "public", Region: "RegionOne"}, "http://ks:5000/v3"},
	} {
		got, err := cat.URLFor(c.f)
		if err != nil || got != c.want {
			t.Errorf("%+v: %q, %v; want %q", c.f, got, err, c.want)
		}
	}
	for _, f := range []EndpointFilter{
		{ServiceType: "volumev3"},
		{ServiceType: "image", Interface: "admin"},
		{ServiceType: "identity", Region: "RegionTwo"},
	} {
		_, err := cat.URLFor(f)
		if !errors.Is(err, fault.Of(fault.NotFound)) {
			t.Errorf("%+v: %v, want NotFound", f, err)
		}
	}
}
