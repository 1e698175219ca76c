package token

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"
)

var (
	t0        = time.Date(2024, 5, 1, 12, 0, 0, 250_000_000, time.UTC)
	auditIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)
)

func TestNewAuditID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewAuditID()
		if !auditIDRe.MatchString(id) {
			t.Fatalf("audit id %q is not 22 URL-safe base64 characters", id)
		}
		if seen[id] {
			t.Fatalf("audit id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestNewPayload(t *testing.T) {
	parent := Payload{
		UserID:    "u1",
		Methods:   []string{"password"},
		AuditIDs:  []string{"parentAuditIdAAAAAAAAA"},
		IssuedAt:  t0.Add(-10 * time.Minute),
		ExpiresAt: t0.Add(50 * time.Minute).Truncate(time.Second),
	}
	rescoped := parent
	rescoped.AuditIDs = []string{"childAuditIdAAAAAAAAAA", "rootAuditIdAAAAAAAAAAA"}
	rescoped.Methods = []string{"token", "password"}
	appCredParent := parent
	appCredParent.Methods = []string{"application_credential"}
	appCredParent.AppCredID = "ac1"

	tests := []struct {
		name          string
		req           Request
		wantUser      string
		wantMethods   []string
		wantParentAID string // "" when the token must have one audit id
		wantExpires   time.Time
		wantAppCred   string
		wantErr       bool
	}{
		{
			name:        "password, project scope",
			req:         Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1"},
			wantUser:    "u1",
			wantMethods: []string{"password"},
			wantExpires: time.Date(2024, 5, 1, 13, 0, 0, 0, time.UTC),
		},
		{
			name:        "duplicate methods collapse",
			req:         Request{UserID: "u1", Methods: []string{"password", "totp", "password"}},
			wantUser:    "u1",
			wantMethods: []string{"password", "totp"},
			wantExpires: time.Date(2024, 5, 1, 13, 0, 0, 0, time.UTC),
		},
		{
			name:          "token method keeps parent's expiry, user, methods and audit chain",
			req:           Request{Methods: []string{"token"}, ProjectID: "p2", Parent: &parent},
			wantUser:      "u1",
			wantMethods:   []string{"token", "password"},
			wantParentAID: "parentAuditIdAAAAAAAAA",
			wantExpires:   parent.ExpiresAt,
		},
		{
			name:          "rescoping a rescoped token chains to the root",
			req:           Request{Methods: []string{"token"}, DomainID: "d1", Parent: &rescoped},
			wantUser:      "u1",
			wantMethods:   []string{"token", "password"},
			wantParentAID: "rootAuditIdAAAAAAAAAAA",
			wantExpires:   parent.ExpiresAt,
		},
		{
			name:          "application credential restriction carries over",
			req:           Request{Methods: []string{"token"}, Parent: &appCredParent},
			wantUser:      "u1",
			wantMethods:   []string{"token", "application_credential"},
			wantParentAID: "parentAuditIdAAAAAAAAA",
			wantExpires:   parent.ExpiresAt,
			wantAppCred:   "ac1",
		},
		{
			name:        "application credential expiring first caps the token (CVE-2022-2447)",
			req:         Request{UserID: "u1", Methods: []string{"application_credential"}, AppCredID: "ac1", AppCredExpiresAt: t0.Add(10*time.Minute + 300*time.Millisecond)},
			wantUser:    "u1",
			wantMethods: []string{"application_credential"},
			wantExpires: time.Date(2024, 5, 1, 12, 10, 0, 0, time.UTC),
			wantAppCred: "ac1",
		},
		{
			name:        "application credential expiring later does not extend",
			req:         Request{UserID: "u1", Methods: []string{"application_credential"}, AppCredID: "ac1", AppCredExpiresAt: t0.Add(48 * time.Hour)},
			wantUser:    "u1",
			wantMethods: []string{"application_credential"},
			wantExpires: time.Date(2024, 5, 1, 13, 0, 0, 0, time.UTC),
			wantAppCred: "ac1",
		},
		{name: "another user's token", req: Request{UserID: "u2", Methods: []string{"token"}, Parent: &parent}, wantErr: true},
		{name: "no user", req: Request{Methods: []string{"password"}}, wantErr: true},
		{name: "no method", req: Request{UserID: "u1"}, wantErr: true},
		{name: "two scopes", req: Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1", DomainID: "d1"}, wantErr: true},
		{name: "bad system scope", req: Request{UserID: "u1", Methods: []string{"password"}, System: "some"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPayload(t0, time.Hour, tt.req)
			if tt.wantErr {
				if !errors.Is(err, errPayload) {
					t.Fatalf("got %+v, %v; want errPayload", p, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.UserID != tt.wantUser || !slices.Equal(p.Methods, tt.wantMethods) || p.AppCredID != tt.wantAppCred {
				t.Errorf("got user %q methods %q app cred %q", p.UserID, p.Methods, p.AppCredID)
			}
			if !auditIDRe.MatchString(p.AuditID()) || p.AuditID() == tt.wantParentAID {
				t.Errorf("own audit id %q", p.AuditID())
			}
			if p.ParentAuditID() != tt.wantParentAID {
				t.Errorf("parent audit id %q, want %q", p.ParentAuditID(), tt.wantParentAID)
			}
			if !p.IssuedAt.Equal(t0) {
				t.Errorf("issued at %v, want %v", p.IssuedAt, t0)
			}
			if !p.ExpiresAt.Equal(tt.wantExpires) {
				t.Errorf("expires at %v, want %v", p.ExpiresAt, tt.wantExpires)
			}
			if p.ProjectID != tt.req.ProjectID || p.DomainID != tt.req.DomainID {
				t.Errorf("scope %q/%q, want the requested one", p.ProjectID, p.DomainID)
			}
		})
	}
}

func TestPayloadAuditAccessors(t *testing.T) {
	tests := []struct {
		ids                  []string
		own, parent, chainID string
	}{
		{nil, "", "", ""},
		{[]string{"a"}, "a", "", "a"},
		{[]string{"a", "root"}, "a", "root", "root"},
	}
	for _, tt := range tests {
		p := Payload{AuditIDs: tt.ids}
		if p.AuditID() != tt.own || p.ParentAuditID() != tt.parent || p.AuditChainID() != tt.chainID {
			t.Errorf("%q: got %q %q %q", tt.ids, p.AuditID(), p.ParentAuditID(), p.AuditChainID())
		}
	}
	if !(Payload{}).Unscoped() || (Payload{System: SystemAll}).Unscoped() {
		t.Error("Unscoped")
	}
}
