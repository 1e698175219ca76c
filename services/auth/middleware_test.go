package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/log"
)

const wantBody401 = `{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`

func TestValidTokenReachesHandlerWithContext(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())

	tok, userID, projectID := k.member("alice")
	wantStatus(t, "member token", s.get("X-Auth-Token", tok), 200)
	c := s.lastContext()
	if c == nil {
		t.Fatal("handler got no Context")
	}
	if c.UserID != userID || c.UserName != "alice" || c.UserDomainID != "default" || c.UserDomainName != "Default" {
		t.Errorf("user: %+v", c.Token)
	}
	if c.ProjectID != projectID || c.ProjectName != "alice-project" || c.ProjectDomainID != "default" {
		t.Errorf("project: %+v", c.Token)
	}
	if !slices.Contains(c.Roles, "member") || !slices.Contains(c.Roles, "reader") || slices.Contains(c.Roles, "admin") {
		t.Errorf("roles %v, want member and reader", c.Roles)
	}
	if c.IsAdmin || c.DomainID != "" || c.SystemScope != "" || c.Service != nil {
		t.Errorf("member context: is_admin %v domain %q system %q service %v", c.IsAdmin, c.DomainID, c.SystemScope, c.Service)
	}
	if c.AuthToken != tok {
		t.Error("AuthToken is not the request's token")
	}
	if d := time.Until(c.ExpiresAt); d < 50*time.Minute || d > time.Hour {
		t.Errorf("expires_at %v", c.ExpiresAt)
	}
	if u, err := c.Catalog.URLFor(auth.EndpointFilter{ServiceType: "identity"}); err != nil || u != k.srv.URL+"/v3" {
		t.Errorf("catalog identity endpoint %q, %v", u, err)
	}
	creds := c.Credentials()
	if creds.UserID != userID || creds.ProjectID != projectID || creds.Scope() != "project" || creds.IsAdmin {
		t.Errorf("credentials %+v", creds)
	}

	wantStatus(t, "admin token", s.get("X-Auth-Token", k.admin), 200)
	if c := s.lastContext(); !c.IsAdmin || !slices.Contains(c.Roles, "admin") || c.ProjectID != k.boot.ProjectID {
		t.Errorf("admin context: is_admin %v roles %v project %s", c.IsAdmin, c.Roles, c.ProjectID)
	}

	system := k.token("admin", adminPassword, map[string]any{"system": map[string]any{"all": true}})
	wantStatus(t, "system token", s.get("X-Auth-Token", system), 200)
	if c := s.lastContext(); c.SystemScope != "all" || c.ProjectID != "" || c.Credentials().Scope() != "system" {
		t.Errorf("system context: %+v", c.Token)
	}

	k.must(k.call(k.admin, "PUT", "/v3/domains/default/users/"+k.boot.UserID+"/roles/"+k.boot.AdminRoleID, nil), 204)
	domain := k.token("admin", adminPassword, map[string]any{"domain": map[string]any{"id": "default"}})
	wantStatus(t, "domain token", s.get("X-Auth-Token", domain), 200)
	if c := s.lastContext(); c.DomainID != "default" || c.DomainName != "Default" || c.Credentials().Scope() != "domain" {
		t.Errorf("domain context: %+v", c.Token)
	}
}

func TestMissingOrGarbageToken401(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	for name, headers := range map[string][]string{
		"missing":      nil,
		"empty":        {"X-Auth-Token", " "},
		"garbage":      {"X-Auth-Token", "not-a-token"},
		"tampered":     {"X-Auth-Token", k.admin[:len(k.admin)-4] + "AAAA"},
		"garbage both": {"X-Auth-Token", "nope", "X-Service-Token", "nope"},
	} {
		r := s.get(headers...)
		wantStatus(t, name, r, 401)
		if got := strings.TrimSpace(r.raw); got != wantBody401 {
			t.Errorf("%s: body %s", name, r.raw)
		}
		if got, want := r.header.Get("WWW-Authenticate"), `Keystone uri="`+k.srv.URL+`/v3"`; got != want {
			t.Errorf("%s: WWW-Authenticate %q, want %q", name, got, want)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if s.lastContext() != nil {
			t.Errorf("%s: the handler ran", name)
		}
	}
}

// An expired token is refused: keystone's clock moves past its expiry,
// so keystone also refuses our service token, which the middleware
// replaces before it learns the user's token is gone.
func TestExpiredToken401(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	first, _, _ := k.member("alice")
	wantStatus(t, "fresh token", s.get("X-Auth-Token", first), 200)
	tok := k.token("alice", "pw-alice", projectScope("alice-project"))

	k.skew.Store(int64(2 * time.Hour))
	r := s.get("X-Auth-Token", tok)
	wantStatus(t, "expired token", r, 401)
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate")
	}
}

// A token whose expires_at our clock has passed is refused, even when
// keystone (whose clock lags) would still accept it.
func TestTokenExpiredByOurClock(t *testing.T) {
	k := newKeystone(t)
	clk := newClock()
	o := k.options()
	o.Now = clk.now
	s := newService(t, o)
	tok, _, _ := k.member("alice")
	wantStatus(t, "fresh token", s.get("X-Auth-Token", tok), 200)
	clk.advance(time.Hour + time.Minute)
	wantStatus(t, "after expires_at", s.get("X-Auth-Token", tok), 401)
}

func TestRevokedTokenRefusedWithinWindow(t *testing.T) {
	k := newKeystone(t)
	clk := newClock()
	o := k.options()
	o.Now = clk.now
	s := newService(t, o)
	tok, _, _ := k.member("alice")

	wantStatus(t, "before revocation", s.get("X-Auth-Token", tok), 200)
	k.revoke(tok)
	wantStatus(t, "just after revocation (cached)", s.get("X-Auth-Token", tok), 200)
	clk.advance(o.RevocationCheckInterval - time.Millisecond)
	wantStatus(t, "at the end of the window (cached)", s.get("X-Auth-Token", tok), 200)
	if n := k.validates.Load(); n != 1 {
		t.Errorf("keystone validated %d times within the window, want 1", n)
	}
	clk.advance(time.Millisecond)
	wantStatus(t, "after the window", s.get("X-Auth-Token", tok), 401)
	if n := k.validates.Load(); n != 2 {
		t.Errorf("keystone validated %d times, want 2", n)
	}
}

// The window is min(token_cache_time, revocation_check_interval), and a
// token_cache_time of -1 turns the cache off.
func TestCacheWindowOptions(t *testing.T) {
	k := newKeystone(t)
	clk := newClock()
	o := k.options()
	o.Now = clk.now
	o.TokenCacheTime = 3 * time.Second
	s := newService(t, o)
	tok, _, _ := k.member("alice")
	wantStatus(t, "first", s.get("X-Auth-Token", tok), 200)
	k.revoke(tok)
	clk.advance(2 * time.Second)
	wantStatus(t, "within token_cache_time", s.get("X-Auth-Token", tok), 200)
	clk.advance(time.Second)
	wantStatus(t, "after token_cache_time", s.get("X-Auth-Token", tok), 401)

	o.TokenCacheTime = -1
	nocache := newService(t, o)
	bob, _, _ := k.member("bob")
	before := k.validates.Load()
	for range 3 {
		wantStatus(t, "uncached", nocache.get("X-Auth-Token", bob), 200)
	}
	if n := k.validates.Load() - before; n != 3 {
		t.Errorf("with the cache off keystone validated %d times, want 3", n)
	}
}

func TestKeystoneDown503(t *testing.T) {
	k := newKeystone(t)
	clk := newClock()
	o := k.options()
	o.Now = clk.now
	s := newService(t, o)
	cached, _, _ := k.member("alice")
	fresh, _, _ := k.member("bob")
	wantStatus(t, "warm", s.get("X-Auth-Token", cached), 200)

	k.fail.Store(500)
	r := s.get("X-Auth-Token", fresh)
	wantStatus(t, "keystone answers 500", r, 503)
	if msg := r.body["serviceUnavailable"]; msg == nil {
		t.Errorf("503 body %s", r.raw)
	}
	if r.header.Get("WWW-Authenticate") != "" {
		t.Error("a 503 carries WWW-Authenticate")
	}

	k.fail.Store(0)
	k.srv.Close()
	wantStatus(t, "cached token while keystone is down", s.get("X-Auth-Token", cached), 200)
	wantStatus(t, "new token while keystone is down", s.get("X-Auth-Token", fresh), 503)
	clk.advance(time.Minute)
	wantStatus(t, "cached token after the window while keystone is down", s.get("X-Auth-Token", cached), 503)
	wantStatus(t, "garbage token while keystone is down", s.get("X-Auth-Token", "garbage"), 503)
}

func TestKeystoneDownAtStart503(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	tok, _, _ := k.member("alice")
	k.srv.Close()
	r := s.get("X-Auth-Token", tok)
	wantStatus(t, "service user cannot authenticate", r, 503)
	if !json.Valid([]byte(r.raw)) {
		t.Errorf("503 body %q", r.raw)
	}
}

func TestWrongServicePassword503(t *testing.T) {
	k := newKeystone(t)
	o := k.options()
	o.Password = "wrong"
	s := newService(t, o)
	tok, _, _ := k.member("alice")
	wantStatus(t, "service user refused", s.get("X-Auth-Token", tok), 503)
}

func TestCacheHitAvoidsKeystone(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	tok, _, _ := k.member("alice")
	for range 5 {
		wantStatus(t, "valid", s.get("X-Auth-Token", tok), 200)
	}
	if n := k.validates.Load(); n != 1 {
		t.Errorf("5 requests with one token: keystone validated %d times, want 1", n)
	}
	for range 5 {
		wantStatus(t, "garbage", s.get("X-Auth-Token", "garbage"), 401)
	}
	if n := k.validates.Load(); n != 2 {
		t.Errorf("5 requests with one bad token: keystone validated %d times in all, want 2", n)
	}

	// Concurrent first uses of one token share a validation.
	bob, _, _ := k.member("bob")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if r := s.get("X-Auth-Token", bob); r.status != 200 {
				t.Errorf("concurrent: %d %s", r.status, r.raw)
			}
		})
	}
	wg.Wait()
	if n := k.validates.Load(); n != 3 {
		t.Errorf("20 concurrent requests with a new token: keystone validated %d times in all, want 3", n)
	}
}

func TestServiceToken(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	user, userID, _ := k.member("alice")
	glance := k.token("glance", servicePassword, projectScope("service"))

	wantStatus(t, "user and service token", s.get("X-Auth-Token", user, "X-Service-Token", glance), 200)
	c := s.lastContext()
	if c.UserID != userID || c.Service == nil || c.Service.UserName != "glance" || !slices.Contains(c.ServiceRoles(), "service") {
		t.Fatalf("context with a service token: user %s service %+v", c.UserID, c.Service)
	}
	if c.ServiceToken != glance {
		t.Error("ServiceToken is not the request's")
	}
	if extra := c.Credentials().Extra; extra["service_user_id"] != c.Service.UserID {
		t.Errorf("credentials service_user_id %v", extra["service_user_id"])
	}
	if q := k.lastQuery(); q != "allow_expired=1" {
		t.Errorf("user token validated with %q, want allow_expired=1", q)
	}

	bob, _, _ := k.member("bob")
	r := s.get("X-Auth-Token", user, "X-Service-Token", bob)
	wantStatus(t, "service token without the service role", r, 401)
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate")
	}
	wantStatus(t, "garbage service token", s.get("X-Auth-Token", user, "X-Service-Token", "garbage"), 401)
	wantStatus(t, "service token alone", s.get("X-Service-Token", glance), 401)

	o := k.options()
	o.ServiceTokenRolesRequired = false
	lax := newService(t, o)
	wantStatus(t, "any valid service token when roles are not required", lax.get("X-Auth-Token", user, "X-Service-Token", bob), 200)
	if q := k.lastQuery(); q != "" {
		t.Errorf("user token validated with %q behind a token without the service role, want no allow_expired", q)
	}
}

// When keystone refuses the service user's own token (revoked here), the
// middleware authenticates again and retries, and the user sees nothing.
func TestServiceTokenRenewedAfterKeystoneRefusesIt(t *testing.T) {
	k := newKeystone(t)
	s := newService(t, k.options())
	ctx := context.Background()
	old, err := s.client.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k.revoke(old)
	tok, _, _ := k.member("alice")
	wantStatus(t, "after the service token was revoked", s.get("X-Auth-Token", tok), 200)
	now, err := s.client.Token(ctx)
	if err != nil || now == old {
		t.Errorf("service token not renewed: %v", err)
	}
}

func TestDelayAuthDecision(t *testing.T) {
	k := newKeystone(t)
	o := k.options()
	o.DelayAuthDecision = true
	s := newService(t, o)
	r := s.get("X-Auth-Token", "garbage")
	wantStatus(t, "delayed garbage token, refused by the handler", r, 401)
	if got := strings.TrimSpace(r.raw); got != wantBody401 {
		t.Errorf("body %s", r.raw)
	}
	tok, userID, _ := k.member("alice")
	wantStatus(t, "delayed valid token", s.get("X-Auth-Token", tok), 200)
	if c := s.lastContext(); c == nil || c.UserID != userID {
		t.Errorf("context %+v", c)
	}
	k.srv.Close()
	wantStatus(t, "delayed with keystone down, refused by the handler", s.get("X-Auth-Token", "another"), 401)
}

// Authenticate is the middleware without HTTP; its errors keep their kinds.
func TestAuthenticateErrors(t *testing.T) {
	k := newKeystone(t)
	client, err := auth.NewClient(k.options())
	if err != nil {
		t.Fatal(err)
	}
	mw := auth.New(client)
	ctx := context.Background()
	_, err = mw.Authenticate(ctx, "garbage", "")
	if !errors.Is(err, fault.Of(fault.Unauthorized)) || !auth.IsInvalidToken(err) {
		t.Errorf("garbage: %v", err)
	}
	tok, userID, projectID := k.member("alice")
	c, err := mw.Authenticate(ctx, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithContext(ctx, c)
	if log.UserID(ctx) != userID || log.ProjectID(ctx) != projectID {
		t.Errorf("log context user %q project %q", log.UserID(ctx), log.ProjectID(ctx))
	}
	k.srv.Close()
	_, err = mw.Authenticate(context.Background(), "other", "")
	if !errors.Is(err, fault.Of(fault.Unavailable)) || !errors.Is(err, auth.ErrUnavailable) {
		t.Errorf("keystone down: %v", err)
	}
}

// Neither tokens nor the service password reach the logs, at any level,
// whatever happens to them.
func TestTokensNeverLogged(t *testing.T) {
	k := newKeystone(t)
	var logs logBuffer
	o := k.options()
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newService(t, o)
	tok, _, _ := k.member("alice")
	garbage := "gAAAAAB-garbage-token-value"
	bob, _, _ := k.member("bob")

	wantStatus(t, "valid", s.get("X-Auth-Token", tok), 200)
	k.revoke(bob)
	wantStatus(t, "revoked", s.get("X-Auth-Token", bob), 401)
	wantStatus(t, "garbage", s.get("X-Auth-Token", garbage), 401)
	wantStatus(t, "bad service token", s.get("X-Auth-Token", tok, "X-Service-Token", garbage+"2"), 401)
	k.fail.Store(500)
	wantStatus(t, "keystone failing", s.get("X-Auth-Token", garbage+"3"), 503)

	out := logs.String()
	if !strings.Contains(out, "token refused by keystone") || !strings.Contains(out, "status=503") {
		t.Fatalf("the failures were not logged:\n%s", out)
	}
	for name, secret := range map[string]string{"valid": tok, "revoked": bob, "garbage": garbage, "password": servicePassword} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s secret is in the logs:\n%s", name, out)
		}
	}
	svc, err := s.client.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, svc) {
		t.Errorf("the service token is in the logs:\n%s", out)
	}
}
