package api

import (
	"context"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// Token rendering, keystone/common/render_token.py.

type refView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type scopedRefView struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Domain refView `json:"domain"`
}

type tokenUserView struct {
	ID                string  `json:"id"`
	Name              string  `json:"name"`
	Domain            refView `json:"domain"`
	PasswordExpiresAt *string `json:"password_expires_at"`
}

type appCredRefView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Restricted bool   `json:"restricted"`
}

type tokenView struct {
	Methods   []string        `json:"methods"`
	User      tokenUserView   `json:"user"`
	AuditIDs  []string        `json:"audit_ids"`
	ExpiresAt string          `json:"expires_at"`
	IssuedAt  string          `json:"issued_at"`
	Project   *scopedRefView  `json:"project,omitempty"`
	Domain    *refView        `json:"domain,omitempty"`
	System    map[string]bool `json:"system,omitempty"`
	IsDomain  *bool           `json:"is_domain,omitempty"`
	Roles     []refView       `json:"roles,omitempty"`
	Catalog   []catalogView   `json:"catalog,omitempty"`
	AppCred   *appCredRefView `json:"application_credential,omitempty"`
}

type catalogEndpointView struct {
	ID        string `json:"id"`
	Interface string `json:"interface"`
	RegionID  any    `json:"region_id"`
	URL       string `json:"url"`
	Region    any    `json:"region"`
}

type catalogView struct {
	Endpoints []catalogEndpointView `json:"endpoints"`
	ID        string                `json:"id"`
	Type      string                `json:"type"`
	Name      string                `json:"name"`
}

// catalogOf renders the catalog for a token: endpoint URL templates are
// filled from subs (catalogSubstitutions); an endpoint whose template
// names a value the token lacks is left out, and so is a service left
// without endpoints, as keystone does.
func catalogOf(entries []store.CatalogEntry, subs map[string]string) []catalogView {
	out := make([]catalogView, 0, len(entries))
	for _, e := range entries {
		cv := catalogView{ID: e.Service.ID, Type: e.Service.Type, Name: e.Service.Name, Endpoints: []catalogEndpointView{}}
		for _, ep := range e.Endpoints {
			url, ok := formatEndpointURL(ep.URL, subs)
			if !ok {
				continue
			}
			cv.Endpoints = append(cv.Endpoints, catalogEndpointView{
				ID: ep.ID, Interface: ep.Interface, RegionID: nullStr(ep.RegionID), URL: url, Region: nullStr(ep.RegionID),
			})
		}
		if len(e.Endpoints) > 0 && len(cv.Endpoints) == 0 {
			continue
		}
		out = append(out, cv)
	}
	return out
}

// renderToken builds the body of a token response.
func (a *API) renderToken(ctx context.Context, t *tokenInfo, withCatalog bool) (map[string]tokenView, error) {
	p := t.Payload
	v := tokenView{
		Methods:   p.Methods,
		User:      tokenUserView{ID: t.User.ID, Name: t.User.Name, Domain: refView{ID: t.UserDomain.ID, Name: t.UserDomain.Name}},
		AuditIDs:  p.AuditIDs,
		ExpiresAt: timefmt.MicrosZ(p.ExpiresAt),
		IssuedAt:  timefmt.MicrosZ(p.IssuedAt),
	}
	if t.User.PasswordExpiresAt != nil {
		s := timefmt.MicrosZ(*t.User.PasswordExpiresAt)
		v.User.PasswordExpiresAt = &s
	}
	switch {
	case t.Project != nil:
		v.Project = &scopedRefView{ID: t.Project.ID, Name: t.Project.Name, Domain: refView{ID: t.ProjectDomain.ID, Name: t.ProjectDomain.Name}}
		f := false
		v.IsDomain = &f
	case t.Domain != nil:
		v.Domain = &refView{ID: t.Domain.ID, Name: t.Domain.Name}
	case p.System != "":
		v.System = map[string]bool{"all": true}
	}
	if !p.Unscoped() {
		v.Roles = make([]refView, len(t.Roles))
		for i, r := range t.Roles {
			v.Roles[i] = refView{ID: r.ID, Name: r.Name}
		}
		if withCatalog {
			entries, err := a.catalogFor(ctx, t)
			if err != nil {
				return nil, err
			}
			v.Catalog = catalogOf(entries, catalogSubstitutions(t))
			if v.Catalog == nil {
				v.Catalog = []catalogView{}
			}
		}
	}
	if p.AppCredID != "" {
		ac, err := a.store.GetAppCred(ctx, p.AppCredID)
		if err == nil {
			v.AppCred = &appCredRefView{ID: ac.ID, Name: ac.Name, Restricted: !ac.Unrestricted}
		}
	}
	return map[string]tokenView{"token": v}, nil
}
