package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gostack/gostack/services/policy"
)

// validated is a token keystone accepted, with what the middleware
// derives from it once rather than per request.
type validated struct {
	token   *Token
	isAdmin bool
}

// validator answers "is this token valid?" from the cache when it can
// and from keystone otherwise, asking keystone once for concurrent
// requests that present the same token.
type validator struct {
	opts   Options
	client *Client
	cache  *cache
	flight flight[cacheKey, *validated]
}

func newValidator(o Options, c *Client) *validator {
	return &validator{opts: o, client: c, cache: newCache(o.CacheSize)}
}

// validate returns the token's validation, or ErrInvalidToken, or
// ErrUnavailable. Without allowExpired a token past its expires_at is
// invalid, even if keystone's or the cache's answer is still fresh.
func (v *validator) validate(ctx context.Context, token string, allowExpired bool) (*validated, error) {
	key := keyOf(token, allowExpired)
	now := v.opts.Now()
	val, found := v.cache.get(key, now)
	if !found {
		var err error
		val, _, err = v.flight.do(ctx, key, func(ctx context.Context) (*validated, error) {
			return v.fetch(ctx, key, token, allowExpired)
		})
		if err != nil {
			return nil, asFault(err)
		}
		now = v.opts.Now()
	}
	if val == nil {
		return nil, invalidToken("token %s refused by keystone (cached)", key.logID())
	}
	if !allowExpired && !now.Before(val.token.ExpiresAt) {
		return nil, invalidToken("token %s expired at %s", key.logID(), val.token.ExpiresAt.Format(time.RFC3339))
	}
	return val, nil
}

// fetch asks keystone and caches its answer: an accepted token until
// min(its expiry, now + the cache window); a refused one for the
// negative cache time. Failures to reach keystone are not cached.
func (v *validator) fetch(ctx context.Context, key cacheKey, token string, allowExpired bool) (*validated, error) {
	ctx, cancel := context.WithTimeout(ctx, v.opts.HTTPTimeout)
	defer cancel()
	t, err := v.client.ValidateToken(ctx, strings.TrimSpace(token), allowExpired)
	now := v.opts.Now()
	if err != nil {
		err = fmt.Errorf("token %s: %w", key.logID(), err)
		if IsInvalidToken(err) {
			v.cache.put(key, nil, now, now.Add(v.opts.NegativeCacheTime))
			v.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "token refused by keystone",
				slog.String("token", key.logID()), slog.String("error", err.Error()))
		}
		return nil, err
	}
	val := &validated{token: t, isAdmin: v.isAdmin(t)}
	until := now.Add(v.opts.cacheWindow())
	if !allowExpired && t.ExpiresAt.Before(until) {
		until = t.ExpiresAt
	}
	v.cache.put(key, val, now, until)
	return val, nil
}

// isAdmin is oslo.context's is_admin as nova, cinder and glance set it:
// the policy rule context_is_admin (default role:admin) for the token's
// project and user.
func (v *validator) isAdmin(t *Token) bool {
	p := v.opts.Policy
	if p == nil || !p.Has("context_is_admin") {
		for _, r := range t.Roles {
			if strings.EqualFold(r, "admin") {
				return true
			}
		}
		return false
	}
	creds := credentialsOf(t, false, nil)
	return p.Check(creds, "context_is_admin", policy.Target{"project_id": t.ProjectID, "user_id": t.UserID})
}
