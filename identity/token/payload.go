package token

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// SystemAll is the only system scope keystone knows: openstack_system "all".
const SystemAll = "all"

// Payload is what a token says: who, how they authenticated, the scope and
// the lifetime. It is keystone's TokenModel as the JWS provider stores it.
type Payload struct {
	UserID   string
	Methods  []string // auth methods, e.g. ["password"], ["token", "password"]
	AuditIDs []string // [own audit id] or [own, chain root] when derived
	// IssuedAt has microsecond precision; ExpiresAt whole seconds.
	// Keystone renders both as 2006-01-02T15:04:05.000000Z.
	IssuedAt  time.Time
	ExpiresAt time.Time
	// At most one scope; none means unscoped.
	ProjectID string
	DomainID  string
	System    string // SystemAll or ""
	AppCredID string // set for tokens made with an application credential
}

// AuditID is the token's own audit id.
func (p Payload) AuditID() string {
	if len(p.AuditIDs) == 0 {
		return ""
	}
	return p.AuditIDs[0]
}

// ParentAuditID is the audit id of the chain's root when the token was
// derived from another one (keystone's parent_audit_id), else "".
func (p Payload) ParentAuditID() string {
	if len(p.AuditIDs) < 2 {
		return ""
	}
	return p.AuditIDs[len(p.AuditIDs)-1]
}

// AuditChainID is the audit id shared by every token of a chain: the
// parent's when the token was derived, else its own.
func (p Payload) AuditChainID() string {
	if len(p.AuditIDs) == 0 {
		return ""
	}
	return p.AuditIDs[len(p.AuditIDs)-1]
}

// Unscoped reports whether the token has no scope.
func (p Payload) Unscoped() bool {
	return p.ProjectID == "" && p.DomainID == "" && p.System == ""
}

// NewAuditID returns a fresh audit id: 16 random bytes as 22 characters of
// unpadded URL-safe base64, keystone's random_urlsafe_str.
func NewAuditID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails; it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Request describes the token to issue, as the auth API has worked it out.
type Request struct {
	UserID  string
	Methods []string // the methods that succeeded, "token" included when used
	// Scope: at most one of these.
	ProjectID string
	DomainID  string
	System    string
	// AppCredID and AppCredExpiresAt (zero: never) for the
	// application_credential method: the token never outlives the
	// credential (keystone's fix for CVE-2022-2447).
	AppCredID        string
	AppCredExpiresAt time.Time
	// Parent is the validated token presented with the token method, when
	// the new token is derived from it (rescoping).
	Parent *Payload
}

// NewPayload makes the payload of a new token issued at now, living for
// expiration ([token] expiration, 1 h by default) unless capped. For a
// token derived from a parent it follows keystone's token auth method: the
// user is the parent's, the parent's methods are added, the audit chain
// continues (the second audit id is the parent's chain id), the expiry is
// the parent's so rescoping never extends a token's life, and an
// application credential restriction carries over.
func NewPayload(now time.Time, expiration time.Duration, r Request) (Payload, error) {
	p := Payload{
		UserID:    r.UserID,
		Methods:   appendUnique(nil, r.Methods...),
		AuditIDs:  []string{NewAuditID()},
		IssuedAt:  now.UTC().Truncate(time.Microsecond),
		ExpiresAt: now.UTC().Add(expiration).Truncate(time.Second),
		ProjectID: r.ProjectID,
		DomainID:  r.DomainID,
		System:    r.System,
		AppCredID: r.AppCredID,
	}
	if parent := r.Parent; parent != nil {
		if p.UserID == "" {
			p.UserID = parent.UserID
		}
		if p.UserID != parent.UserID {
			return Payload{}, fmt.Errorf("%w: new token for user %s from a token of user %s", errPayload, p.UserID, parent.UserID)
		}
		p.Methods = appendUnique(p.Methods, parent.Methods...)
		if chain := parent.AuditChainID(); chain != "" {
			p.AuditIDs = append(p.AuditIDs, chain)
		}
		p.ExpiresAt = parent.ExpiresAt.UTC().Truncate(time.Second)
		if p.AppCredID == "" {
			p.AppCredID = parent.AppCredID
		}
	}
	if !r.AppCredExpiresAt.IsZero() && r.AppCredExpiresAt.Before(p.ExpiresAt) {
		p.ExpiresAt = r.AppCredExpiresAt.UTC().Truncate(time.Second)
	}
	if err := p.check(); err != nil {
		return Payload{}, err
	}
	return p, nil
}

func appendUnique(dst []string, src ...string) []string {
next:
	for _, s := range src {
		for _, d := range dst {
			if d == s {
				continue next
			}
		}
		dst = append(dst, s)
	}
	return dst
}

var errPayload = errors.New("bad token payload")

// check enforces what every token must say: a user, at least one method,
// one or two audit ids, at most one scope, and a lifetime.
func (p Payload) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", errPayload, fmt.Sprintf(format, args...))
	}
	switch {
	case p.UserID == "":
		return bad("no user id")
	case len(p.Methods) == 0:
		return bad("no auth methods")
	case len(p.AuditIDs) == 0 || len(p.AuditIDs) > 2:
		return bad("%d audit ids, want 1 or 2", len(p.AuditIDs))
	case p.System != "" && p.System != SystemAll:
		return bad("system scope %q, want %q", p.System, SystemAll)
	case p.IssuedAt.IsZero() || p.ExpiresAt.IsZero():
		return bad("no issued_at or expires_at")
	}
	for _, id := range p.AuditIDs {
		if id == "" {
			return bad("empty audit id")
		}
	}
	scopes := 0
	for _, s := range []string{p.ProjectID, p.DomainID, p.System} {
		if s != "" {
			scopes++
		}
	}
	if scopes > 1 {
		return bad("more than one scope (project %q, domain %q, system %q)", p.ProjectID, p.DomainID, p.System)
	}
	return nil
}
