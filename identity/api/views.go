package api

import (
	"net/http"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// Response shapes. Each resource is a map so that the extra attributes
// keystone keeps (anything a client sent beyond the schema) come back at
// the top level, as keystone's to_dict merges extra.

func withExtra(extra map[string]any, v map[string]any) map[string]any {
	out := make(map[string]any, len(extra)+len(v))
	for k, x := range extra {
		out[k] = x
	}
	for k, x := range v {
		out[k] = x
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func domainView(r *http.Request, d store.Domain) map[string]any {
	return withExtra(d.Extra, map[string]any{
		"id": d.ID, "name": d.Name, "description": d.Description, "enabled": d.Enabled,
		"tags": orEmpty(d.Tags), "options": map[string]any{}, "links": selfLinks(r, "domains/"+d.ID),
	})
}

func domainsView(r *http.Request, ds []store.Domain) map[string]any {
	out := make([]map[string]any, len(ds))
	for i, d := range ds {
		out[i] = domainView(r, d)
	}
	return map[string]any{"domains": out, "links": listLinks(r)}
}

func projectView(r *http.Request, p store.Project) map[string]any {
	return withExtra(p.Extra, map[string]any{
		"id": p.ID, "name": p.Name, "domain_id": p.DomainID, "description": p.Description, "enabled": p.Enabled,
		"parent_id": p.Parent(), "is_domain": false, "tags": orEmpty(p.Tags), "options": orEmptyMap(p.Options),
		"links": selfLinks(r, "projects/"+p.ID),
	})
}

func projectsView(r *http.Request, ps []store.Project) map[string]any {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i] = projectView(r, p)
	}
	return map[string]any{"projects": out, "links": listLinks(r)}
}

func userView(r *http.Request, u store.User) map[string]any {
	v := withExtra(u.Extra, map[string]any{
		"id": u.ID, "name": u.Name, "domain_id": u.DomainID, "enabled": u.Enabled,
		"password_expires_at": timefmt.Nullable(timefmt.MicrosZ, u.PasswordExpiresAt),
		"options":             orEmptyMap(u.Options), "links": selfLinks(r, "users/"+u.ID),
	})
	if u.DefaultProjectID != "" {
		v["default_project_id"] = u.DefaultProjectID
	}
	return v
}

func usersView(r *http.Request, us []store.User) map[string]any {
	out := make([]map[string]any, len(us))
	for i, u := range us {
		out[i] = userView(r, u)
	}
	return map[string]any{"users": out, "links": listLinks(r)}
}

func groupView(r *http.Request, g store.Group) map[string]any {
	return withExtra(g.Extra, map[string]any{
		"id": g.ID, "name": g.Name, "domain_id": g.DomainID, "description": g.Description,
		"links": selfLinks(r, "groups/"+g.ID),
	})
}

func groupsView(r *http.Request, gs []store.Group) map[string]any {
	out := make([]map[string]any, len(gs))
	for i, g := range gs {
		out[i] = groupView(r, g)
	}
	return map[string]any{"groups": out, "links": listLinks(r)}
}

func roleView(r *http.Request, ro store.Role) map[string]any {
	v := withExtra(ro.Extra, map[string]any{
		"id": ro.ID, "name": ro.Name, "domain_id": nullStr(ro.DomainID), "description": ro.Description,
		"options": orEmptyMap(ro.Options), "links": selfLinks(r, "roles/"+ro.ID),
	})
	return v
}

func rolesView(r *http.Request, rs []store.Role) map[string]any {
	out := make([]map[string]any, len(rs))
	for i, ro := range rs {
		out[i] = roleView(r, ro)
	}
	return map[string]any{"roles": out, "links": listLinks(r)}
}
