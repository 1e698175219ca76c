package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) assignmentRoutes(r chi.Router) {
	list := a.protect("identity:list_role_assignments", assignmentListTarget, a.listRoleAssignments)
	tree := a.protect("identity:list_role_assignments_for_tree", a.assignmentTreeTarget, a.listRoleAssignments)
	r.Get("/role_assignments", func(w http.ResponseWriter, r *http.Request) {
		// Like keystone's RoleAssignmentsResource.get, include_subtree
		// switches to the tree listing and its own policy rule.
		if includeSubtree(r) {
			tree(w, r)
			return
		}
		list(w, r)
	})
}

func includeSubtree(r *http.Request) bool {
	b := boolQuery(httpapi.QueryOf(r), "include_subtree")
	return b != nil && *b
}

// assignmentTreeTarget is keystone's target for
// list_role_assignments_for_tree: the project of scope.project.id (which
// must exist: keystone's get_project answers 404 before enforcing) and its
// domain as target.domain_id. Without scope.project.id the target is empty
// and the handler answers 400 once the caller passed the rule. A domain
// is a project to keystone (one acting as a domain, without a domain of
// its own): scope.project.id may name one, and its tree is every project
// of the domain.
func (a *API) assignmentTreeTarget(r *http.Request) (policy.Target, error) {
	id := httpapi.QueryOf(r).Get("scope.project.id")
	if id == "" {
		return policy.Target{}, nil
	}
	p, err := a.store.GetProject(r.Context(), id)
	if errors.Is(err, fault.Of(fault.NotFound)) {
		if d, derr := a.store.GetDomain(r.Context(), id); derr == nil {
			return policy.Target{
				"target.project":   map[string]any{"id": d.ID, "domain_id": nil, "name": d.Name, "parent_id": nil},
				"target.domain_id": nil,
			}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return policy.Target{
		"target.project":   map[string]any{"id": p.ID, "domain_id": p.DomainID, "name": p.Name, "parent_id": p.Parent()},
		"target.domain_id": p.DomainID,
	}, nil
}

func assignmentListTarget(r *http.Request) (policy.Target, error) {
	if d := httpapi.QueryOf(r).Get("scope.domain.id"); d != "" {
		return policy.Target{"target.domain_id": d}, nil
	}
	return policy.Target{}, nil
}

// row is one listed assignment: the assignment as it applies, and how it
// came about (through a group, from a prior role).
type row struct {
	store.Assignment
	viaGroup  string
	priorRole string
	source    store.Assignment
}

// listRoleAssignments is GET /v3/role_assignments (api-ref identity "List
// role assignments"), with the filters user.id, group.id,
// scope.project.id, scope.domain.id, scope.system, role.id,
// scope.OS-INHERIT:inherited_to, and effective, include_names and
// include_subtree (with scope.project.id: the assignments on that project
// and on every project below it).
func (a *API) listRoleAssignments(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	ctx := r.Context()
	q := httpapi.QueryOf(r)
	effective := q.Has("effective")
	if b := boolQuery(q, "effective"); b != nil && !*b {
		effective = false
	}
	names := false
	if b := boolQuery(q, "include_names"); b != nil {
		names = *b
	}
	userID, groupID := q.Get("user.id"), q.Get("group.id")
	projectID, domainID, roleID := q.Get("scope.project.id"), q.Get("scope.domain.id"), q.Get("role.id")
	system := q.Has("scope.system")
	if effective && groupID != "" {
		return fault.New(fault.Invalid, "Combining effective and group filter will always result in an empty list.")
	}
	subtree := includeSubtree(r)
	if subtree && projectID == "" {
		return fault.New(fault.Invalid, "scope.project.id must be specified if include_subtree is also specified")
	}
	if projectID != "" && domainID != "" {
		return fault.New(fault.Invalid, "Specify a domain or project, not both")
	}
	var projects map[string]bool // the projects of interest, when filtering by project
	if projectID != "" {
		projects = map[string]bool{projectID: true}
		if subtree {
			below, err := a.subtree(ctx, projectID)
			if err != nil {
				return err
			}
			for _, id := range below {
				projects[id] = true
			}
		}
	}
	all, err := a.store.ListAssignments(ctx, store.AssignmentFilter{})
	if err != nil {
		return err
	}
	rows := make([]row, 0, len(all))
	for _, as := range all {
		rows = append(rows, row{Assignment: as, source: as})
	}
	if effective {
		if rows, err = a.expand(ctx, rows); err != nil {
			return err
		}
	}
	var out []map[string]any
	base := httpapi.BaseURL(r)
	for _, x := range rows {
		switch {
		case userID != "" && (x.IsGroup() || x.ActorID != userID):
			continue
		case groupID != "" && (!x.IsGroup() || x.ActorID != groupID):
			continue
		case projects != nil && (!x.OnProject() || !projects[x.TargetID]):
			continue
		case domainID != "" && (!x.OnDomain() || x.TargetID != domainID):
			continue
		case system && !x.OnSystem():
			continue
		case roleID != "" && x.RoleID != roleID:
			continue
		}
		v, err := a.assignmentView(ctx, base, x, names)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	if out == nil {
		out = []map[string]any{}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"role_assignments": out, "links": listLinks(r)})
	return nil
}

// subtree is the ids of the projects below the project id, or of every
// project of the domain id when id names a domain (keystone's
// list_projects_in_subtree of a project acting as a domain).
func (a *API) subtree(ctx context.Context, id string) ([]string, error) {
	if _, err := a.store.GetProject(ctx, id); !errors.Is(err, fault.Of(fault.NotFound)) {
		return a.store.ProjectSubtree(ctx, id)
	}
	if _, err := a.store.GetDomain(ctx, id); err != nil {
		return nil, nil
	}
	ps, err := a.store.ListProjects(ctx, store.ProjectFilter{DomainID: id})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids, nil
}

// expand computes effective assignments as keystone's
// list_role_assignments(effective=True): group assignments become one per
// member, inherited ones apply to the projects below their target (and
// not to the target itself), implied roles are added and domain-specific
// roles dropped.
func (a *API) expand(ctx context.Context, rows []row) ([]row, error) {
	var out []row
	projects, err := a.store.ListProjects(ctx, store.ProjectFilter{})
	if err != nil {
		return nil, err
	}
	children := map[string][]string{}
	byDomain := map[string][]string{}
	for _, p := range projects {
		children[p.ParentID] = append(children[p.ParentID], p.ID)
		byDomain[p.DomainID] = append(byDomain[p.DomainID], p.ID)
	}
	var below func(string) []string
	below = func(id string) []string {
		var ids []string
		for _, c := range children[id] {
			ids = append(ids, c)
			ids = append(ids, below(c)...)
		}
		return ids
	}
	// Groups to users.
	var users []row
	for _, x := range rows {
		if !x.IsGroup() {
			users = append(users, x)
			continue
		}
		members, err := a.store.ListUsers(ctx, store.UserFilter{GroupID: x.ActorID})
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			y := x
			y.ActorID, y.viaGroup = m.ID, x.ActorID
			y.Type = store.AssignmentType(false, targetKind(x.Assignment))
			users = append(users, y)
		}
	}
	// Inheritance.
	for _, x := range users {
		if !x.Inherited {
			out = append(out, x)
			continue
		}
		var targets []string
		if x.OnDomain() {
			targets = byDomain[x.TargetID]
		} else {
			targets = below(x.TargetID)
		}
		for _, t := range targets {
			y := x
			y.TargetID, y.Inherited = t, false
			y.Type = store.AssignmentType(false, "project")
			out = append(out, y)
		}
	}
	// Implied roles.
	rules, err := a.store.ListImplications(ctx, "")
	if err != nil {
		return nil, err
	}
	implies := map[string][]string{}
	for _, ru := range rules {
		implies[ru.PriorID] = append(implies[ru.PriorID], ru.ImpliedID)
	}
	// Domain-specific roles only serve to imply others: like keystone's
	// _strip_domain_roles, the effective list keeps global roles only.
	globals, err := a.store.ListRoles(ctx, store.RoleFilter{})
	if err != nil {
		return nil, err
	}
	global := make(map[string]bool, len(globals))
	for _, g := range globals {
		global[g.ID] = true
	}
	final := make([]row, 0, len(out))
	for _, x := range out {
		if global[x.RoleID] {
			final = append(final, x)
		}
		seen := map[string]bool{x.RoleID: true}
		queue := []string{x.RoleID}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, im := range implies[cur] {
				if seen[im] {
					continue
				}
				seen[im] = true
				y := x
				y.RoleID, y.priorRole = im, cur
				if global[im] {
					final = append(final, y)
				}
				queue = append(queue, im)
			}
		}
	}
	return final, nil
}

func targetKind(as store.Assignment) string {
	switch {
	case as.OnProject():
		return "project"
	case as.OnDomain():
		return "domain"
	}
	return "system"
}

// assignmentView renders one row, with names when asked
// (identity/v3/role_assignment.py reads user.name, user.domain.name,
// scope.project.name, scope.project.domain.name and role.name).
func (a *API) assignmentView(ctx context.Context, base string, x row, names bool) (map[string]any, error) {
	v := map[string]any{}
	links := map[string]any{"assignment": assignmentLink(base, x.source)}
	if x.viaGroup != "" {
		links["membership"] = base + "/v3/groups/" + x.viaGroup + "/users/" + x.ActorID
	}
	if x.priorRole != "" {
		links["prior_role"] = base + "/v3/roles/" + x.priorRole
	}
	v["links"] = links
	role := map[string]any{"id": x.RoleID}
	actor := map[string]any{"id": x.ActorID}
	scope := map[string]any{}
	var target map[string]any
	switch {
	case x.OnProject():
		target = map[string]any{"id": x.TargetID}
		scope["project"] = target
	case x.OnDomain():
		target = map[string]any{"id": x.TargetID}
		scope["domain"] = target
	default:
		scope["system"] = map[string]any{"all": true}
	}
	if x.Inherited {
		scope["OS-INHERIT:inherited_to"] = "projects"
	}
	if names {
		if err := a.addNames(ctx, x, role, actor, target); err != nil {
			return nil, err
		}
	}
	v["role"] = role
	v["scope"] = scope
	if x.IsGroup() {
		v["group"] = actor
	} else {
		v["user"] = actor
	}
	return v, nil
}

func (a *API) domainRef(ctx context.Context, id string) map[string]any {
	d, err := a.store.GetDomain(ctx, id)
	if err != nil {
		return map[string]any{"id": id}
	}
	return map[string]any{"id": d.ID, "name": d.Name}
}

func (a *API) addNames(ctx context.Context, x row, role, actor, target map[string]any) error {
	ro, err := a.store.GetRole(ctx, x.RoleID)
	if err != nil {
		return err
	}
	role["name"] = ro.Name
	if ro.DomainID != "" {
		role["domain"] = a.domainRef(ctx, ro.DomainID)
	}
	if x.IsGroup() {
		g, err := a.store.GetGroup(ctx, x.ActorID)
		if err != nil {
			return err
		}
		actor["name"], actor["domain"] = g.Name, a.domainRef(ctx, g.DomainID)
	} else {
		u, err := a.store.GetUser(ctx, x.ActorID)
		if err != nil {
			return err
		}
		actor["name"], actor["domain"] = u.Name, a.domainRef(ctx, u.DomainID)
	}
	switch {
	case x.OnProject():
		p, err := a.store.GetProject(ctx, x.TargetID)
		if err != nil {
			return err
		}
		target["name"], target["domain"] = p.Name, a.domainRef(ctx, p.DomainID)
	case x.OnDomain():
		target["name"] = a.domainRef(ctx, x.TargetID)["name"]
	}
	return nil
}
