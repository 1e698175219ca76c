// Package auth is keystonemiddleware's auth_token for our services: the
// HTTP middleware glance-api, cinder-api and nova-api put in front of their
// handlers, the caller's Context it gives them, a policy check on it, and
// a Client with which a service calls keystone (and finds other services)
// as its own service user.
//
// # Wiring
//
//	opts := auth.OptionsFrom(conf) // [keystone_authtoken]
//	opts.Policy = enforcer         // for context_is_admin; optional
//	client, err := auth.NewClient(opts)
//	mw := auth.New(client)
//	router := httpapi.NewRouter(httpapi.Config{Flavor: httpapi.Nova, AuthURI: mw.AuthURI()})
//	router.Use(mw.Handler)
//
//	// in a handler
//	if err := auth.Enforce(r, enforcer, "os_compute_api:servers:index", nil); err != nil {
//		httpapi.WriteError(w, r, err)
//		return
//	}
//	c, _ := auth.FromContext(r.Context()) // c.UserID, c.ProjectID, c.Roles, c.IsAdmin, c.Catalog, ...
//	ctx := auth.WithRPC(r.Context())      // calls and casts carry the caller
//
// # Validation
//
// The service authenticates itself with the password method, scoped to
// project_name, and keeps that token (and its catalog) until two minutes
// before it expires. An incoming X-Auth-Token is validated with
// GET {auth_url}/v3/auth/tokens, X-Auth-Token being the service token and
// X-Subject-Token the user's, with the catalog unless
// include_service_catalog = false. An X-Service-Token is validated first
// in the same way; it must hold one of service_token_roles when
// service_token_roles_required (the default), and if it does, the user
// token is validated with allow_expired=1 and may be past its expiry, as
// in keystonemiddleware. (Our keystone does not implement allow_expired
// yet: it still refuses expired tokens.)
//
// Keystone's 404 means the token is invalid: 401 for the user, in
// keystonemiddleware's shape, {"error": {"code": 401, "title":
// "Unauthorized", "message": "The request you have made requires
// authentication."}}, with WWW-Authenticate: Keystone
// uri="<www_authenticate_uri>". Keystone's 401 means it refused the service
// token: the middleware authenticates again and retries once. Anything
// else (no connection, a timeout, a 5xx, the service user's password
// refused) is a 503, "The Keystone service is temporarily unavailable.",
// never a 401: the user's token may well be good. With delay_auth_decision
// a request that would get either passes on without a Context, and
// Enforce answers 401 for it.
//
// # Cache
//
// Answers are cached in memory, keyed by the SHA-256 of the token (tokens
// are never stored as keys nor logged; logs name a token by a short prefix
// of that hash). An accepted token is reused until the earlier of its
// expires_at and now + min(token_cache_time, revocation_check_interval),
// by default 10 s: a token revoked in keystone, or whose user, project or
// role assignment went away, is refused within that time. This bound is
// ours; keystonemiddleware reuses for token_cache_time (300 s). A refused
// token is refused without asking keystone for a few seconds (the cache
// window, at most 5 s). Failures to reach keystone are not cached. The
// cache holds at most CacheSize entries (least recently used first out),
// and concurrent requests with the same uncached token share one request
// to keystone.
//
// # Deliberate differences from keystonemiddleware
//
//   - The caller reaches handlers as a Context in the request's ctx, not
//     as X-User-Id, X-Roles, X-Service-Catalog ... headers; inbound copies
//     of those headers are ignored, never trusted.
//   - http_connect_timeout defaults to 10 s (upstream: none).
//   - Only auth_type = password; auth_url is used as is (with /v3
//     appended when missing), without version discovery.
//   - No token binding (enforce_token_bind), no memcached, and no access
//     rules of application credentials (our keystone has none).
package auth
