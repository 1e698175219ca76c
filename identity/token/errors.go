package token

import (
	"errors"
	"fmt"

	"github.com/gostack/gostack/services/fault"
)

// Why a token was refused. Validate and CheckRevoked return a
// fault.Unauthorized whose cause wraps one of these; match with errors.Is.
var (
	// ErrInvalid: malformed, not ES256, not signed by any public key in the
	// repository, or missing or carrying unsupported claims.
	ErrInvalid = errors.New("token is invalid")
	// ErrExpired: the token's exp has passed.
	ErrExpired = errors.New("token has expired")
	// ErrRevoked: a revocation event applies to the token.
	ErrRevoked = errors.New("token has been revoked")
)

// Keystone's user-facing texts.
const (
	// MsgUnauthorized is keystone's exception.Unauthorized message: the 401
	// for a bad X-Auth-Token.
	MsgUnauthorized = "The request you have made requires authentication."
	// MsgFailedToValidate is the TokenNotFound message keystone gives for
	// an expired or revoked subject token.
	MsgFailedToValidate = "Failed to validate token"
)

// refuse wraps a sentinel and its detail in keystone's 401.
func refuse(sentinel error, format string, args ...any) error {
	cause := fmt.Errorf(format, args...)
	return fault.Wrap(fmt.Errorf("%w: %w", sentinel, cause), fault.Unauthorized, MsgUnauthorized)
}

// NotFound renders err, as returned by Validate or CheckRevoked for the
// subject token id, as keystone's 404 for GET/HEAD /v3/auth/tokens: an
// unverifiable token gives "Could not find token: <id>.", an expired or
// revoked one "Failed to validate token". Any other error is returned as
// it is.
func NotFound(id string, err error) error {
	switch {
	case errors.Is(err, ErrExpired), errors.Is(err, ErrRevoked):
		return fault.Wrap(err, fault.NotFound, MsgFailedToValidate)
	case errors.Is(err, ErrInvalid):
		return fault.Wrap(err, fault.NotFound, "Could not find token: %s.", id)
	default:
		return err
	}
}
