package auth

import (
	"errors"
	"fmt"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// MsgUnavailable is keystonemiddleware's 503 text when keystone cannot
// be reached or will not validate tokens.
const MsgUnavailable = "The Keystone service is temporarily unavailable."

// Sentinels for errors.Is, found in the cause of the *fault.Error that
// validation and the Client return.
var (
	// ErrInvalidToken: keystone refused the token, or it has expired,
	// or a service token lacks the service roles. Kind Unauthorized.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrUnavailable: keystone could not be reached, timed out, failed,
	// or refused the service user. Kind Unavailable: never a 401 for the
	// user, whose token may be fine.
	ErrUnavailable = errors.New("auth: keystone unavailable")
	// errServiceRejected: keystone answered 401 to the service user's
	// own token; the Client re-authenticates once.
	errServiceRejected = errors.New("keystone rejected the service token")
)

// invalidToken is the 401 keystonemiddleware answers, whatever the
// reason, which is only logged.
func invalidToken(format string, args ...any) error {
	return fault.Wrap(fmt.Errorf("%w: %s", ErrInvalidToken, fmt.Sprintf(format, args...)),
		fault.Unauthorized, httpapi.MsgAuthRequired)
}

// unavailable is the 503 for a keystone failure; cause is for the logs.
func unavailable(cause error) error {
	return fault.Wrap(fmt.Errorf("%w: %w", ErrUnavailable, cause), fault.Unavailable, MsgUnavailable)
}

// asFault returns err if it is a *fault.Error, else err as ErrUnavailable:
// a caller's ctx that ended while waiting for keystone is a timeout.
func asFault(err error) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	return unavailable(err)
}

// IsInvalidToken reports whether err means the token is not valid (as
// opposed to keystone being unavailable).
func IsInvalidToken(err error) bool { return errors.Is(err, ErrInvalidToken) }
