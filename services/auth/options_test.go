package auth

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/config"
)

func TestOptionsFromConfig(t *testing.T) {
	conf, err := config.Parse("glance-api.conf", `
[keystone_authtoken]
www_authenticate_uri = http://controller:5000
auth_url = http://controller:5000
auth_type = password
username = glance
password = GLANCE_PASS
project_name = service
user_domain_name = Default
project_domain_name = Default
service_token_roles = service, admin
token_cache_time = 60
http_connect_timeout = 3
delay_auth_decision = true
`, Opts()...)
	if err != nil {
		t.Fatal(err)
	}
	o := OptionsFrom(conf)
	if o.AuthURL != "http://controller:5000" || o.Username != "glance" || o.Password != "GLANCE_PASS" ||
		o.ProjectName != "service" || o.UserDomainName != "Default" || o.ProjectDomainName != "Default" ||
		o.WWWAuthenticateURI != "http://controller:5000" {
		t.Errorf("identity options %+v", o)
	}
	if !slices.Equal(o.ServiceTokenRoles, []string{"service", "admin"}) || !o.ServiceTokenRolesRequired {
		t.Errorf("service token options %v %v", o.ServiceTokenRoles, o.ServiceTokenRolesRequired)
	}
	if o.TokenCacheTime != time.Minute || o.RevocationCheckInterval != 10*time.Second || o.HTTPTimeout != 3*time.Second ||
		!o.DelayAuthDecision || !o.IncludeServiceCatalog {
		t.Errorf("cache options %+v", o)
	}
	if d, _ := o.withDefaults(); d.cacheWindow() != 10*time.Second || d.NegativeCacheTime != 5*time.Second {
		t.Errorf("window %v, negative %v", d.cacheWindow(), d.NegativeCacheTime)
	}
	for _, s := range conf.Dump() {
		if strings.Contains(s.Value, "GLANCE_PASS") {
			t.Errorf("password shown by Dump: %+v", s)
		}
	}
}

func TestOptionsRequired(t *testing.T) {
	if _, err := config.Parse("x.conf", "[keystone_authtoken]\nauth_url = http://ks:5000\n", Opts()...); err == nil ||
		!strings.Contains(err.Error(), "username") || !strings.Contains(err.Error(), "password") {
		t.Errorf("missing username and password: %v", err)
	}
	if _, err := (Options{AuthURL: "http://ks"}).withDefaults(); err == nil {
		t.Error("no service user accepted")
	}
	if _, err := (Options{Username: "u", Password: "p"}).withDefaults(); err == nil {
		t.Error("no auth_url accepted")
	}
}

func TestOptionsDefaults(t *testing.T) {
	o, err := Options{AuthURL: "http://ks:5000/v3/", Username: "u", Password: "p", TokenCacheTime: -1}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.cacheWindow() != 0 || o.NegativeCacheTime != 0 {
		t.Errorf("cache off: window %v negative %v", o.cacheWindow(), o.NegativeCacheTime)
	}
	if o.UserDomainName != "Default" || o.ProjectDomainName != "Default" || o.HTTPTimeout != DefaultHTTPTimeout ||
		o.CacheSize != DefaultCacheSize || o.Now == nil || o.Logger == nil || o.HTTPClient == nil {
		t.Errorf("defaults %+v", o)
	}
	if o.WWWAuthenticateURI != "http://ks:5000/v3" {
		t.Errorf("www_authenticate_uri defaults to %q", o.WWWAuthenticateURI)
	}
	o, _ = Options{AuthURL: "http://ks", Username: "u", Password: "p", TokenCacheTime: 2 * time.Second, RevocationCheckInterval: time.Minute}.withDefaults()
	if o.cacheWindow() != 2*time.Second || o.NegativeCacheTime != 2*time.Second {
		t.Errorf("short token_cache_time: window %v negative %v", o.cacheWindow(), o.NegativeCacheTime)
	}
}

func TestIdentityURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://ks:5000":           "http://ks:5000/v3",
		"http://ks:5000/":          "http://ks:5000/v3",
		"http://ks:5000/v3":        "http://ks:5000/v3",
		"http://ks:5000/v3/":       "http://ks:5000/v3",
		"https://ks/identity":      "https://ks/identity/v3",
		"https://ks/identity/v3//": "https://ks/identity/v3",
	} {
		if got := identityURL(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
