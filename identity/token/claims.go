package token

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claims is the JWS payload, with keystone's claim names
// (keystone/token/providers/jws/core.py, JWSFormatter.create_token), and
// one of ours, ignored by keystone: the microseconds of the issue time.
type claims struct {
	Subject   string      `json:"sub"`
	IssuedAt  numericDate `json:"iat"`
	IssuedUS  int64       `json:"gostack_iat_us,omitempty"`
	ExpiresAt numericDate `json:"exp"`
	Methods   []string    `json:"openstack_methods"`
	AuditIDs  []string    `json:"openstack_audit_ids"`
	System    string      `json:"openstack_system,omitempty"`
	DomainID  string      `json:"openstack_domain_id,omitempty"`
	ProjectID string      `json:"openstack_project_id,omitempty"`
	AppCredID string      `json:"openstack_app_cred_id,omitempty"`

	// Keystone claims this provider does not support; read only to refuse
	// a token that carries them.
	TrustID       json.RawMessage `json:"openstack_trust_id,omitempty"`
	GroupIDs      json.RawMessage `json:"openstack_group_ids,omitempty"`
	IdPID         json.RawMessage `json:"openstack_idp_id,omitempty"`
	ProtocolID    json.RawMessage `json:"openstack_protocol_id,omitempty"`
	AccessTokenID json.RawMessage `json:"openstack_access_token_id,omitempty"`
	Thumbprint    json.RawMessage `json:"openstack_thumbprint,omitempty"`
}

// unsupported names the first unsupported claim present with a value.
func (c *claims) unsupported() string {
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{
		{"openstack_trust_id", c.TrustID},
		{"openstack_group_ids", c.GroupIDs},
		{"openstack_idp_id", c.IdPID},
		{"openstack_protocol_id", c.ProtocolID},
		{"openstack_access_token_id", c.AccessTokenID},
		{"openstack_thumbprint", c.Thumbprint},
	} {
		if len(f.v) > 0 && string(f.v) != "null" {
			return f.name
		}
	}
	return ""
}

func claimsOf(p Payload) *claims {
	return &claims{
		Subject:   p.UserID,
		IssuedAt:  dateOf(p.IssuedAt.Truncate(time.Second)),
		IssuedUS:  int64(p.IssuedAt.Nanosecond() / 1000),
		ExpiresAt: dateOf(p.ExpiresAt),
		Methods:   p.Methods,
		AuditIDs:  p.AuditIDs,
		System:    p.System,
		DomainID:  p.DomainID,
		ProjectID: p.ProjectID,
		AppCredID: p.AppCredID,
	}
}

// issuedAt joins iat and gostack_iat_us.
func (c *claims) issuedAt() (time.Time, error) {
	if c.IssuedUS == 0 {
		return c.IssuedAt.t, nil
	}
	if c.IssuedUS < 0 || c.IssuedUS > 999999 || c.IssuedAt.t.Nanosecond() != 0 {
		return time.Time{}, fmt.Errorf("gostack_iat_us %d with iat %s", c.IssuedUS, c.IssuedAt.t)
	}
	return c.IssuedAt.t.Add(time.Duration(c.IssuedUS) * time.Microsecond), nil
}

func (c *claims) payload(issuedAt time.Time) Payload {
	return Payload{
		UserID:    c.Subject,
		Methods:   c.Methods,
		AuditIDs:  c.AuditIDs,
		IssuedAt:  issuedAt,
		ExpiresAt: c.ExpiresAt.t,
		ProjectID: c.ProjectID,
		DomainID:  c.DomainID,
		System:    c.System,
		AppCredID: c.AppCredID,
	}
}

// The jwt.Claims interface. Claims validation is switched off in the
// parser (Validate checks expiry against the injected clock), so these only
// satisfy the interface.

func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.jwt(), nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt.jwt(), nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (c *claims) GetIssuer() (string, error)                   { return "", nil }
func (c *claims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

func (d numericDate) jwt() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return jwt.NewNumericDate(d.t)
}
