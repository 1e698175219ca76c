package auth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/rpc"
)

func testContext() *auth.Context {
	return &auth.Context{
		Token: &auth.Token{
			UserID: "u1", UserDomainID: "default", ProjectID: "p1", ProjectDomainID: "default",
			Roles: []string{"member", "reader"}, IsAdminProject: true, ExpiresAt: time.Now().Add(time.Hour),
		},
		AuthToken:    "user-secret-token",
		Service:      &auth.Token{UserID: "nova", ProjectID: "service", Roles: []string{"service"}},
		ServiceToken: "service-secret-token",
	}
}

func testEnforcer(t *testing.T) *policy.Enforcer {
	t.Helper()
	e, err := policy.New([]policy.Rule{
		{Name: "context_is_admin", Check: "role:admin"},
		{Name: "admin_or_owner", Check: "is_admin:True or project_id:%(project_id)s"},
		{Name: "servers:index", Check: "rule:admin_or_owner"},
		{Name: "servers:attach", Check: "rule:admin_or_owner and service_roles:service"},
		{Name: "servers:delete_other", Check: "user_id:%(user_id)s"},
	}, nil, policy.Options{DeniedFormat: "Policy doesn't allow %s to be performed."})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnforce(t *testing.T) {
	e := testEnforcer(t)
	req := httptest.NewRequest("GET", "/servers", nil)
	if err := auth.Enforce(req, e, "servers:index", nil); !errors.Is(err, fault.Of(fault.Unauthorized)) {
		t.Errorf("no context: %v", err)
	}
	req = req.WithContext(auth.WithContext(req.Context(), testContext()))
	if err := auth.Enforce(req, e, "servers:index", nil); err != nil {
		t.Errorf("own project, default target: %v", err)
	}
	if err := auth.Enforce(req, e, "servers:attach", policy.Target{"project_id": "p1"}); err != nil {
		t.Errorf("service roles: %v", err)
	}
	err := auth.Enforce(req, e, "servers:index", policy.Target{"project_id": "p2"})
	if !errors.Is(err, fault.Of(fault.Forbidden)) || fault.MessageOf(err) != "Policy doesn't allow servers:index to be performed." {
		t.Errorf("other project: %v", err)
	}
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, req, err)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), `"forbidden"`) {
		t.Errorf("rendered %d %s", rec.Code, rec.Body)
	}
	if err := auth.Enforce(req, e, "servers:delete_other", policy.Target{"user_id": "u2"}); err == nil {
		t.Error("other user allowed")
	}
	c := testContext()
	c.IsAdmin = true
	admin := req.WithContext(auth.WithContext(req.Context(), c))
	if err := auth.Enforce(admin, e, "servers:index", policy.Target{"project_id": "p2"}); err != nil {
		t.Errorf("is_admin: %v", err)
	}
}

func TestCredentialsWithoutServiceToken(t *testing.T) {
	c := testContext()
	c.Service = nil
	creds := c.Credentials()
	if creds.UserID != "u1" || creds.ProjectID != "p1" || creds.Scope() != "project" || !creds.IsAdminProject {
		t.Errorf("credentials %+v", creds)
	}
	e := testEnforcer(t)
	if e.Check(creds, "servers:attach", policy.Target{"project_id": "p1"}) {
		t.Error("service_roles matched without a service token")
	}
	if c.ServiceRoles() != nil {
		t.Errorf("service roles %v", c.ServiceRoles())
	}
}

func TestContextLogsCallerNotTokens(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	c := testContext()
	logger.Info("request", "caller", c)
	out := buf.String()
	if strings.Contains(out, "secret") {
		t.Errorf("a token was logged: %s", out)
	}
	if !strings.Contains(out, `"user_id":"u1"`) || !strings.Contains(out, `"project_id":"p1"`) || !strings.Contains(out, `"service_user_id":"nova"`) {
		t.Errorf("log %s", out)
	}
	ctx := auth.WithContext(context.Background(), c)
	if log.UserID(ctx) != "u1" || log.ProjectID(ctx) != "p1" {
		t.Errorf("services/log sees user %q project %q", log.UserID(ctx), log.ProjectID(ctx))
	}
	if got, ok := auth.FromContext(ctx); !ok || got != c {
		t.Error("FromContext")
	}
	if _, ok := auth.FromContext(context.Background()); ok {
		t.Error("FromContext of an empty ctx")
	}
}

func TestRPCBridge(t *testing.T) {
	ctx := httpapi.WithRequestID(context.Background(), "req-1")
	ctx = httpapi.WithGlobalRequestID(ctx, "req-0")
	if got := auth.WithRPC(ctx); got != ctx {
		t.Error("WithRPC changed an unauthenticated ctx")
	}
	c := testContext()
	c.IsAdmin = true
	ctx = auth.WithRPC(auth.WithContext(ctx, c))
	rc, ok := rpc.FromContext(ctx)
	if !ok {
		t.Fatal("no rpc.Context")
	}
	want := rpc.Context{RequestID: "req-1", GlobalRequestID: "req-0", UserID: "u1", ProjectID: "p1", IsAdmin: true, AuthToken: "user-secret-token"}
	if rc.RequestID != want.RequestID || rc.GlobalRequestID != want.GlobalRequestID || rc.UserID != want.UserID ||
		rc.ProjectID != want.ProjectID || rc.IsAdmin != want.IsAdmin || rc.AuthToken != want.AuthToken ||
		strings.Join(rc.Roles, ",") != "member,reader" {
		t.Errorf("rpc context %+v", rc)
	}
}
