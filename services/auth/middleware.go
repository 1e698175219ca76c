package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Middleware authenticates requests as keystonemiddleware's auth_token
// does: it validates X-Auth-Token (and X-Service-Token) with keystone,
// caching the answers, and gives the handler the caller's Context.
type Middleware struct {
	opts      Options
	validator *validator
}

// New returns the middleware; client is the service user's Client (its
// Options decide how tokens are validated and cached).
func New(client *Client) *Middleware {
	return &Middleware{opts: client.opts, validator: newValidator(client.opts, client)}
}

// AuthURI is www_authenticate_uri (auth_url when unset): mains put it in
// httpapi.Config.AuthURI so the service's own 401s carry
// WWW-Authenticate too, as keystonemiddleware's process_response adds it.
func (m *Middleware) AuthURI() string { return m.opts.WWWAuthenticateURI }

// Handler wraps next: a request with a valid token reaches it with a
// Context in its ctx (FromContext); one without gets keystonemiddleware's
// 401 with WWW-Authenticate, unless delay_auth_decision lets it through
// without a Context. When keystone cannot answer, the request gets a 503,
// never a 401.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := m.Authenticate(r.Context(), userToken(r), r.Header.Get("X-Service-Token"))
		if err == nil {
			next.ServeHTTP(w, r.WithContext(WithContext(r.Context(), c)))
			return
		}
		if m.opts.DelayAuthDecision {
			m.opts.Logger.LogAttrs(r.Context(), slog.LevelDebug, "deferring the authentication decision to the service",
				slog.String("error", err.Error()))
			next.ServeHTTP(w, r)
			return
		}
		m.writeError(w, r, err)
	})
}

// userToken is X-Auth-Token, or the X-Storage-Token some Swift clients send.
func userToken(r *http.Request) string {
	if t := r.Header.Get("X-Auth-Token"); t != "" {
		return strings.TrimSpace(t)
	}
	return strings.TrimSpace(r.Header.Get("X-Storage-Token"))
}

// Authenticate validates a user token and an optional service token as
// keystonemiddleware's process_request does: the service token first,
// which must hold one of service_token_roles (when
// service_token_roles_required) and then lets the user token be expired
// (allow_expired); then the user token. It returns ErrInvalidToken
// (fault.Unauthorized) when either is not valid, and ErrUnavailable
// (fault.Unavailable) when keystone cannot tell.
func (m *Middleware) Authenticate(ctx context.Context, user, service string) (*Context, error) {
	var svc *validated
	allowExpired := false
	svcErr := error(nil)
	if service = strings.TrimSpace(service); service != "" {
		v, err := m.validator.validate(ctx, service, false)
		switch {
		case err == nil:
			passed := v.token.HasAnyRole(m.opts.ServiceTokenRoles)
			if m.opts.ServiceTokenRolesRequired && !passed {
				svcErr = invalidToken("service token of user %s holds none of the roles %v", v.token.UserID, m.opts.ServiceTokenRoles)
			} else {
				svc = v
			}
			allowExpired = passed
		case IsInvalidToken(err):
			svcErr = err
		default:
			return nil, err
		}
	}
	if user == "" {
		return nil, invalidToken("no X-Auth-Token")
	}
	u, err := m.validator.validate(ctx, user, allowExpired)
	if err != nil {
		return nil, err
	}
	if svcErr != nil {
		return nil, svcErr
	}
	c := &Context{Token: u.token, AuthToken: user, IsAdmin: u.isAdmin}
	if svc != nil {
		c.Service, c.ServiceToken = svc.token, service
	}
	return c, nil
}

// writeError renders a refusal in the service's error shape; a 401 names
// www_authenticate_uri even if the service's httpapi.Config does not.
func (m *Middleware) writeError(w http.ResponseWriter, r *http.Request, err error) {
	cfg := httpapi.ConfigFrom(r.Context())
	if fault.KindOf(err) != fault.Unauthorized || cfg.AuthURI != "" {
		httpapi.WriteError(w, r, err)
		return
	}
	cfg.AuthURI = m.opts.WWWAuthenticateURI
	httpapi.WithConfig(cfg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteError(w, r, err)
	})).ServeHTTP(w, r)
}
