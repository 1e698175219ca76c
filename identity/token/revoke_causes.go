package token

import (
	"errors"
	"fmt"
	"time"
)

// Cause is a change that keystone answers with a revocation event. The
// table in the package doc lists them with the event each makes.
type Cause string

// The causes (keystone stable/zed: revoke/core.py's callbacks and the
// identity manager's _persist_revocation_event_for_user calls).
const (
	TokenRevoked         Cause = "token revoked"           // DELETE /v3/auth/tokens; id: audit id
	UserDeleted          Cause = "user deleted"            // id: user id
	UserDisabled         Cause = "user disabled"           // id: user id
	PasswordChanged      Cause = "password changed"        // id: user id
	UserRemovedFromGroup Cause = "user removed from group" // id: user id
	GroupDeleted         Cause = "group deleted"           // one event per member; id: user id
	ProjectDeleted       Cause = "project deleted"         // id: project id
	TrustDeleted         Cause = "trust deleted"           // id: trust id
	ConsumerDeleted      Cause = "consumer deleted"        // OAuth 1 consumer; id: consumer id
)

// ForCause returns the event keystone records for the cause, about the
// thing with the given id, revoked at now: tokens issued up to now (to the
// microsecond) are revoked, tokens issued later are not.
func ForCause(c Cause, id string, now time.Time) (Event, error) {
	if id == "" {
		return Event{}, fmt.Errorf("revocation event for %s: no id", c)
	}
	e := newEvent(now)
	switch c {
	case TokenRevoked:
		e.AuditID = id
	case UserDeleted, UserDisabled, PasswordChanged, UserRemovedFromGroup, GroupDeleted:
		e.UserID = id
	case ProjectDeleted:
		e.ProjectID = id
	case TrustDeleted:
		e.TrustID = id
	case ConsumerDeleted:
		e.ConsumerID = id
	default:
		return Event{}, fmt.Errorf("revocation event: unknown cause %q", c)
	}
	return e, nil
}

// AuditChainEvent is keystone's revoke_by_audit_chain_id: it revokes every
// token of a chain, narrowed to a project or a domain scope (not both).
func AuditChainEvent(chainID, projectID, domainID string, now time.Time) (Event, error) {
	if chainID == "" {
		return Event{}, errors.New("revocation event for an audit chain: no chain id")
	}
	if projectID != "" && domainID != "" {
		return Event{}, errors.New("revocation event for an audit chain: both a project and a domain")
	}
	e := newEvent(now)
	e.AuditChainID, e.ProjectID, e.DomainID = chainID, projectID, domainID
	return e, nil
}

// newEvent stamps an event. Keystone cuts revoked_at to the second, which
// revokes tokens issued later in the same second; microseconds (what a
// PostgreSQL timestamp holds) do not.
func newEvent(now time.Time) Event {
	at := now.UTC().Truncate(time.Microsecond)
	return Event{RevokedAt: at, IssuedBefore: at}
}

// DefaultExpirationBuffer is keystone's [revoke] expiration_buffer.
const DefaultExpirationBuffer = 30 * time.Minute

// PruneBefore is the time before which stored events can be deleted (by
// RevokedAt): no token they could match is still unexpired. expiration is
// [token] expiration, buffer [revoke] expiration_buffer.
func PruneBefore(now time.Time, expiration, buffer time.Duration) time.Time {
	return now.UTC().Add(-(expiration + buffer))
}
