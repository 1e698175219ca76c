package auth

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestDecodeToken(t *testing.T) {
	project := `{"token": {"methods": ["password"], "user": {"id": "u1", "name": "alice", "domain": {"id": "default", "name": "Default"}, "password_expires_at": null},
		"audit_ids": ["a1"], "expires_at": "2030-01-02T03:04:05.000000Z", "issued_at": "2030-01-02T02:04:05.000000Z",
		"project": {"id": "p1", "name": "demo", "domain": {"id": "d1", "name": "Dom"}}, "is_domain": false,
		"roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}],
		"catalog": [{"id": "s1", "type": "image", "name": "glance", "endpoints": [
			{"id": "e1", "interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://glance:9292"},
			{"id": "e2", "interface": "internal", "region_id": null, "region": null, "url": "http://glance-int:9292"}]}]}}`
	tok, err := decodeToken([]byte(project))
	if err != nil {
		t.Fatal(err)
	}
	want := Token{
		UserID: "u1", UserName: "alice", UserDomainID: "default", UserDomainName: "Default",
		ProjectID: "p1", ProjectName: "demo", ProjectDomainID: "d1", ProjectDomainName: "Dom",
		Roles: []string{"member", "reader"}, IsAdminProject: true, Methods: []string{"password"}, AuditIDs: []string{"a1"},
		ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), IssuedAt: time.Date(2030, 1, 2, 2, 4, 5, 0, time.UTC),
	}
	if tok.UserID != want.UserID || tok.UserName != want.UserName || tok.UserDomainID != want.UserDomainID ||
		tok.UserDomainName != want.UserDomainName || tok.ProjectID != want.ProjectID || tok.ProjectName != want.ProjectName ||
		tok.ProjectDomainID != want.ProjectDomainID || tok.ProjectDomainName != want.ProjectDomainName ||
		!slices.Equal(tok.Roles, want.Roles) || tok.IsAdminProject != want.IsAdminProject ||
		!tok.ExpiresAt.Equal(want.ExpiresAt) || !tok.IssuedAt.Equal(want.IssuedAt) ||
		!slices.Equal(tok.AuditIDs, want.AuditIDs) || !slices.Equal(tok.Methods, want.Methods) {
		t.Errorf("got %+v\nwant %+v", *tok, want)
	}
	if !tok.Scoped() || tok.DomainID != "" || tok.SystemScope != "" {
		t.Errorf("scope: %+v", *tok)
	}
	if len(tok.Catalog) != 1 || len(tok.Catalog[0].Endpoints) != 2 || tok.Catalog[0].Endpoints[1].RegionID != "" {
		t.Errorf("catalog %+v", tok.Catalog)
	}
	if !tok.HasAnyRole([]string{"service", "reader"}) || tok.HasAnyRole([]string{"Member", "admin"}) {
		t.Error("HasAnyRole")
	}

	domain, err := decodeToken([]byte(`{"token": {"user": {"id": "u"}, "expires_at": "2030-01-01T00:00:00Z",
		"domain": {"id": "d1", "name": "Dom"}, "roles": [{"id": "r", "name": "admin"}], "is_admin_project": false}}`))
	if err != nil || domain.DomainID != "d1" || domain.DomainName != "Dom" || domain.ProjectID != "" || domain.IsAdminProject {
		t.Errorf("domain token: %+v, %v", domain, err)
	}
	system, err := decodeToken([]byte(`{"token": {"user": {"id": "u"}, "expires_at": "2030-01-01T00:00:00Z", "system": {"all": true}, "roles": []}}`))
	if err != nil || system.SystemScope != "all" || !system.Scoped() {
		t.Errorf("system token: %+v, %v", system, err)
	}
	unscoped, err := decodeToken([]byte(`{"token": {"user": {"id": "u"}, "expires_at": "2030-01-01T00:00:00Z"}}`))
	if err != nil || unscoped.Scoped() || len(unscoped.Roles) != 0 {
		t.Errorf("unscoped token: %+v, %v", unscoped, err)
	}
}

func TestDecodeTokenRefusesNonTokens(t *testing.T) {
	for name, body := range map[string]string{
		"not json":     `<html>`,
		"no token":     `{"error": {"code": 404}}`,
		"no user":      `{"token": {"expires_at": "2030-01-01T00:00:00Z"}}`,
		"no expiry":    `{"token": {"user": {"id": "u"}}}`,
		"bad expiry":   `{"token": {"user": {"id": "u"}, "expires_at": "tomorrow"}}`,
		"bad issuance": `{"token": {"user": {"id": "u"}, "expires_at": "2030-01-01T00:00:00Z", "issued_at": "x"}}`,
	} {
		if _, err := decodeToken([]byte(body)); !errors.Is(err, errTokenBody) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
