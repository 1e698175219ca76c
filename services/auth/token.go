package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// Token is what keystone said about a token (GET /v3/auth/tokens, the
// "token" object of keystone/common/render_token.py), as keystoneauth's
// AccessInfoV3 reads it. It is shared by every request that presents the
// same token while cached: treat it as read-only.
type Token struct {
	UserID, UserName             string
	UserDomainID, UserDomainName string

	ProjectID, ProjectName             string
	ProjectDomainID, ProjectDomainName string
	DomainID, DomainName               string // domain scope
	SystemScope                        string // "all" for a system-scoped token

	Roles          []string // names, implied roles included by keystone
	IsAdminProject bool     // keystone's is_admin_project; true when absent, as keystonemiddleware
	Methods        []string
	AuditIDs       []string
	AppCredID      string
	ExpiresAt      time.Time
	IssuedAt       time.Time
	Catalog        Catalog // empty when validated with ?nocatalog
}

// Scoped reports whether the token has a project, domain or system scope.
func (t *Token) Scoped() bool {
	return t.ProjectID != "" || t.DomainID != "" || t.SystemScope != ""
}

// HasAnyRole reports whether the token holds one of the roles (exact
// names, as keystonemiddleware's service_token_roles check).
func (t *Token) HasAnyRole(roles []string) bool {
	for _, have := range t.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// errTokenBody: keystone answered 2xx with a body that is not a token.
var errTokenBody = errors.New("token body is not a keystone v3 token")

type wireRef struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Domain *wireRef `json:"domain"`
}

type wireToken struct {
	Token *struct {
		Methods        []string        `json:"methods"`
		User           *wireRef        `json:"user"`
		Project        *wireRef        `json:"project"`
		Domain         *wireRef        `json:"domain"`
		System         map[string]bool `json:"system"`
		Roles          []wireRef       `json:"roles"`
		AuditIDs       []string        `json:"audit_ids"`
		ExpiresAt      string          `json:"expires_at"`
		IssuedAt       string          `json:"issued_at"`
		IsAdminProject *bool           `json:"is_admin_project"`
		Catalog        Catalog         `json:"catalog"`
		AppCred        *wireRef        `json:"application_credential"`
	} `json:"token"`
}

// decodeToken reads a keystone v3 token response body.
func decodeToken(body []byte) (*Token, error) {
	var w wireToken
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: %w", errTokenBody, err)
	}
	wt := w.Token
	if wt == nil || wt.User == nil || wt.User.ID == "" {
		return nil, fmt.Errorf("%w: no token.user.id", errTokenBody)
	}
	exp, err := timefmt.Parse(wt.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("%w: expires_at: %w", errTokenBody, err)
	}
	t := &Token{
		UserID: wt.User.ID, UserName: wt.User.Name,
		Methods: wt.Methods, AuditIDs: wt.AuditIDs, ExpiresAt: exp,
		IsAdminProject: wt.IsAdminProject == nil || *wt.IsAdminProject,
		Catalog:        wt.Catalog,
	}
	if wt.IssuedAt != "" {
		if t.IssuedAt, err = timefmt.Parse(wt.IssuedAt); err != nil {
			return nil, fmt.Errorf("%w: issued_at: %w", errTokenBody, err)
		}
	}
	if d := wt.User.Domain; d != nil {
		t.UserDomainID, t.UserDomainName = d.ID, d.Name
	}
	switch {
	case wt.Project != nil:
		t.ProjectID, t.ProjectName = wt.Project.ID, wt.Project.Name
		if d := wt.Project.Domain; d != nil {
			t.ProjectDomainID, t.ProjectDomainName = d.ID, d.Name
		}
	case wt.Domain != nil:
		t.DomainID, t.DomainName = wt.Domain.ID, wt.Domain.Name
	case wt.System["all"]:
		t.SystemScope = "all"
	}
	t.Roles = make([]string, len(wt.Roles))
	for i, r := range wt.Roles {
		t.Roles[i] = r.Name
	}
	if wt.AppCred != nil {
		t.AppCredID = wt.AppCred.ID
	}
	return t, nil
}
