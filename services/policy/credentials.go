package policy

import "strings"

// Credentials are the caller's attributes that checks read: what
// oslo.context's RequestContext.to_policy_values gives, plus is_admin for
// services whose contexts carry it. The auth middleware fills them from
// the validated token.
//
// An empty string field is "unset"; as in oslo, where the key is present
// with the value None, a generic check on it compares "None".
type Credentials struct {
	UserID          string
	UserDomainID    string
	ProjectID       string // project scope
	ProjectDomainID string
	DomainID        string   // domain scope
	System          string   // system scope: "all", or "" when not system-scoped
	Roles           []string // role names, implied roles already expanded
	IsAdmin         bool     // the context's is_admin (nova, cinder, glance); false in keystone
	// IsAdminProject is the token's is_admin_project. oslo.context
	// defaults it to true; keystone makes it false only for project tokens
	// outside [resource] admin_project_name when that is configured.
	IsAdminProject bool
	// Extra holds any further attributes a service's checks read, by
	// name; values may be nested maps and lists (e.g. service_user_id,
	// service_roles).
	Extra map[string]any
}

// Scope is the token's scope as oslo.policy's _enforce_scope decides it:
// "system" if System is set, "domain" if DomainID is set, else "project".
func (c *Credentials) Scope() string {
	switch {
	case c.System != "":
		return "system"
	case c.DomainID != "":
		return "domain"
	}
	return "project"
}

// hasRole reports whether the credentials hold the role, ignoring case as
// oslo's RoleCheck does.
func (c *Credentials) hasRole(name string) bool {
	for _, r := range c.Roles {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// attr is a compiled credential path, the kind of a generic check.
type attr struct {
	field field
	rest  []string // path after the first segment
	path  []string // the whole path, for Extra
}

type field int

const (
	fieldExtra field = iota
	fieldUserID
	fieldUserDomainID
	fieldProjectID
	fieldProjectDomainID
	fieldDomainID
	fieldSystemScope
	fieldSystem
	fieldRoles
	fieldIsAdmin
	fieldIsAdminProject
	fieldToken
)

var fieldNames = map[string]field{
	"user_id":           fieldUserID,
	"user_domain_id":    fieldUserDomainID,
	"project_id":        fieldProjectID,
	"project_domain_id": fieldProjectDomainID,
	"domain_id":         fieldDomainID,
	"system_scope":      fieldSystemScope,
	"system":            fieldSystem,
	"roles":             fieldRoles,
	"is_admin":          fieldIsAdmin,
	"is_admin_project":  fieldIsAdminProject,
	"token":             fieldToken,
}

func compileAttr(path []string) attr {
	return attr{field: fieldNames[path[0]], rest: path[1:], path: path}
}

// matches walks the credentials along the path as oslo's
// GenericCheck._find_in_dict does and compares the value found with want.
func (a *attr) matches(c *Credentials, want string) bool {
	scalar := func(v string) bool { return len(a.rest) == 0 && v == want }
	str := func(v string) bool {
		if v == "" {
			return scalar("None")
		}
		return scalar(v)
	}
	switch a.field {
	case fieldUserID:
		return str(c.UserID)
	case fieldUserDomainID:
		return str(c.UserDomainID)
	case fieldProjectID:
		return str(c.ProjectID)
	case fieldProjectDomainID:
		return str(c.ProjectDomainID)
	case fieldDomainID:
		return str(c.DomainID)
	case fieldSystemScope:
		return str(c.System)
	case fieldSystem:
		// oslo copies system_scope to "system" only when it is set.
		return c.System != "" && scalar(c.System)
	case fieldIsAdmin:
		return scalar(pyBool(c.IsAdmin))
	case fieldIsAdminProject:
		return scalar(pyBool(c.IsAdminProject))
	case fieldRoles:
		if len(a.rest) != 0 {
			return false
		}
		for _, r := range c.Roles {
			if r == want {
				return true
			}
		}
		return false
	case fieldToken:
		if v, ok := c.Extra["token"]; ok {
			return findIn(v, a.rest, want)
		}
		return tokenMatches(c, a.rest, want)
	}
	v, ok := c.Extra[a.path[0]]
	return ok && findIn(v, a.rest, want)
}

// tokenMatches answers checks on keystone's rendered token
// (keystone/common/render_token.py), which keystone puts in the policy
// credentials as "token", from the credentials' own fields: token.user.id,
// token.user.domain.id, token.project.id, token.project.domain.id,
// token.domain.id, token.system.all, token.is_admin_project and
// token.roles.name. A part the token would not have (token.domain of a
// project token) is missing, so the check is false. A service that needs
// more of the token puts the whole rendered token in Extra["token"].
func tokenMatches(c *Credentials, path []string, want string) bool {
	key := func(p ...string) bool {
		if len(p) != len(path) {
			return false
		}
		for i := range p {
			if p[i] != path[i] {
				return false
			}
		}
		return true
	}
	present := func(v string) bool { return v != "" && v == want }
	switch {
	case key("user", "id"):
		return present(c.UserID)
	case key("user", "domain", "id"):
		return present(c.UserDomainID)
	case key("project", "id"):
		return c.Scope() == "project" && present(c.ProjectID)
	case key("project", "domain", "id"):
		return c.Scope() == "project" && present(c.ProjectDomainID)
	case key("domain", "id"):
		return c.Scope() == "domain" && present(c.DomainID)
	case key("system", "all"):
		return c.System == "all" && want == "True"
	case key("is_admin_project"):
		return c.Scope() == "project" && c.ProjectID != "" && want == pyBool(c.IsAdminProject)
	case key("roles", "name"):
		for _, r := range c.Roles {
			if r == want {
				return true
			}
		}
	}
	return false
}

// findIn continues oslo's GenericCheck._find_in_dict after a key lookup
// produced v: a list matches if any element matches the rest of the path.
func findIn(v any, path []string, want string) bool {
	switch l := v.(type) {
	case []any:
		for _, e := range l {
			if walk(e, path, want) {
				return true
			}
		}
		return false
	case []string:
		if len(path) != 0 {
			return false
		}
		for _, e := range l {
			if e == want {
				return true
			}
		}
		return false
	}
	return walk(v, path, want)
}

// walk is _find_in_dict: maps are walked by key, and the leaf is compared
// as Python's str() renders it. Anything else on the path is a miss.
func walk(v any, path []string, want string) bool {
	if len(path) == 0 {
		return pyStr(v) == want
	}
	m, ok := asMap(v)
	if !ok {
		return false
	}
	next, ok := m[path[0]]
	return ok && findIn(next, path[1:], want)
}
