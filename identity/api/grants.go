package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// grantKind is one of the grant URL families: /{projects|domains}/{id}/
// {users|groups}/{actor}/roles, the OS-INHERIT forms, and /system/
// {users|groups}/{actor}/roles.
type grantKind struct {
	target    string // "project", "domain" or "system"
	group     bool
	inherited bool
}

func (a *API) grantRoutes(r chi.Router) {
	for _, t := range []string{"project", "domain"} {
		for _, g := range []bool{false, true} {
			k := grantKind{target: t, group: g}
			base := "/" + t + "s/{target}/" + actorPath(g) + "/{actor}/roles"
			a.grantRoute(r, base, k)
			if t == "domain" || t == "project" {
				ik := grantKind{target: t, group: g, inherited: true}
				a.grantRoute(r, "/OS-INHERIT"+base[:len(base)-len("/roles")]+"/roles", ik)
			}
		}
	}
	for _, g := range []bool{false, true} {
		k := grantKind{target: "system", group: g}
		base := "/system/" + actorPath(g) + "/{actor}/roles"
		a.grantRoute(r, base, k)
	}
}

func actorPath(group bool) string {
	if group {
		return "groups"
	}
	return "users"
}

func (a *API) grantRoute(r chi.Router, base string, k grantKind) {
	suffix := ""
	if k.inherited {
		suffix = "/inherited_to_projects"
	}
	create, check, revoke, list := "identity:create_grant", "identity:check_grant", "identity:revoke_grant", "identity:list_grants"
	if k.target == "system" {
		who := "user"
		if k.group {
			who = "group"
		}
		create, check = "identity:create_system_grant_for_"+who, "identity:check_system_grant_for_"+who
		revoke, list = "identity:revoke_system_grant_for_"+who, "identity:list_system_grants_for_"+who
	}
	target := a.grantTarget(k)
	r.Put(base+"/{role}"+suffix, a.protect(create, target, a.grantHandler(k, "put")))
	r.Head(base+"/{role}"+suffix, a.protect(check, target, a.grantHandler(k, "check")))
	r.Get(base+"/{role}"+suffix, a.protect(check, target, a.grantHandler(k, "check")))
	r.Delete(base+"/{role}"+suffix, a.protect(revoke, target, a.grantHandler(k, "delete")))
	r.Get(base+suffix, a.protect(list, target, a.listGrants(k)))
}

func (a *API) assignmentOf(r *http.Request, k grantKind) store.Assignment {
	as := store.Assignment{
		Type: store.AssignmentType(k.group, k.target), ActorID: chi.URLParam(r, "actor"),
		TargetID: chi.URLParam(r, "target"), RoleID: chi.URLParam(r, "role"), Inherited: k.inherited,
	}
	if k.target == "system" {
		as.TargetID = store.SystemTarget
	}
	return as
}

func (a *API) grantTarget(k grantKind) targetFunc {
	return func(r *http.Request) (policy.Target, error) {
		ctx := r.Context()
		t := policy.Target{}
		actor := chi.URLParam(r, "actor")
		var err error
		var m map[string]any
		if k.group {
			m, err = a.groupTarget(ctx, actor)
			t["target.group"] = orEmptyMap(m)
		} else {
			m, err = a.userTarget(ctx, actor)
			t["target.user"] = orEmptyMap(m)
		}
		if err != nil {
			return nil, err
		}
		switch k.target {
		case "project":
			m, err = a.projectTarget(ctx, chi.URLParam(r, "target"))
			t["target.project"] = orEmptyMap(m)
		case "domain":
			t["target.domain"] = map[string]any{"id": chi.URLParam(r, "target")}
		}
		if err != nil {
			return nil, err
		}
		if role := chi.URLParam(r, "role"); role != "" {
			m, err = a.roleTarget(ctx, role)
			t["target.role"] = orEmptyMap(m)
		}
		return t, err
	}
}

func (a *API) grantHandler(k grantKind, op string) handler {
	return func(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
		as := a.assignmentOf(r, k)
		var err error
		switch op {
		case "put":
			err = a.store.Grant(r.Context(), as)
		case "check":
			err = a.store.CheckGrant(r.Context(), as)
		case "delete":
			err = a.store.Revoke(r.Context(), as)
		}
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// listGrants is GET .../{users|groups}/{actor}/roles: the roles granted
// directly.
func (a *API) listGrants(k grantKind) handler {
	return func(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
		as := a.assignmentOf(r, k)
		if err := a.checkActorAndTarget(r, as); err != nil {
			return err
		}
		f := store.AssignmentFilter{Inherited: &k.inherited}
		if k.group {
			f.GroupID = as.ActorID
		} else {
			f.UserID = as.ActorID
		}
		switch k.target {
		case "project":
			f.ProjectID = as.TargetID
		case "domain":
			f.DomainID = as.TargetID
		default:
			f.System = true
		}
		list, err := a.store.ListAssignments(r.Context(), f)
		if err != nil {
			return err
		}
		ids := []string{}
		for _, x := range list {
			ids = append(ids, x.RoleID)
		}
		roles, err := a.store.ListRoles(r.Context(), store.RoleFilter{IDs: ids})
		if err != nil {
			return err
		}
		v := rolesView(r, roles)
		v["links"] = listLinks(r)
		httpapi.WriteJSON(w, r, http.StatusOK, v)
		return nil
	}
}

func (a *API) checkActorAndTarget(r *http.Request, as store.Assignment) error {
	ctx := r.Context()
	var err error
	if as.IsGroup() {
		_, err = a.store.GetGroup(ctx, as.ActorID)
	} else {
		_, err = a.store.GetUser(ctx, as.ActorID)
	}
	if err != nil {
		return err
	}
	switch {
	case as.OnProject():
		_, err = a.store.GetProject(ctx, as.TargetID)
	case as.OnDomain():
		_, err = a.store.GetDomain(ctx, as.TargetID)
	}
	return err
}

// assignmentLink is the grant URL of an assignment, keystone's
// links.assignment.
func assignmentLink(base string, as store.Assignment) string {
	actor := "users"
	if as.IsGroup() {
		actor = "groups"
	}
	var b strings.Builder
	b.WriteString(base + "/v3/")
	switch {
	case as.OnSystem():
		b.WriteString("system/" + actor + "/" + as.ActorID + "/roles/" + as.RoleID)
		return b.String()
	case as.Inherited:
		b.WriteString("OS-INHERIT/")
	}
	kind := "projects"
	if as.OnDomain() {
		kind = "domains"
	}
	b.WriteString(kind + "/" + as.TargetID + "/" + actor + "/" + as.ActorID + "/roles/" + as.RoleID)
	if as.Inherited {
		b.WriteString("/inherited_to_projects")
	}
	return b.String()
}
