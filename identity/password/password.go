package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// DefaultCost is the bcrypt cost when [identity] password_hash_rounds is
// unset: passlib's bcrypt default, which keystone inherits.
const DefaultCost = 12

// maxLen is the part of a secret bcrypt reads.
const maxLen = 72

func truncate(secret string) []byte {
	b := []byte(secret)
	if len(b) > maxLen {
		b = b[:maxLen]
	}
	return b
}

// Hash returns the bcrypt hash of secret at cost (0 means DefaultCost).
func Hash(secret string, cost int) (string, error) {
	if cost == 0 {
		cost = DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword(truncate(secret), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Check reports whether secret matches hash. An empty hash never matches.
func Check(hash, secret string) bool {
	if hash == "" {
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), truncate(secret))
	return err == nil
}

// ErrMismatch is returned by Verify when the secret does not match.
var ErrMismatch = errors.New("password does not match")

// Verify is Check as an error.
func Verify(hash, secret string) error {
	if !Check(hash, secret) {
		return ErrMismatch
	}
	return nil
}
