package token

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxTokenLen bounds the ids Validate will parse; ours are about 400 bytes.
const maxTokenLen = 8 << 10

// Provider issues and validates JWS tokens with a key set it can reload
// from the key repositories. It is safe for concurrent use.
type Provider struct {
	privateDir, publicDir string // "" for a provider built with New
	now                   func() time.Time
	parser                *jwt.Parser
	keys                  atomic.Pointer[KeySet]
	reloadMu              sync.Mutex
	verified              verifiedMemo
}

// Open loads the key repositories ([jwt_tokens] jws_private_key_repository
// and jws_public_key_repository) and returns a provider that can reload
// them. now is the clock expiry is checked against (nil: time.Now).
func Open(privateDir, publicDir string, now func() time.Time) (*Provider, error) {
	ks, err := LoadKeys(privateDir, publicDir)
	if err != nil {
		return nil, err
	}
	p := New(ks, now)
	p.privateDir, p.publicDir = privateDir, publicDir
	return p, nil
}

// New returns a provider over keys held in memory; it cannot reload.
func New(keys *KeySet, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	p := &Provider{
		now: now,
		// Only ES256 (keystone's JWSFormatter.algorithm): "none", HS256 and
		// the rest are refused before any key is tried. Expiry is checked
		// by Validate against the injected clock.
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}),
			jwt.WithoutClaimsValidation(),
		),
	}
	p.keys.Store(keys)
	return p
}

// Issue signs the payload with the private key and returns the token id.
// The payload must be complete (NewPayload makes one). IssuedAt keeps its
// microseconds (iat plus gostack_iat_us), ExpiresAt is cut to the second.
func (p *Provider) Issue(pl Payload) (string, error) {
	if err := pl.check(); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	ks := p.keys.Load()
	if ks.signer == nil {
		return "", errors.New("issue token: the key set has no private key")
	}
	pl.ExpiresAt = pl.ExpiresAt.Truncate(time.Second)
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claimsOf(pl))
	tok.Header["kid"] = ks.signerKID
	id, err := tok.SignedString(ks.signer)
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return id, nil
}

// Validate checks the token's signature against every public key, its
// algorithm (ES256 only), its claims and its expiry, and returns its
// payload. It does not check revocation (CheckRevoked) nor that the user,
// the scope and the roles still exist and are enabled. Failures are a
// fault.Unauthorized wrapping ErrInvalid or ErrExpired.
func (p *Provider) Validate(id string) (Payload, error) {
	if id == "" {
		return Payload{}, refuse(ErrInvalid, "no token in the request")
	}
	if len(id) > maxTokenLen {
		return Payload{}, refuse(ErrInvalid, "token of %d bytes, longer than %d", len(id), maxTokenLen)
	}
	ks := p.keys.Load()
	if pl, ok := p.verified.get(ks, id); ok {
		if err := p.checkExpiry(pl); err != nil {
			return Payload{}, err
		}
		return pl, nil
	}
	var c claims
	if _, err := p.parser.ParseWithClaims(id, &c, ks.keyFunc); err != nil {
		return Payload{}, refuse(ErrInvalid, "%w", err)
	}
	if name := c.unsupported(); name != "" {
		return Payload{}, refuse(ErrInvalid, "unsupported claim %s", name)
	}
	if !c.IssuedAt.set || !c.ExpiresAt.set {
		return Payload{}, refuse(ErrInvalid, "no iat or exp claim")
	}
	issuedAt, err := c.issuedAt()
	if err != nil {
		return Payload{}, refuse(ErrInvalid, "%w", err)
	}
	pl := c.payload(issuedAt)
	if err := pl.check(); err != nil {
		return Payload{}, refuse(ErrInvalid, "%w", err)
	}
	p.verified.put(ks, id, pl)
	if err := p.checkExpiry(pl); err != nil {
		return Payload{}, err
	}
	return pl, nil
}

// checkExpiry refuses a payload at or past its expiry.
func (p *Provider) checkExpiry(pl Payload) error {
	if now := p.now(); !now.Before(pl.ExpiresAt) {
		return refuse(ErrExpired, "expired at %s, now %s", pl.ExpiresAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}
