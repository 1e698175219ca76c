// Package identity is the Keystone service: the Identity v3 API, tokens
// (ES256 JWS), the catalog, projects, users, roles and assignments.
package identity
