package token

import (
	"errors"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// A project-scoped token of user u1 (domain ud), project p1 in domain pd,
// derived from a token whose chain root is "root".
var sampleToken = TokenValues{
	UserID:             "u1",
	ProjectID:          "p1",
	IdentityDomainID:   "ud",
	AssignmentDomainID: "pd",
	Roles:              []string{"member", "reader"},
	AuditID:            "own",
	AuditChainID:       "root",
	IssuedAt:           t0,
	ExpiresAt:          t0.Add(time.Hour).Truncate(time.Second),
}

func TestMatches(t *testing.T) {
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	trust := sampleToken
	trust.TrustID, trust.TrustorID, trust.TrusteeID = "t1", "trustor", "trustee"
	oauth := sampleToken
	oauth.ConsumerID, oauth.AccessTokenID = "c1", "a1"
	domainScoped := sampleToken
	domainScoped.ProjectID, domainScoped.AssignmentDomainID = "", "d9"

	tests := []struct {
		name  string
		event Event
		token TokenValues
		want  bool
	}{
		{"an empty event revokes everything issued before it", Event{IssuedBefore: at(time.Second)}, sampleToken, true},
		{"issued at the same instant", Event{UserID: "u1", IssuedBefore: t0}, sampleToken, true},
		{"issued a microsecond later", Event{UserID: "u1", IssuedBefore: at(-time.Microsecond)}, sampleToken, false},
		{"user", Event{UserID: "u1", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"other user", Event{UserID: "u2", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"user as trustor", Event{UserID: "trustor", IssuedBefore: at(time.Second)}, trust, true},
		{"user as trustee", Event{UserID: "trustee", IssuedBefore: at(time.Second)}, trust, true},
		{"project", Event{ProjectID: "p1", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"other project", Event{ProjectID: "p2", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"project event, domain-scoped token", Event{ProjectID: "p1", IssuedBefore: at(time.Second)}, domainScoped, false},
		{"user and project", Event{UserID: "u1", ProjectID: "p1", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"user and other project", Event{UserID: "u1", ProjectID: "p2", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"domain: the user's", Event{DomainID: "ud", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"domain: the project's", Event{DomainID: "pd", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"domain: the scope", Event{DomainID: "d9", IssuedBefore: at(time.Second)}, domainScoped, true},
		{"domain: another", Event{DomainID: "x", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"domain scope with expiry: the scope", Event{DomainID: "d9", ExpiresAt: domainScoped.ExpiresAt, IssuedBefore: at(time.Second)}, domainScoped, true},
		{"domain scope with expiry: only the user's domain", Event{DomainID: "ud", ExpiresAt: sampleToken.ExpiresAt, IssuedBefore: at(time.Second)}, sampleToken, false},
		{"expiry to the second", Event{ExpiresAt: sampleToken.ExpiresAt.Add(999 * time.Millisecond), IssuedBefore: at(time.Second)}, sampleToken, true},
		{"other expiry", Event{ExpiresAt: sampleToken.ExpiresAt.Add(time.Second), IssuedBefore: at(time.Second)}, sampleToken, false},
		{"role held", Event{RoleID: "reader", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"role not held", Event{RoleID: "admin", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"user and role on project", Event{UserID: "u1", ProjectID: "p1", RoleID: "member", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"audit id", Event{AuditID: "own", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"audit id of the parent", Event{AuditID: "root", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"audit chain", Event{AuditChainID: "root", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"other audit chain", Event{AuditChainID: "own", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"audit chain on project", Event{AuditChainID: "root", ProjectID: "p1", IssuedBefore: at(time.Second)}, sampleToken, true},
		{"trust", Event{TrustID: "t1", IssuedBefore: at(time.Second)}, trust, true},
		{"trust, token without one", Event{TrustID: "t1", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"consumer", Event{ConsumerID: "c1", IssuedBefore: at(time.Second)}, oauth, true},
		{"consumer, token without one", Event{ConsumerID: "c1", IssuedBefore: at(time.Second)}, sampleToken, false},
		{"access token", Event{AccessTokenID: "a1", IssuedBefore: at(time.Second)}, oauth, true},
		{"other access token", Event{AccessTokenID: "a2", IssuedBefore: at(time.Second)}, oauth, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Matches(tt.event, tt.token); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
			if got := IsRevoked([]Event{{UserID: "nobody", IssuedBefore: t0.Add(time.Hour)}, tt.event}, tt.token); got != tt.want {
				t.Errorf("IsRevoked = %v, want %v", got, tt.want)
			}
		})
	}
	if IsRevoked(nil, sampleToken) {
		t.Error("revoked without events")
	}
}

func TestForCause(t *testing.T) {
	tests := []struct {
		cause Cause
		id    string
		want  Event // without times
	}{
		{TokenRevoked, "own", Event{AuditID: "own"}},
		{UserDeleted, "u1", Event{UserID: "u1"}},
		{UserDisabled, "u1", Event{UserID: "u1"}},
		{PasswordChanged, "u1", Event{UserID: "u1"}},
		{UserRemovedFromGroup, "u1", Event{UserID: "u1"}},
		{GroupDeleted, "u1", Event{UserID: "u1"}},
		{ProjectDeleted, "p1", Event{ProjectID: "p1"}},
		{TrustDeleted, "t1", Event{TrustID: "t1"}},
		{ConsumerDeleted, "c1", Event{ConsumerID: "c1"}},
	}
	revokedAt := t0.Add(time.Minute + 1234567*time.Nanosecond)
	for _, tt := range tests {
		t.Run(string(tt.cause), func(t *testing.T) {
			e, err := ForCause(tt.cause, tt.id, revokedAt)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.RevokedAt = revokedAt.Truncate(time.Microsecond)
			want.IssuedBefore = want.RevokedAt
			if e != want {
				t.Errorf("got %+v, want %+v", e, want)
			}
			// Every cause revokes a token it concerns issued before, not after.
			tok := sampleToken
			tok.TrustID, tok.ConsumerID = "t1", "c1"
			if !Matches(e, tok) {
				t.Error("does not revoke the earlier token")
			}
			tok.IssuedAt = revokedAt.Add(time.Microsecond)
			if Matches(e, tok) {
				t.Error("revokes a later token")
			}
		})
	}
	if _, err := ForCause("role deleted", "r1", t0); err == nil {
		t.Error("unknown cause accepted")
	}
	if _, err := ForCause(UserDeleted, "", t0); err == nil {
		t.Error("empty id accepted")
	}
}

// Regression: keystone cuts revocation times and JWS iat to the second, so
// a token issued in the same second as a password change, after it, is
// revoked by it (tempest sleeps a second to avoid that). Here it stays
// valid, and one issued before the change in that second is revoked.
func TestPasswordChangeRevokesOnlyEarlierTokensInTheSameSecond(t *testing.T) {
	c := &clock{}
	p, _, _ := openProvider(t, c)
	second := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	change := second.Add(500 * time.Millisecond)
	ev, err := ForCause(PasswordChanged, "u1", change)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		issued  time.Time
		revoked bool
	}{
		{"issued earlier in the second", second.Add(200 * time.Millisecond), true},
		{"issued at the same microsecond", change, true},
		{"issued a microsecond after", change.Add(time.Microsecond), false},
		{"issued later in the second", second.Add(900 * time.Millisecond), false},
		{"issued the second before", second.Add(-time.Millisecond), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := NewPayload(tt.issued, time.Hour, Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1"})
			if err != nil {
				t.Fatal(err)
			}
			id := mustIssue(t, p, pl)
			c.t = second.Add(2 * time.Second)
			got, err := p.Validate(id)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckRevoked([]Event{ev}, ValuesOf(got, "ud", "pd", []string{"member"}))
			if !tt.revoked {
				if err != nil {
					t.Fatalf("valid token refused: %v", err)
				}
				return
			}
			assertRefused(t, err, ErrRevoked)
			if nf := NotFound(id, err); fault.KindOf(nf) != fault.NotFound || fault.MessageOf(nf) != MsgFailedToValidate {
				t.Errorf("NotFound: %v %q", fault.KindOf(nf), fault.MessageOf(nf))
			}
		})
	}
}

func TestValuesOf(t *testing.T) {
	base := Payload{UserID: "u1", AuditIDs: []string{"own", "root"}, IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	project, domain, system := base, base, base
	project.ProjectID, domain.DomainID, system.System = "p1", "d1", SystemAll
	tests := []struct {
		name           string
		p              Payload
		wantAssignment string
	}{
		{"unscoped", base, ""},
		{"project", project, "pd"},
		{"domain", domain, "d1"},
		{"system", system, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ValuesOf(tt.p, "ud", "pd", []string{"r1"})
			if v.UserID != "u1" || v.ProjectID != tt.p.ProjectID || v.IdentityDomainID != "ud" || v.AssignmentDomainID != tt.wantAssignment ||
				v.AuditID != "own" || v.AuditChainID != "root" || !v.IssuedAt.Equal(t0) || len(v.Roles) != 1 {
				t.Errorf("got %+v", v)
			}
		})
	}
}

func TestAuditChainEvent(t *testing.T) {
	e, err := AuditChainEvent("root", "p1", "", t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rootToken := sampleToken
	rootToken.AuditID, rootToken.AuditChainID = "root", "root"
	otherChain := sampleToken
	otherChain.AuditID, otherChain.AuditChainID = "x", "x"
	otherProject := sampleToken
	otherProject.ProjectID = "p2"
	for name, tc := range map[string]struct {
		tok  TokenValues
		want bool
	}{
		"derived token": {sampleToken, true},
		"root token":    {rootToken, true},
		"other chain":   {otherChain, false},
		"other project": {otherProject, false},
	} {
		if got := Matches(e, tc.tok); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", name, got, tc.want)
		}
	}
	if _, err := AuditChainEvent("root", "p1", "d1", t0); err == nil {
		t.Error("project and domain accepted")
	}
	if _, err := AuditChainEvent("", "", "", t0); err == nil {
		t.Error("empty chain id accepted")
	}
}

func TestPruneBefore(t *testing.T) {
	got := PruneBefore(t0, time.Hour, DefaultExpirationBuffer)
	if want := t0.Add(-90 * time.Minute); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCheckRevokedNil(t *testing.T) {
	if err := CheckRevoked([]Event{{UserID: "u2", IssuedBefore: t0.Add(time.Hour)}}, sampleToken); err != nil {
		t.Errorf("got %v", err)
	}
	if err := CheckRevoked([]Event{{UserID: "u1", IssuedBefore: t0.Add(time.Hour)}}, sampleToken); !errors.Is(err, ErrRevoked) {
		t.Errorf("got %v, want ErrRevoked", err)
	}
}
