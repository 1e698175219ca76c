package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/policy"
)

func TestClientTokenAndEndpoints(t *testing.T) {
	k := newKeystone(t)
	k.create("/v3/services", "service", map[string]any{"type": "image", "name": "glance"})
	images := k.must(k.call(k.admin, "GET", "/v3/services?type=image", nil), 200)
	imageID := images.body["services"].([]any)[0].(map[string]any)["id"].(string)
	for iface, url := range map[string]string{"public": "http://glance.example:9292", "internal": "http://10.0.0.2:9292"} {
		k.create("/v3/endpoints", "endpoint", map[string]any{"service_id": imageID, "interface": iface, "url": url, "region_id": "RegionOne"})
	}

	clk := newClock()
	o := k.options()
	o.Now = clk.now
	client, err := auth.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := client.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := client.Token(ctx)
	if again != tok {
		t.Error("a second Token call authenticated again")
	}
	for _, c := range []struct {
		f    auth.EndpointFilter
		want string
	}{
		{auth.EndpointFilter{ServiceType: "image"}, "http://glance.example:9292"},
		{auth.EndpointFilter{ServiceType: "image", Interface: "internal", Region: "RegionOne"}, "http://10.0.0.2:9292"},
		{auth.EndpointFilter{ServiceType: "identity"}, k.srv.URL + "/v3"},
	} {
		if got, err := client.Endpoint(ctx, c.f); err != nil || got != c.want {
			t.Errorf("%+v: %q, %v; want %q", c.f, got, err, c.want)
		}
	}
	if _, err := client.Endpoint(ctx, auth.EndpointFilter{ServiceType: "volumev3"}); !errors.Is(err, fault.Of(fault.NotFound)) {
		t.Errorf("missing service: %v", err)
	}

	// The service's own token, validated as any other, is glance's in
	// the service project with the service role.
	self, err := client.ValidateToken(ctx, tok, false)
	if err != nil || self.UserName != "glance" || self.ProjectName != "service" || !slices.Contains(self.Roles, "service") {
		t.Errorf("service token: %+v, %v", self, err)
	}

	// Two minutes before it expires the token is replaced.
	clk.advance(time.Hour - 2*time.Minute)
	renewed, err := client.Token(ctx)
	if err != nil || renewed == tok {
		t.Errorf("token not renewed near its expiry: %v", err)
	}
}

func TestClientErrors(t *testing.T) {
	if _, err := auth.NewClient(auth.Options{Username: "u", Password: "p"}); !errors.Is(err, fault.Of(fault.Invalid)) {
		t.Errorf("no auth_url: %v", err)
	}
	k := newKeystone(t)
	o := k.options()
	o.Password = "wrong"
	client, err := auth.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Token(context.Background())
	if !errors.Is(err, fault.Of(fault.Unavailable)) || !errors.Is(err, auth.ErrUnavailable) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := client.Endpoint(context.Background(), auth.EndpointFilter{ServiceType: "identity"}); !errors.Is(err, auth.ErrUnavailable) {
		t.Errorf("endpoint with a wrong password: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	good, _ := auth.NewClient(k.options())
	if _, err := good.Token(ctx); !errors.Is(err, fault.Of(fault.Unavailable)) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

// IsAdmin follows the service's context_is_admin rule when it has one.
func TestIsAdminFromPolicy(t *testing.T) {
	k := newKeystone(t)
	e, err := policy.New([]policy.Rule{{Name: "context_is_admin", Check: "role:reader and project_id:%(project_id)s"}}, nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := k.options()
	o.Policy = e
	client, err := auth.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := k.member("alice")
	c, err := auth.New(client).Authenticate(context.Background(), tok, "")
	if err != nil || !c.IsAdmin {
		t.Errorf("member under context_is_admin = role:reader: is_admin %v, %v", c != nil && c.IsAdmin, err)
	}
}
