// Package api serves keystone's Identity v3 API (api-ref/identity): version
// discovery, POST/GET/HEAD/DELETE /v3/auth/tokens and the rest of /v3/auth,
// and the CRUD of domains, projects (and their tags), users, groups,
// roles, implied roles, grants, role assignments, regions, services,
// endpoints and limits.
//
// Each resource has its own file with its handlers; request schemas are in
// identity/schema and response shapes in the *_view.go files. Every
// request except discovery and token issue is authenticated by
// authenticate (X-Auth-Token, checked as tokens.go's validate does: the
// signature, expiry, revocation events, and that the user, the scope and
// the roles still exist and are enabled), then authorized in one place,
// protect, against keystone's default policy (identity/policy) or the
// operator's overrides. What validation reads from the database, and the
// service catalog, are cached until the next request that may write
// (validation_cache.go), so revocation still takes effect at once.
package api
