package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/policy"
)

// Group is the config section of the middleware's options, as upstream.
const Group = "keystone_authtoken"

// Defaults of the options that are not plain config values.
const (
	// DefaultRevocationCheckInterval bounds how long a validation is
	// reused: a token revoked in keystone is refused within this time.
	DefaultRevocationCheckInterval = 10 * time.Second
	// DefaultCacheSize is the most validations kept in memory.
	DefaultCacheSize = 10000
	// DefaultHTTPTimeout bounds every request to keystone when
	// http_connect_timeout is not set.
	DefaultHTTPTimeout = 10 * time.Second
)

// The [keystone_authtoken] options, with keystonemiddleware's names and
// defaults (keystonemiddleware/auth_token/_opts.py and keystoneauth's
// password plugin), plus revocation_check_interval, which is ours.
var (
	WWWAuthenticateURI = config.String(Group, "www_authenticate_uri", "",
		`Complete "public" Identity API endpoint, sent to unauthenticated clients in WWW-Authenticate: Keystone uri="...". `+
			"Empty means auth_url.")
	AuthURL = config.String(Group, "auth_url", "",
		"Identity API endpoint the service authenticates against and validates tokens with, e.g. http://controller:5000/v3 "+
			"(a URL without /v3 gets it appended).", config.Required())
	AuthType = config.Choice(Group, "auth_type", "password", []string{"password"},
		"Authentication plugin of the service user. Only password is supported.")
	Username = config.String(Group, "username", "",
		"Name of the service user (e.g. nova, glance, cinder).", config.Required())
	Password = config.String(Group, "password", "",
		"Password of the service user.", config.Required(), config.Secret())
	ProjectName = config.String(Group, "project_name", "service",
		"Project the service user's token is scoped to.")
	UserDomainName = config.String(Group, "user_domain_name", "Default",
		"Domain name of the service user; ignored when user_domain_id is set.")
	UserDomainID = config.String(Group, "user_domain_id", "",
		"Domain id of the service user.")
	ProjectDomainName = config.String(Group, "project_domain_name", "Default",
		"Domain name of project_name; ignored when project_domain_id is set.")
	ProjectDomainID = config.String(Group, "project_domain_id", "",
		"Domain id of project_name.")
	ServiceTokenRoles = config.List(Group, "service_token_roles", []string{"service"},
		"Roles of which a service token (X-Service-Token) must hold at least one. Only such a token lets an "+
			"expired user token through (allow_expired).")
	ServiceTokenRolesRequired = config.Bool(Group, "service_token_roles_required", true,
		"Refuse a service token that holds none of service_token_roles. False accepts any valid token as a "+
			"service token (not recommended).")
	TokenCacheTime = config.Seconds(Group, "token_cache_time", 300*time.Second,
		"Seconds a validated token is reused without asking keystone, at most revocation_check_interval. "+
			"-1 disables caching.", config.Min(-1))
	RevocationCheckInterval = config.Seconds(Group, "revocation_check_interval", DefaultRevocationCheckInterval,
		"Seconds after which a cached validation is checked with keystone again: a revoked token is refused "+
			"within this time. (Not in keystonemiddleware, whose cache honours token_cache_time alone.)", config.Min(1))
	HTTPConnectTimeout = config.Seconds(Group, "http_connect_timeout", 0,
		"Timeout in seconds of each request to the Identity API. Empty or 0 means 10 seconds.", config.Min(0))
	DelayAuthDecision = config.Bool(Group, "delay_auth_decision", false,
		"Pass requests without a valid token on to the service, which then decides (it answers 401 where a "+
			"policy check needs credentials).")
	IncludeServiceCatalog = config.Bool(Group, "include_service_catalog", true,
		"Ask keystone for the service catalog when validating, and give it to the service with the request. "+
			"False validates with ?nocatalog.")
)

// Opts returns the options this package reads, for config.Load.
func Opts() []config.Option {
	return []config.Option{
		WWWAuthenticateURI, AuthURL, AuthType, Username, Password, ProjectName,
		UserDomainName, UserDomainID, ProjectDomainName, ProjectDomainID,
		ServiceTokenRoles, ServiceTokenRolesRequired, TokenCacheTime, RevocationCheckInterval,
		HTTPConnectTimeout, DelayAuthDecision, IncludeServiceCatalog,
	}
}

// Options configure a Client and a Middleware. OptionsFrom fills the
// config fields; a main sets the others.
type Options struct {
	WWWAuthenticateURI        string
	AuthURL                   string
	Username                  string
	Password                  string
	ProjectName               string
	UserDomainName            string
	UserDomainID              string
	ProjectDomainName         string
	ProjectDomainID           string
	ServiceTokenRoles         []string
	ServiceTokenRolesRequired bool
	// TokenCacheTime <= 0 disables the cache (the file's -1).
	TokenCacheTime          time.Duration
	RevocationCheckInterval time.Duration
	HTTPTimeout             time.Duration
	DelayAuthDecision       bool
	IncludeServiceCatalog   bool

	// NegativeCacheTime is how long a token keystone refused is refused
	// without asking again; 0 means the cache window (min of
	// TokenCacheTime and RevocationCheckInterval) capped at 5 s.
	NegativeCacheTime time.Duration
	// CacheSize bounds the cached validations; 0 means DefaultCacheSize.
	CacheSize int
	// Policy, when it defines context_is_admin, decides Context.IsAdmin
	// as oslo.context's users do (nova's check_is_admin); otherwise
	// IsAdmin is "holds the admin role".
	Policy *policy.Enforcer
	// HTTPClient talks to keystone; nil means a client with HTTPTimeout.
	HTTPClient *http.Client
	// Now is the clock of the cache and of the service token's expiry;
	// nil means time.Now.
	Now func() time.Time
	// Logger gets validation failures (never a token); nil means
	// slog.Default().
	Logger *slog.Logger
}

// OptionsFrom reads the [keystone_authtoken] options from a loaded config.
func OptionsFrom(c *config.Config) Options {
	return Options{
		WWWAuthenticateURI:        WWWAuthenticateURI.Get(c),
		AuthURL:                   AuthURL.Get(c),
		Username:                  Username.Get(c),
		Password:                  Password.Get(c),
		ProjectName:               ProjectName.Get(c),
		UserDomainName:            UserDomainName.Get(c),
		UserDomainID:              UserDomainID.Get(c),
		ProjectDomainName:         ProjectDomainName.Get(c),
		ProjectDomainID:           ProjectDomainID.Get(c),
		ServiceTokenRoles:         ServiceTokenRoles.Get(c),
		ServiceTokenRolesRequired: ServiceTokenRolesRequired.Get(c),
		TokenCacheTime:            TokenCacheTime.Get(c),
		RevocationCheckInterval:   RevocationCheckInterval.Get(c),
		HTTPTimeout:               HTTPConnectTimeout.Get(c),
		DelayAuthDecision:         DelayAuthDecision.Get(c),
		IncludeServiceCatalog:     IncludeServiceCatalog.Get(c),
	}
}

// withDefaults fills the zero values of the fields a daemon may leave out
// and checks the ones it may not.
func (o Options) withDefaults() (Options, error) {
	if o.AuthURL == "" {
		return o, fault.New(fault.Invalid, "[%s] auth_url is required", Group)
	}
	if o.Username == "" || o.Password == "" {
		return o, fault.New(fault.Invalid, "[%s] username and password of the service user are required", Group)
	}
	if o.UserDomainID == "" && o.UserDomainName == "" {
		o.UserDomainName = "Default"
	}
	if o.ProjectDomainID == "" && o.ProjectDomainName == "" {
		o.ProjectDomainName = "Default"
	}
	if o.RevocationCheckInterval <= 0 {
		o.RevocationCheckInterval = DefaultRevocationCheckInterval
	}
	if o.HTTPTimeout <= 0 {
		o.HTTPTimeout = DefaultHTTPTimeout
	}
	if o.NegativeCacheTime <= 0 {
		o.NegativeCacheTime = min(o.cacheWindow(), 5*time.Second)
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.HTTPClient == nil {
		o.HTTPClient = newHTTPClient(o.HTTPTimeout)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.WWWAuthenticateURI == "" {
		o.WWWAuthenticateURI = strings.TrimSuffix(o.AuthURL, "/")
	}
	return o, nil
}

// newHTTPClient is the default client to keystone: every API worker
// validates through it, so it keeps more idle connections than Go's
// default two per host.
func newHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: timeout, Transport: t}
}

// cacheWindow is how long a positive validation may be reused: 0 when
// caching is off.
func (o Options) cacheWindow() time.Duration {
	if o.TokenCacheTime <= 0 {
		return 0
	}
	return min(o.TokenCacheTime, o.RevocationCheckInterval)
}

// identityURL returns the v3 root of auth_url: keystoneauth discovers it;
// we accept an unversioned URL or one ending in /v3.
func identityURL(authURL string) string {
	u := strings.TrimRight(authURL, "/")
	if strings.HasSuffix(u, "/v3") {
		return u
	}
	return fmt.Sprintf("%s/v3", u)
}
