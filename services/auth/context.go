package auth

import (
	"context"
	"log/slog"

	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
)

// Context is the authenticated caller of a request, as oslo.context's
// RequestContext after keystonemiddleware: the user token's identity and
// scope (the embedded Token: UserID, ProjectID, DomainID, SystemScope,
// Roles, Catalog, ExpiresAt, ...), is_admin, and the service token's
// identity when a service called on a user's behalf. The Tokens are
// shared with the cache: read-only.
type Context struct {
	*Token
	// AuthToken is the user's token, for calls made on the user's
	// behalf. It never reaches a log (see LogValue).
	AuthToken string
	// IsAdmin is the policy rule context_is_admin for this token (or
	// "has the admin role" without a policy), as nova and cinder set it.
	IsAdmin bool
	// Service is the identity of a valid X-Service-Token, nil without one.
	Service *Token
	// ServiceToken is the X-Service-Token; never logged.
	ServiceToken string
}

type contextKey struct{}

// WithContext returns ctx carrying c, and carrying its user and project
// for services/log, so every record logged with ctx names them.
func WithContext(ctx context.Context, c *Context) context.Context {
	ctx = log.WithUser(ctx, c.UserID, c.ProjectID)
	return context.WithValue(ctx, contextKey{}, c)
}

// FromContext returns the Context the middleware stored in ctx; false for
// a request that was not authenticated (with delay_auth_decision).
func FromContext(ctx context.Context) (*Context, bool) {
	c, ok := ctx.Value(contextKey{}).(*Context)
	return c, ok
}

// ServiceRoles returns the roles of the service token, or nil.
func (c *Context) ServiceRoles() []string {
	if c.Service == nil {
		return nil
	}
	return c.Service.Roles
}

// Credentials returns what policy checks read, as oslo.context's
// to_policy_values: user_id, user_domain_id, project_id,
// project_domain_id, domain_id, system_scope, roles, is_admin,
// is_admin_project, and service_user_id, service_user_domain_id,
// service_project_id, service_project_domain_id and service_roles.
func (c *Context) Credentials() *policy.Credentials {
	return credentialsOf(c.Token, c.IsAdmin, c.Service)
}

func credentialsOf(t *Token, isAdmin bool, svc *Token) *policy.Credentials {
	extra := map[string]any{
		"service_user_id": nil, "service_user_domain_id": nil, "service_project_id": nil,
		"service_project_domain_id": nil, "service_roles": []string{},
	}
	if svc != nil {
		extra["service_user_id"] = svc.UserID
		extra["service_user_domain_id"] = svc.UserDomainID
		extra["service_project_id"] = svc.ProjectID
		extra["service_project_domain_id"] = svc.ProjectDomainID
		extra["service_roles"] = svc.Roles
	}
	return &policy.Credentials{
		UserID:          t.UserID,
		UserDomainID:    t.UserDomainID,
		ProjectID:       t.ProjectID,
		ProjectDomainID: t.ProjectDomainID,
		DomainID:        t.DomainID,
		System:          t.SystemScope,
		Roles:           t.Roles,
		IsAdmin:         isAdmin,
		IsAdminProject:  t.IsAdminProject,
		Extra:           extra,
	}
}

// LogValue logs the caller without its tokens.
func (c *Context) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("user_id", c.UserID),
		slog.String("project_id", c.ProjectID),
		slog.Any("roles", c.Roles),
		slog.Bool("is_admin", c.IsAdmin),
	}
	if c.DomainID != "" {
		attrs = append(attrs, slog.String("domain_id", c.DomainID))
	}
	if c.SystemScope != "" {
		attrs = append(attrs, slog.String("system_scope", c.SystemScope))
	}
	if c.Service != nil {
		attrs = append(attrs, slog.String("service_user_id", c.Service.UserID))
	}
	return slog.GroupValue(attrs...)
}
