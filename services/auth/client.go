package auth

import (
	"context"
	"errors"
	"sync"
	"time"
)

// minTokenLife is keystoneauth's MIN_TOKEN_LIFE_SECONDS: a service token
// closer than this to its expiry is replaced before use.
const minTokenLife = 120 * time.Second

// Client calls keystone as the service user ([keystone_authtoken]
// username, password, project_name): it holds a project-scoped token,
// renewed before it expires, with its service catalog, and validates
// users' tokens with it. Services use it to find and call each other
// (nova to glance and cinder). It is safe for concurrent use.
type Client struct {
	opts Options
	ks   keystone

	mu      sync.Mutex
	current *serviceAuth
	renew   flight[struct{}, *serviceAuth]
}

// serviceAuth is the service user's token.
type serviceAuth struct {
	id    string
	token *Token
}

// NewClient returns a Client for the options; it does not contact
// keystone until first used.
func NewClient(o Options) (*Client, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Client{opts: o, ks: keystone{base: identityURL(o.AuthURL), http: o.HTTPClient}}, nil
}

// Token returns the service user's token id, authenticating first if
// there is none or it expires within two minutes. Concurrent callers
// share one authentication.
func (c *Client) Token(ctx context.Context) (string, error) {
	a, err := c.auth(ctx)
	if err != nil {
		return "", err
	}
	return a.id, nil
}

// Catalog returns the service catalog of the service user's token.
func (c *Client) Catalog(ctx context.Context) (Catalog, error) {
	a, err := c.auth(ctx)
	if err != nil {
		return nil, err
	}
	return a.token.Catalog, nil
}

// Endpoint returns the URL of a service from the service user's catalog,
// or a fault.NotFound naming what is missing.
func (c *Client) Endpoint(ctx context.Context, f EndpointFilter) (string, error) {
	cat, err := c.Catalog(ctx)
	if err != nil {
		return "", err
	}
	return cat.URLFor(f)
}

// ValidateToken asks keystone about a token (GET /v3/auth/tokens), with
// the catalog if include_service_catalog, and with allow_expired when
// asked. A token keystone refuses is ErrInvalidToken (fault.Unauthorized);
// a keystone failure is ErrUnavailable (fault.Unavailable). When keystone
// refuses the service token itself (401) it authenticates again and
// retries once, as keystonemiddleware does. Nothing is cached here.
func (c *Client) ValidateToken(ctx context.Context, subject string, allowExpired bool) (*Token, error) {
	for attempt := 0; ; attempt++ {
		a, err := c.auth(ctx)
		if err != nil {
			return nil, err
		}
		t, err := c.ks.validate(ctx, a.id, subject, allowExpired, c.opts.IncludeServiceCatalog)
		if errors.Is(err, errServiceRejected) && attempt == 0 {
			c.drop(a)
			continue
		}
		return t, err
	}
}

// auth returns a service token good for a while yet.
func (c *Client) auth(ctx context.Context) (*serviceAuth, error) {
	c.mu.Lock()
	a := c.current
	c.mu.Unlock()
	if a != nil && !c.expiring(a.token) {
		return a, nil
	}
	a, _, err := c.renew.do(ctx, struct{}{}, func(ctx context.Context) (*serviceAuth, error) {
		c.mu.Lock()
		cur := c.current
		c.mu.Unlock()
		if cur != nil && !c.expiring(cur.token) {
			return cur, nil // renewed while we waited for the flight
		}
		ctx, cancel := context.WithTimeout(ctx, c.opts.HTTPTimeout)
		defer cancel()
		id, t, err := c.ks.passwordAuth(ctx, &c.opts)
		if err != nil {
			return nil, err
		}
		a := &serviceAuth{id: id, token: t}
		c.mu.Lock()
		c.current = a
		c.mu.Unlock()
		return a, nil
	})
	if err != nil {
		return nil, asFault(err)
	}
	return a, nil
}

// expiring reports whether a service token should be replaced: within
// two minutes of its expiry, or half its lifetime for short-lived tokens.
func (c *Client) expiring(t *Token) bool {
	margin := minTokenLife
	if !t.IssuedAt.IsZero() {
		margin = min(margin, t.ExpiresAt.Sub(t.IssuedAt)/2)
	}
	return !c.opts.Now().Before(t.ExpiresAt.Add(-margin))
}

// drop forgets a service token keystone refused, unless another caller
// already replaced it.
func (c *Client) drop(a *serviceAuth) {
	c.mu.Lock()
	if c.current == a {
		c.current = nil
	}
	c.mu.Unlock()
}
