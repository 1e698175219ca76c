package token

import (
	"slices"
	"time"
)

// Event is a revocation event: keystone's RevokeEvent and a row of its
// revocation_event table. Every field that is set must match a token for
// the event to apply to it, and it applies only to tokens issued at or
// before IssuedBefore.
type Event struct {
	UserID        string // the token's user, trustor or trustee
	ProjectID     string // the token's project scope
	DomainID      string // the user's domain or the scope's domain; see ExpiresAt
	RoleID        string // a role the token carries
	AuditID       string // the token's own audit id
	AuditChainID  string // the token's chain root audit id
	TrustID       string // OS-TRUST:trust_id
	ConsumerID    string // OS-OAUTH1:consumer_id
	AccessTokenID string // OS-OAUTH1:access_token_id
	// ExpiresAt, when set, must equal the token's expiry (to the second);
	// with DomainID set it also narrows DomainID to domain-scoped tokens of
	// that domain (keystone's virtual domain_scope_id).
	ExpiresAt    time.Time
	IssuedBefore time.Time // microsecond precision
	RevokedAt    time.Time // microsecond precision
}

// TokenValues is the flattened view of a token that events are matched
// against (keystone's build_token_values).
type TokenValues struct {
	UserID    string
	TrustorID string
	TrusteeID string
	ProjectID string
	// IdentityDomainID is the user's domain; AssignmentDomainID the
	// project's domain for a project-scoped token, or the domain of a
	// domain-scoped one.
	IdentityDomainID   string
	AssignmentDomainID string
	Roles              []string // role ids the token carries
	AuditID            string
	AuditChainID       string
	TrustID            string
	ConsumerID         string
	AccessTokenID      string
	IssuedAt           time.Time
	ExpiresAt          time.Time
}

// ValuesOf flattens a validated token for revocation checks. The caller
// supplies what the payload does not hold: the user's domain, the scoped
// project's domain (ignored unless project-scoped) and the token's roles.
func ValuesOf(p Payload, userDomainID, projectDomainID string, roleIDs []string) TokenValues {
	v := TokenValues{
		UserID:           p.UserID,
		ProjectID:        p.ProjectID,
		IdentityDomainID: userDomainID,
		Roles:            roleIDs,
		AuditID:          p.AuditID(),
		AuditChainID:     p.AuditChainID(),
		IssuedAt:         p.IssuedAt,
		ExpiresAt:        p.ExpiresAt,
	}
	switch {
	case p.ProjectID != "":
		v.AssignmentDomainID = projectDomainID
	case p.DomainID != "":
		v.AssignmentDomainID = p.DomainID
	}
	return v
}

// Matches reports whether the event revokes the token: the token was issued
// at or before the event's IssuedBefore, and every field set in the event
// matches the token. It combines keystone's revoke_model.matches with the
// filter its SQL backend applies first (issued_before, user_id, project_id,
// audit_id).
func Matches(e Event, t TokenValues) bool {
	if t.IssuedAt.After(e.IssuedBefore) {
		return false
	}
	if e.UserID != "" && !oneOf(e.UserID, t.UserID, t.TrustorID, t.TrusteeID) {
		return false
	}
	if e.DomainID != "" {
		if e.ExpiresAt.IsZero() {
			if !oneOf(e.DomainID, t.IdentityDomainID, t.AssignmentDomainID) {
				return false
			}
		} else if !oneOf(e.DomainID, t.AssignmentDomainID) {
			return false
		}
	}
	if !e.ExpiresAt.IsZero() && !e.ExpiresAt.Truncate(time.Second).Equal(t.ExpiresAt.Truncate(time.Second)) {
		return false
	}
	for _, f := range [...]struct{ event, token string }{
		{e.ProjectID, t.ProjectID},
		{e.AuditID, t.AuditID},
		{e.AuditChainID, t.AuditChainID},
		{e.TrustID, t.TrustID},
		{e.ConsumerID, t.ConsumerID},
		{e.AccessTokenID, t.AccessTokenID},
	} {
		if f.event != "" && f.event != f.token {
			return false
		}
	}
	if e.RoleID != "" && !slices.Contains(t.Roles, e.RoleID) {
		return false
	}
	return true
}

// oneOf reports whether want equals one of the non-empty values.
func oneOf(want string, values ...string) bool {
	for _, v := range values {
		if v != "" && v == want {
			return true
		}
	}
	return false
}

// IsRevoked reports whether any of the events revokes the token.
func IsRevoked(events []Event, t TokenValues) bool {
	for _, e := range events {
		if Matches(e, t) {
			return true
		}
	}
	return false
}

// CheckRevoked is IsRevoked as an error: a fault.Unauthorized wrapping
// ErrRevoked when an event applies, else nil.
func CheckRevoked(events []Event, t TokenValues) error {
	if IsRevoked(events, t) {
		return refuse(ErrRevoked, "a revocation event applies to the token")
	}
	return nil
}
