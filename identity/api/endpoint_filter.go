package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// OS-EP-FILTER (api-ref identity "OS-EP-FILTER"), keystone/api/os_ep_filter.py:
// endpoints associated with projects, directly or through endpoint
// groups. A project-scoped token's catalog holds only its project's
// endpoints when it has any (catalogFor).

func (a *API) endpointFilterRoutes(r chi.Router) {
	r.Route("/OS-EP-FILTER", func(r chi.Router) {
		r.Get("/endpoints/{endpoint}/projects", a.protect("identity:list_projects_for_endpoint", nil, a.listProjectsForEndpoint))
		pe := "/projects/{project}/endpoints/{endpoint}"
		r.Put(pe, a.protect("identity:add_endpoint_to_project", nil, a.addEndpointToProject))
		r.Get(pe, a.protect("identity:check_endpoint_in_project", nil, a.checkEndpointInProject))
		r.Delete(pe, a.protect("identity:remove_endpoint_from_project", nil, a.removeEndpointFromProject))
		r.Get("/projects/{project}/endpoints", a.protect("identity:list_endpoints_for_project", nil, a.listEndpointsForProject))
		r.Get("/projects/{project}/endpoint_groups", a.protect("identity:list_endpoint_groups_for_project", nil, a.listEndpointGroupsForProject))

		r.Get("/endpoint_groups", a.protect("identity:list_endpoint_groups", nil, a.listEndpointGroups))
		r.Post("/endpoint_groups", a.protect("identity:create_endpoint_group", nil, a.createEndpointGroup))
		g := "/endpoint_groups/{group}"
		r.Get(g, a.protect("identity:get_endpoint_group", nil, a.getEndpointGroup))
		r.Patch(g, a.protect("identity:update_endpoint_group", nil, a.updateEndpointGroup))
		r.Delete(g, a.protect("identity:delete_endpoint_group", nil, a.deleteEndpointGroup))
		r.Get(g+"/projects", a.protect("identity:list_projects_associated_with_endpoint_group", nil, a.listProjectsForEndpointGroup))
		r.Get(g+"/endpoints", a.protect("identity:list_endpoints_associated_with_endpoint_group", nil, a.listEndpointsForEndpointGroup))
		gp := g + "/projects/{project}"
		r.Put(gp, a.protect("identity:add_endpoint_group_to_project", nil, a.addEndpointGroupToProject))
		r.Get(gp, a.protect("identity:get_endpoint_group_in_project", nil, a.getEndpointGroupInProject))
		r.Delete(gp, a.protect("identity:remove_endpoint_group_from_project", nil, a.removeEndpointGroupFromProject))
	})
}

// endpointAndProject checks that both exist, endpoint first, as keystone.
func (a *API) endpointAndProject(r *http.Request) (string, string, error) {
	eid, pid := chi.URLParam(r, "endpoint"), chi.URLParam(r, "project")
	if _, err := a.store.GetEndpoint(r.Context(), eid); err != nil {
		return "", "", err
	}
	if _, err := a.store.GetProject(r.Context(), pid); err != nil {
		return "", "", err
	}
	return eid, pid, nil
}

// addEndpointToProject is PUT .../projects/{project_id}/endpoints/{endpoint_id}: 204.
func (a *API) addEndpointToProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	eid, pid, err := a.endpointAndProject(r)
	if err != nil {
		return err
	}
	if err := a.store.AddEndpointToProject(r.Context(), eid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkEndpointInProject is GET and HEAD of the association: 204 or 404.
func (a *API) checkEndpointInProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	eid, pid, err := a.endpointAndProject(r)
	if err != nil {
		return err
	}
	if err := a.store.CheckEndpointInProject(r.Context(), eid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) removeEndpointFromProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.RemoveEndpointFromProject(r.Context(), chi.URLParam(r, "endpoint"), chi.URLParam(r, "project")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeProjects answers the projects of ids (associations cascade with
// their projects, so every one exists), read in one query.
func (a *API) writeProjects(w http.ResponseWriter, r *http.Request, ids []string) error {
	ps := []store.Project{}
	if len(ids) > 0 {
		var err error
		if ps, err = a.store.ListProjects(r.Context(), store.ProjectFilter{IDs: ids}); err != nil {
			return err
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, projectsView(r, ps))
	return nil
}

func writeEndpoints(w http.ResponseWriter, r *http.Request, es []store.Endpoint) {
	out := make([]map[string]any, len(es))
	for i, e := range es {
		out[i] = endpointView(r, e)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoints": out, "links": listLinks(r)})
}

// listProjectsForEndpoint is GET .../endpoints/{endpoint_id}/projects.
func (a *API) listProjectsForEndpoint(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	eid := chi.URLParam(r, "endpoint")
	if _, err := a.store.GetEndpoint(r.Context(), eid); err != nil {
		return err
	}
	ids, err := a.store.ProjectIDsForEndpoint(r.Context(), eid)
	if err != nil {
		return err
	}
	return a.writeProjects(w, r, ids)
}

// listEndpointsForProject is GET .../projects/{project_id}/endpoints: the
// endpoints associated directly and through endpoint groups.
func (a *API) listEndpointsForProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	pid := chi.URLParam(r, "project")
	if _, err := a.store.GetProject(r.Context(), pid); err != nil {
		return err
	}
	es, err := a.store.EndpointsForProject(r.Context(), pid)
	if err != nil {
		return err
	}
	writeEndpoints(w, r, es)
	return nil
}

func endpointGroupView(r *http.Request, g store.EndpointGroup) map[string]any {
	var desc any
	if g.Description != nil {
		desc = *g.Description
	}
	return map[string]any{"id": g.ID, "name": g.Name, "description": desc, "filters": g.Filters,
		"links": selfLinks(r, "OS-EP-FILTER/endpoint_groups/"+g.ID)}
}

func writeEndpointGroups(w http.ResponseWriter, r *http.Request, gs []store.EndpointGroup) {
	out := make([]map[string]any, len(gs))
	for i, g := range gs {
		out[i] = endpointGroupView(r, g)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoint_groups": out, "links": listLinks(r)})
}

// requireValidFilter is keystone's _require_valid_filter.
func requireValidFilter(filters map[string]any) error {
	for k := range filters {
		switch k {
		case "service_id", "region_id", "interface":
		default:
			return expecting("service_id or region_id or interface", "endpoint_group")
		}
	}
	return nil
}

// descriptionOf is a present description member: null or a string.
func descriptionOf(f fields) (*string, bool) {
	v, ok := f["description"]
	if !ok {
		return nil, false
	}
	if s, ok := v.(string); ok {
		return &s, true
	}
	return nil, true
}

// createEndpointGroup is POST .../endpoint_groups: 201.
func (a *API) createEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "endpoint_group", schema.EndpointGroupCreate)
	if err != nil {
		return err
	}
	filters := f.object("filters")
	if len(filters) == 0 {
		return fault.New(fault.Invalid, "filters field is required and cannot be empty")
	}
	if err := requireValidFilter(filters); err != nil {
		return err
	}
	desc, _ := descriptionOf(f)
	g, err := a.store.CreateEndpointGroup(r.Context(), store.EndpointGroup{Name: f.str("name"), Description: desc, Filters: filters})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"endpoint_group": endpointGroupView(r, g)})
	return nil
}

// listEndpointGroups is GET .../endpoint_groups, filtered by name.
func (a *API) listEndpointGroups(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	gs, err := a.store.ListEndpointGroups(r.Context(), q.Get("name"))
	if err != nil {
		return err
	}
	gs = filterInexact(gs, inexactFilters(q, "name"), func(g store.EndpointGroup, _ string) (string, bool) { return g.Name, true })
	writeEndpointGroups(w, r, gs)
	return nil
}

func (a *API) getEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	g, err := a.store.GetEndpointGroup(r.Context(), chi.URLParam(r, "group"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoint_group": endpointGroupView(r, g)})
	return nil
}

func (a *API) updateEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "endpoint_group", schema.EndpointGroupUpdate)
	if err != nil {
		return err
	}
	p := store.EndpointGroupPatch{Name: f.strp("name")}
	if _, ok := f["filters"]; ok {
		p.Filters = f.object("filters")
		if err := requireValidFilter(p.Filters); err != nil {
			return err
		}
		if p.Filters == nil {
			p.Filters = map[string]any{}
		}
	}
	if v, ok := f["id"]; ok && v != nil {
		return fault.New(fault.Invalid, "Cannot change ID")
	}
	if d, ok := descriptionOf(f); ok {
		p.Description = &d
	}
	g, err := a.store.UpdateEndpointGroup(r.Context(), chi.URLParam(r, "group"), p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoint_group": endpointGroupView(r, g)})
	return nil
}

func (a *API) deleteEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteEndpointGroup(r.Context(), chi.URLParam(r, "group")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listProjectsForEndpointGroup is GET .../endpoint_groups/{id}/projects;
// keystone does not check that the group exists.
func (a *API) listProjectsForEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	ids, err := a.store.ProjectIDsForEndpointGroup(r.Context(), chi.URLParam(r, "group"))
	if err != nil {
		return err
	}
	return a.writeProjects(w, r, ids)
}

// listEndpointsForEndpointGroup is GET .../endpoint_groups/{id}/endpoints:
// the endpoints the group's filters select.
func (a *API) listEndpointsForEndpointGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	g, err := a.store.GetEndpointGroup(r.Context(), chi.URLParam(r, "group"))
	if err != nil {
		return err
	}
	all, err := a.store.ListEndpoints(r.Context(), store.EndpointFilter{})
	if err != nil {
		return err
	}
	es := []store.Endpoint{}
	for _, e := range all {
		if g.Matches(e) {
			es = append(es, e)
		}
	}
	writeEndpoints(w, r, es)
	return nil
}

// listEndpointGroupsForProject is GET .../projects/{id}/endpoint_groups.
func (a *API) listEndpointGroupsForProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	pid := chi.URLParam(r, "project")
	if _, err := a.store.GetProject(r.Context(), pid); err != nil {
		return err
	}
	gs, err := a.store.EndpointGroupsForProject(r.Context(), pid)
	if err != nil {
		return err
	}
	writeEndpointGroups(w, r, gs)
	return nil
}

// groupAndProject checks that both exist, project first, as keystone.
func (a *API) groupAndProject(r *http.Request) (string, string, error) {
	gid, pid := chi.URLParam(r, "group"), chi.URLParam(r, "project")
	if _, err := a.store.GetProject(r.Context(), pid); err != nil {
		return "", "", err
	}
	if _, err := a.store.GetEndpointGroup(r.Context(), gid); err != nil {
		return "", "", err
	}
	return gid, pid, nil
}

func (a *API) addEndpointGroupToProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	gid, pid, err := a.groupAndProject(r)
	if err != nil {
		return err
	}
	if err := a.store.AddEndpointGroupToProject(r.Context(), gid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getEndpointGroupInProject is GET and HEAD of the association: 200 with
// keystone's project_endpoint_group (whose self link keystone leaves
// relative).
func (a *API) getEndpointGroupInProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	gid, pid, err := a.groupAndProject(r)
	if err != nil {
		return err
	}
	if err := a.store.CheckEndpointGroupInProject(r.Context(), gid, pid); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"project_endpoint_group": map[string]any{
		"endpoint_group_id": gid, "project_id": pid,
		"links": map[string]any{"self": "/OS-EP-FILTER/endpoint_groups/" + gid + "/projects/" + pid},
	}})
	return nil
}

func (a *API) removeEndpointGroupFromProject(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	gid, pid, err := a.groupAndProject(r)
	if err != nil {
		return err
	}
	if err := a.store.RemoveEndpointGroupFromProject(r.Context(), gid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
