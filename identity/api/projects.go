package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) projectRoutes(r chi.Router) {
	r.Get("/projects", a.protect("identity:list_projects", listDomainTarget, a.listProjects))
	r.Post("/projects", a.authed(a.createProject))
	r.Get("/projects/{id}", a.protect("identity:get_project", a.projectIDTarget, a.getProject))
	r.Patch("/projects/{id}", a.protect("identity:update_project", a.projectIDTarget, a.updateProject))
	r.Delete("/projects/{id}", a.protect("identity:delete_project", a.projectIDTarget, a.deleteProject))
	a.projectTagRoutes(r)
}

// listDomainTarget is the target of list calls: the domain_id filter.
func listDomainTarget(r *http.Request) (policy.Target, error) {
	if d := httpapi.QueryOf(r).Get("domain_id"); d != "" {
		return policy.Target{"target.domain_id": d}, nil
	}
	return policy.Target{}, nil
}

func (a *API) projectIDTarget(r *http.Request) (policy.Target, error) {
	p, err := a.projectTarget(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	return policy.Target{"target.project": orEmptyMap(p)}, nil
}

// defaultDomainFor is the domain keystone gives a new project or user
// without domain_id: the token's domain scope, the scoped project's
// domain, else the default domain.
func defaultDomainFor(c *tokenInfo) string {
	switch {
	case c.Domain != nil:
		return c.Domain.ID
	case c.Project != nil:
		return c.Project.DomainID
	}
	return store.DefaultDomainID
}

// listProjects is GET /v3/projects (api-ref identity "List projects"),
// filtered by name, domain_id, parent_id, enabled, is_domain, tags,
// tags-any, not-tags and not-tags-any, and inexactly (name__contains) by
// name, domain_id and parent_id.
func (a *API) listProjects(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	if b := boolQuery(q, "is_domain"); b != nil && *b {
		httpapi.WriteJSON(w, r, http.StatusOK, projectsView(r, nil))
		return nil
	}
	f := store.ProjectFilter{Name: q.Get("name"), DomainID: q.Get("domain_id"), ParentID: q.Get("parent_id"), Enabled: boolQuery(q, "enabled")}
	if t := q.Get("tags"); t != "" {
		f.Tags = splitComma(t)
	}
	if t := q.Get("tags-any"); t != "" {
		f.TagsAny = splitComma(t)
	}
	if t := q.Get("not-tags"); t != "" {
		f.NotTags = splitComma(t)
	}
	if t := q.Get("not-tags-any"); t != "" {
		f.NotTagsAny = splitComma(t)
	}
	ps, err := a.store.ListProjects(r.Context(), f)
	if err != nil {
		return err
	}
	ps = filterInexact(ps, inexactFilters(q, "name", "domain_id", "parent_id"), func(p store.Project, attr string) (string, bool) {
		switch attr {
		case "name":
			return p.Name, true
		case "domain_id":
			return p.DomainID, true
		}
		return p.Parent(), true
	})
	httpapi.WriteJSON(w, r, http.StatusOK, projectsView(r, ps))
	return nil
}

// createProject is POST /v3/projects: 201.
func (a *API) createProject(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	f, err := decodeMember(r, "project", schema.ProjectCreate)
	if err != nil {
		return err
	}
	if b := f.boolp("is_domain"); b != nil && *b {
		return fault.New(fault.NotImplemented, "The action you have requested has not been implemented.")
	}
	p := store.Project{
		Name: f.str("name"), DomainID: f.str("domain_id"), ParentID: f.str("parent_id"), Description: f.str("description"),
		Enabled: f.boolOr("enabled", true), Options: f.object("options"),
		Extra: f.extra("id", "name", "domain_id", "parent_id", "description", "enabled", "is_domain", "tags", "options"),
	}
	if t := f.strs("tags"); t != nil {
		p.Tags = *t
	}
	if p.DomainID == "" && p.ParentID != "" {
		parent, err := a.store.GetProject(r.Context(), p.ParentID)
		if err != nil {
			return err
		}
		p.DomainID = parent.DomainID
	}
	if p.DomainID == "" {
		p.DomainID = defaultDomainFor(c)
	}
	t := policy.Target{"target.project": map[string]any{"domain_id": p.DomainID, "parent_id": p.ParentID}}
	if err := a.policy.Enforce(credentials(c), "identity:create_project", t); err != nil {
		return err
	}
	p, err = a.store.CreateProject(r.Context(), p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"project": projectView(r, p)})
	return nil
}

// getProject is GET /v3/projects/{id}.
func (a *API) getProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	p, err := a.store.GetProject(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"project": projectView(r, p)})
	return nil
}

// updateProject is PATCH /v3/projects/{id}. Disabling a project makes its
// tokens fail validation (validate checks it), as in keystone.
func (a *API) updateProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "project", schema.ProjectUpdate)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	if d := f.strp("domain_id"); d != nil {
		cur, err := a.store.GetProject(r.Context(), id)
		if err != nil {
			return err
		}
		if *d != cur.DomainID {
			return fault.New(fault.Invalid, "Cannot change Domain ID. %s", validationTail)
		}
	}
	p := store.ProjectPatch{Name: f.strp("name"), Description: f.strp("description"), Enabled: f.boolp("enabled"), Tags: f.strs("tags"),
		Options: f.object("options"), Extra: f.extra("id", "name", "domain_id", "parent_id", "description", "enabled", "is_domain", "tags", "options")}
	_, after, err := a.store.UpdateProject(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"project": projectView(r, after)})
	return nil
}

// deleteProject is DELETE /v3/projects/{id}: 204, and a revocation event
// for the project's tokens.
func (a *API) deleteProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id := chi.URLParam(r, "id")
	if err := a.store.DeleteProject(r.Context(), id); err != nil {
		return err
	}
	if err := a.revoke(r, token.ProjectDeleted, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revoke stores the revocation event of a cause.
func (a *API) revoke(r *http.Request, c token.Cause, id string) error {
	e, err := token.ForCause(c, id, a.now())
	if err != nil {
		return fault.Wrap(err, fault.Internal, "")
	}
	return a.store.AddRevocation(r.Context(), e)
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
