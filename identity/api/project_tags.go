package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Project tags (api-ref identity "Projects": "List tags for a project"
// and siblings): the project's tags list, one tag at a time or all at
// once, as keystone/api/projects.py's ProjectTagsResource and
// ProjectTagResource.

func (a *API) projectTagRoutes(r chi.Router) {
	r.Get("/projects/{id}/tags", a.protect("identity:list_project_tags", a.projectIDTarget, a.listProjectTags))
	r.Head("/projects/{id}/tags", a.protect("identity:list_project_tags", a.projectIDTarget, a.listProjectTags))
	r.Put("/projects/{id}/tags", a.protect("identity:update_project_tags", a.projectIDTarget, a.updateProjectTags))
	r.Delete("/projects/{id}/tags", a.protect("identity:delete_project_tags", a.projectIDTarget, a.deleteProjectTags))
	r.Get("/projects/{id}/tags/{tag}", a.protect("identity:get_project_tag", a.projectIDTarget, a.checkProjectTag))
	r.Head("/projects/{id}/tags/{tag}", a.protect("identity:get_project_tag", a.projectIDTarget, a.checkProjectTag))
	r.Put("/projects/{id}/tags/{tag}", a.protect("identity:create_project_tag", a.projectIDTarget, a.createProjectTag))
	r.Delete("/projects/{id}/tags/{tag}", a.protect("identity:delete_project_tag", a.projectIDTarget, a.deleteProjectTag))
}

// tagParam is the {tag} of the URL, unescaped.
func tagParam(r *http.Request) string {
	t := chi.URLParam(r, "tag")
	if u, err := url.PathUnescape(t); err == nil {
		t = u
	}
	return t
}

func tagNotFound(tag string) error {
	return fault.New(fault.NotFound, "Could not find project tag: %s.", tag)
}

func writeTags(w http.ResponseWriter, r *http.Request, tags []string) {
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tags": orEmpty(tags), "links": listLinks(r)})
}

// setTags replaces the project's tags, stripped of surrounding blanks.
func (a *API) setTags(r *http.Request, id string, tags []string) (store.Project, error) {
	clean := make([]string, len(tags))
	for i, t := range tags {
		clean[i] = strings.TrimSpace(t)
	}
	_, p, err := a.store.UpdateProject(r.Context(), id, store.ProjectPatch{Tags: &clean})
	return p, err
}

// listProjectTags is GET /v3/projects/{id}/tags.
func (a *API) listProjectTags(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	p, err := a.store.GetProject(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	writeTags(w, r, p.Tags)
	return nil
}

// updateProjectTags is PUT /v3/projects/{id}/tags: 200 with the new list.
func (a *API) updateProjectTags(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	tags, err := decodeTags(r)
	if err != nil {
		return err
	}
	p, err := a.setTags(r, chi.URLParam(r, "id"), tags)
	if err != nil {
		return err
	}
	writeTags(w, r, p.Tags)
	return nil
}

// decodeTags reads {"tags": [...]}; a missing member is validated as an
// empty object, as keystone's request_body_json.get('tags', {}).
func decodeTags(r *http.Request) ([]string, error) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return nil, err
	}
	v := any(map[string]any{})
	if raw, ok := body["tags"]; ok {
		var err error
		if v, err = schema.Decode(raw); err != nil {
			return nil, fault.Wrap(err, fault.Invalid, "Expecting to find valid JSON in request body. %s", validationTail)
		}
	}
	if err := schema.ProjectTags.Validate(v); err != nil {
		return nil, err
	}
	list, _ := v.([]any)
	tags := make([]string, 0, len(list))
	for _, t := range list {
		s, _ := t.(string)
		tags = append(tags, s)
	}
	return tags, nil
}

// deleteProjectTags is DELETE /v3/projects/{id}/tags: 204.
func (a *API) deleteProjectTags(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if _, err := a.setTags(r, chi.URLParam(r, "id"), []string{}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkProjectTag is GET and HEAD /v3/projects/{id}/tags/{tag}: 204, or
// 404 when the project lacks the tag.
func (a *API) checkProjectTag(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	p, err := a.store.GetProject(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if tag := tagParam(r); !slices.Contains(p.Tags, tag) {
		return tagNotFound(tag)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createProjectTag is PUT /v3/projects/{id}/tags/{tag}: 201 with no body
// and a Location header; the list with the new tag must still be valid
// (at most 80 tags, no duplicates), as in keystone.
func (a *API) createProjectTag(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id, tag := chi.URLParam(r, "id"), tagParam(r)
	if err := schema.ProjectTag.Validate(tag); err != nil {
		return err
	}
	p, err := a.store.GetProject(r.Context(), id)
	if err != nil {
		return err
	}
	tags := append(slices.Clone(p.Tags), strings.TrimSpace(tag))
	list := make([]any, len(tags))
	for i, t := range tags {
		list[i] = t
	}
	if err := schema.ProjectTags.Validate(list); err != nil {
		return err
	}
	if _, err := a.setTags(r, id, tags); err != nil {
		return err
	}
	w.Header().Set("Location", httpapi.BaseURL(r)+"/v3/projects/"+id+"/tags/"+url.PathEscape(tag))
	w.WriteHeader(http.StatusCreated)
	return nil
}

// deleteProjectTag is DELETE /v3/projects/{id}/tags/{tag}: 204, or 404
// when the project lacks the tag.
func (a *API) deleteProjectTag(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id, tag := chi.URLParam(r, "id"), tagParam(r)
	p, err := a.store.GetProject(r.Context(), id)
	if err != nil {
		return err
	}
	i := slices.Index(p.Tags, tag)
	if i < 0 {
		return tagNotFound(tag)
	}
	if _, err := a.setTags(r, id, slices.Delete(slices.Clone(p.Tags), i, i+1)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
