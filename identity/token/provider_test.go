package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gostack/gostack/services/fault"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// openProvider creates a key repository and opens a provider on it.
func openProvider(t *testing.T, c *clock) (p *Provider, privateDir, publicDir string) {
	t.Helper()
	privateDir, publicDir = repo(t)
	if err := CreateKeyPair(privateDir, publicDir, false); err != nil {
		t.Fatal(err)
	}
	p, err := Open(privateDir, publicDir, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return p, privateDir, publicDir
}

func mustPayload(t *testing.T, r Request) Payload {
	t.Helper()
	p, err := NewPayload(t0, time.Hour, r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustIssue(t *testing.T, p *Provider, pl Payload) string {
	t.Helper()
	id, err := p.Issue(pl)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// claimsJSON decodes the payload segment of a token.
func claimsJSON(t *testing.T, id string) map[string]any {
	t.Helper()
	parts := strings.Split(id, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d segments", id, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueValidateRoundTrip(t *testing.T) {
	c := &clock{t0}
	p, _, _ := openProvider(t, c)
	parent := mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})
	tests := []struct {
		name       string
		req        Request
		wantClaims []string
	}{
		{"unscoped", Request{UserID: "u1", Methods: []string{"password"}},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids"}},
		{"project", Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1"},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids", "openstack_project_id"}},
		{"domain", Request{UserID: "u1", Methods: []string{"password", "totp"}, DomainID: "d1"},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids", "openstack_domain_id"}},
		{"system", Request{UserID: "u1", Methods: []string{"password"}, System: SystemAll},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids", "openstack_system"}},
		{"application credential", Request{UserID: "u1", Methods: []string{"application_credential"}, ProjectID: "p1", AppCredID: "ac1"},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids", "openstack_project_id", "openstack_app_cred_id"}},
		{"rescoped", Request{Methods: []string{"token"}, ProjectID: "p2", Parent: &parent},
			[]string{"sub", "iat", "gostack_iat_us", "exp", "openstack_methods", "openstack_audit_ids", "openstack_project_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := mustPayload(t, tt.req)
			id := mustIssue(t, p, want)
			got, err := p.Validate(id)
			if err != nil {
				t.Fatal(err)
			}
			if !equalPayload(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			m := claimsJSON(t, id)
			if keys := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, slices.Sorted(slices.Values(tt.wantClaims))) {
				t.Errorf("claims %q, want %q", keys, tt.wantClaims)
			}
			if m["sub"] != "u1" || m["iat"] != float64(t0.Unix()) || m["gostack_iat_us"] != 250000.0 ||
				m["exp"] != float64(t0.Add(time.Hour).Truncate(time.Second).Unix()) {
				t.Errorf("sub %v iat %v gostack_iat_us %v exp %v", m["sub"], m["iat"], m["gostack_iat_us"], m["exp"])
			}
		})
	}
}

func equalPayload(a, b Payload) bool {
	return a.UserID == b.UserID && slices.Equal(a.Methods, b.Methods) && slices.Equal(a.AuditIDs, b.AuditIDs) &&
		a.IssuedAt.Equal(b.IssuedAt) && a.ExpiresAt.Equal(b.ExpiresAt) && a.ProjectID == b.ProjectID &&
		a.DomainID == b.DomainID && a.System == b.System && a.AppCredID == b.AppCredID
}

func TestIssuedAtKeepsMicroseconds(t *testing.T) {
	p, _, _ := openProvider(t, &clock{t0})
	tests := []struct {
		name    string
		issued  time.Time
		wantUS  any // the gostack_iat_us claim; nil when left out
		wantIat time.Time
	}{
		{"microseconds", time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC), 123456.0, time.Date(2024, 5, 1, 12, 0, 0, 123456000, time.UTC)},
		{"one microsecond", time.Date(2024, 5, 1, 12, 0, 0, 1000, time.UTC), 1.0, time.Date(2024, 5, 1, 12, 0, 0, 1000, time.UTC)},
		{"whole second", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), nil, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})
			pl.IssuedAt = tt.issued
			id := mustIssue(t, p, pl)
			m := claimsJSON(t, id)
			if m["iat"] != 1714564800.0 || m["gostack_iat_us"] != tt.wantUS {
				t.Errorf("iat %v gostack_iat_us %v", m["iat"], m["gostack_iat_us"])
			}
			got, err := p.Validate(id)
			if err != nil {
				t.Fatal(err)
			}
			if !got.IssuedAt.Equal(tt.wantIat) {
				t.Errorf("issued at %v, want %v", got.IssuedAt, tt.wantIat)
			}
		})
	}
}

// A token as keystone's JWS provider writes it (integer iat) validates.
func TestValidateKeystoneToken(t *testing.T) {
	c := &clock{t0}
	p, _, _ := openProvider(t, c)
	signer := p.keys.Load().signer
	id, err := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"sub":                  "6d0ff3fa3ba2413ea6a8c3a73f5e2f6f",
		"iat":                  1714564790,
		"exp":                  1714568390,
		"openstack_methods":    []string{"password"},
		"openstack_audit_ids":  []string{"kH2W6nU3T8y0Kc1bS2uJ0w"},
		"openstack_project_id": "0f5f3fbb1c824a3b8a4f1a3f0a0c6d4e",
	}).SignedString(signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Validate(id)
	if err != nil {
		t.Fatal(err)
	}
	want := Payload{
		UserID: "6d0ff3fa3ba2413ea6a8c3a73f5e2f6f", Methods: []string{"password"},
		AuditIDs: []string{"kH2W6nU3T8y0Kc1bS2uJ0w"}, IssuedAt: time.Unix(1714564790, 0), ExpiresAt: time.Unix(1714568390, 0),
		ProjectID: "0f5f3fbb1c824a3b8a4f1a3f0a0c6d4e",
	}
	if !equalPayload(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestValidateRefuses(t *testing.T) {
	c := &clock{t0}
	p, _, pubDir := openProvider(t, c)
	signer := p.keys.Load().signer
	good := mustIssue(t, p, mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1"}))
	parts := strings.Split(good, ".")
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{
			"sub": "u1", "iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix(),
			"openstack_methods": []string{"password"}, "openstack_audit_ids": []string{"kH2W6nU3T8y0Kc1bS2uJ0w"},
		}
	}
	withBoth := func(k1 string, v1 any, k2 string, v2 any) jwt.MapClaims {
		m := valid()
		m[k1], m[k2] = v1, v2
		return m
	}
	with := func(k string, v any) jwt.MapClaims {
		m := valid()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		id, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	pubPEM, err := os.ReadFile(filepath.Join(pubDir, "public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := parsePrivateKey(readTestdata(t, "pkcs8-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	p384, err := jwt.ParseECPrivateKeyFromPEM(readTestdata(t, "p384-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	tamperedClaims := claimsJSON(t, good)
	tamperedClaims["sub"] = "admin"
	tamperedJSON, _ := json.Marshal(tamperedClaims)

	tests := []struct {
		name string
		id   string
	}{
		{"empty", ""},
		{"garbage", "not-a-token"},
		{"too long", strings.Repeat("a", maxTokenLen+1)},
		{"alg none", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."},
		{"alg none, signature kept", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]},
		{"HS256 keyed with the public key", sign(jwt.SigningMethodHS256, pubPEM, valid())},
		{"ES384", sign(jwt.SigningMethodES384, p384, valid())},
		{"signed by a key not in the repository", sign(jwt.SigningMethodES256, foreign, valid())},
		{"claims tampered", parts[0] + "." + b64(tamperedJSON) + "." + parts[2]},
		{"signature cut", parts[0] + "." + parts[1] + "." + parts[2][:20]},
		{"no iat", sign(jwt.SigningMethodES256, signer, with("iat", nil))},
		{"no exp", sign(jwt.SigningMethodES256, signer, with("exp", nil))},
		{"iat a string", sign(jwt.SigningMethodES256, signer, with("iat", "1714564800"))},
		{"microseconds out of range", sign(jwt.SigningMethodES256, signer, with("gostack_iat_us", 1000000))},
		{"negative microseconds", sign(jwt.SigningMethodES256, signer, with("gostack_iat_us", -1))},
		{"microseconds on a fractional iat", sign(jwt.SigningMethodES256, signer, withBoth("iat", 1714564800.5, "gostack_iat_us", 1))},
		{"microseconds not a number", sign(jwt.SigningMethodES256, signer, with("gostack_iat_us", "1"))},
		{"no sub", sign(jwt.SigningMethodES256, signer, with("sub", nil))},
		{"no methods", sign(jwt.SigningMethodES256, signer, with("openstack_methods", nil))},
		{"no audit ids", sign(jwt.SigningMethodES256, signer, with("openstack_audit_ids", nil))},
		{"three audit ids", sign(jwt.SigningMethodES256, signer, with("openstack_audit_ids", []string{"a", "b", "c"}))},
		{"two scopes", sign(jwt.SigningMethodES256, signer, withBoth("openstack_domain_id", "d1", "openstack_project_id", "p1"))},
		{"trust token", sign(jwt.SigningMethodES256, signer, with("openstack_trust_id", "t1"))},
		{"federated token", sign(jwt.SigningMethodES256, signer, with("openstack_group_ids", []map[string]string{{"id": "g1"}}))},
		{"OAuth 1 token", sign(jwt.SigningMethodES256, signer, with("openstack_access_token_id", "a1"))},
		{"OAuth 2 token", sign(jwt.SigningMethodES256, signer, with("openstack_thumbprint", "x"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Validate(tt.id)
			assertRefused(t, err, ErrInvalid)
			nf := NotFound(tt.id, err)
			if fault.KindOf(nf) != fault.NotFound || fault.MessageOf(nf) != "Could not find token: "+tt.id+"." {
				t.Errorf("NotFound: %v %q", fault.KindOf(nf), fault.MessageOf(nf))
			}
		})
	}
	if _, err := p.Validate(good); err != nil {
		t.Fatalf("the good token: %v", err)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func assertRefused(t *testing.T, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("got %v, want %v", err, sentinel)
	}
	if fault.KindOf(err) != fault.Unauthorized || fault.MessageOf(err) != MsgUnauthorized {
		t.Errorf("got kind %v message %q, want keystone's 401", fault.KindOf(err), fault.MessageOf(err))
	}
	for _, other := range []error{ErrInvalid, ErrExpired, ErrRevoked} {
		if other != sentinel && errors.Is(err, other) {
			t.Errorf("%v also matches %v", err, other)
		}
	}
}

func TestValidateExpiry(t *testing.T) {
	c := &clock{t0}
	p, _, _ := openProvider(t, c)
	pl := mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})
	id := mustIssue(t, p, pl)
	tests := []struct {
		name    string
		now     time.Time
		expired bool
	}{
		{"just issued", t0, false},
		{"a microsecond before expiry", pl.ExpiresAt.Add(-time.Microsecond), false},
		{"at expiry", pl.ExpiresAt, true},
		{"after expiry", pl.ExpiresAt.Add(time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = tt.now
			_, err := p.Validate(id)
			if !tt.expired {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertRefused(t, err, ErrExpired)
			nf := NotFound(id, err)
			if fault.KindOf(nf) != fault.NotFound || fault.MessageOf(nf) != MsgFailedToValidate {
				t.Errorf("NotFound: %v %q", fault.KindOf(nf), fault.MessageOf(nf))
			}
		})
	}
}

func TestIssueRefusesIncompletePayloads(t *testing.T) {
	p, _, _ := openProvider(t, &clock{t0})
	good := mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})
	tests := []struct {
		name   string
		change func(*Payload)
	}{
		{"no user", func(p *Payload) { p.UserID = "" }},
		{"no methods", func(p *Payload) { p.Methods = nil }},
		{"no audit id", func(p *Payload) { p.AuditIDs = nil }},
		{"empty audit id", func(p *Payload) { p.AuditIDs = []string{""} }},
		{"no issued at", func(p *Payload) { p.IssuedAt = time.Time{} }},
		{"no expiry", func(p *Payload) { p.ExpiresAt = time.Time{} }},
		{"project and system", func(p *Payload) { p.ProjectID, p.System = "p1", SystemAll }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := good
			tt.change(&pl)
			if _, err := p.Issue(pl); !errors.Is(err, errPayload) {
				t.Fatalf("got %v, want errPayload", err)
			}
		})
	}
}

func TestValidateOnlyProvider(t *testing.T) {
	signing, _, _ := openProvider(t, &clock{t0})
	id := mustIssue(t, signing, mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}}))
	ks, err := NewKeySet(nil, &signing.keys.Load().signer.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := New(ks, (&clock{t0}).now)
	if _, err := p.Validate(id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Issue(mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})); err == nil {
		t.Error("a provider without a private key issued a token")
	}
	if err := p.Reload(); !errors.Is(err, errNoRepository) {
		t.Errorf("Reload: got %v, want errNoRepository", err)
	}
}

// Tokens name their key in a kid header; the kid only orders the keys
// tried, so a token with a stale or foreign kid still validates when any
// held key verifies it, and a kid cannot make an unheld key acceptable.
func TestKeyIDHeader(t *testing.T) {
	c := &clock{t0}
	p, priv, pub := openProvider(t, c)
	oldKS := p.keys.Load()
	id := mustIssue(t, p, mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}}))
	header := func(id string) map[string]any {
		raw, err := base64.RawURLEncoding.DecodeString(strings.Split(id, ".")[0])
		if err != nil {
			t.Fatal(err)
		}
		h := map[string]any{}
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := header(id); h["alg"] != "ES256" || h["kid"] != oldKS.signerKID || len(oldKS.signerKID) != 22 {
		t.Fatalf("header %v", h)
	}
	if _, err := Rotate(priv, pub, 2); err != nil {
		t.Fatal(err)
	}
	if err := p.Reload(); err != nil {
		t.Fatal(err)
	}
	newKID := p.keys.Load().signerKID
	foreign, err := parsePrivateKey(readTestdata(t, "pkcs8-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	signWithKID := func(key any, kid string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, claimsOf(mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})))
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name  string
		id    string
		valid bool
	}{
		{"old key, its kid", id, true},
		{"old key, the new key's kid", signWithKID(oldKS.signer, newKID), true},
		{"old key, unknown kid", signWithKID(oldKS.signer, "nope"), true},
		{"unheld key, the new key's kid", signWithKID(foreign, newKID), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Validate(tt.id)
			if tt.valid && err != nil {
				t.Fatal(err)
			}
			if !tt.valid {
				assertRefused(t, err, ErrInvalid)
			}
		})
	}
}
