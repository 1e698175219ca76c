package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

const maxTags = 50

func (a *API) tagTarget(w http.ResponseWriter, r *http.Request, rule string, change bool) (objects.Instance, bool) {
	if !atLeast(r, 26) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return objects.Instance{}, false
	}
	c, in, ok := a.metadataTarget(w, r, rule, false)
	if !ok {
		return in, false
	}
	if change {
		if err := a.checkLocked(c, in); err != nil {
			writeErr(w, r, err)
			return in, false
		}
		if !slices.Contains(metadataStates, in.VMState) {
			writeErr(w, r, fault.New(fault.Conflict, "Cannot 'update tags' instance %s while it is in vm_state %s", in.UUID, in.VMState))
			return in, false
		}
	}
	return in, true
}

func checkTag(field string, t any) (string, error) {
	s, ok := t.(string)
	if !ok || s == "" || len([]rune(s)) > 60 || !tagPattern.MatchString(s) {
		return "", badField(field, t, "%s is not a valid tag", repr(t))
	}
	return s, nil
}

// listTags is api-ref "List Tags".
func (a *API) listTags(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:index", false)
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tags": nonNil(in.Tags)})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// replaceTags is api-ref "Replace Tags".
func (a *API) replaceTags(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:update_all", true)
	if !ok {
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := top.only("body", "tags"); err != nil {
		writeErr(w, r, err)
		return
	}
	list, isList := top["tags"].([]any)
	if !isList {
		writeErr(w, r, badField("tags", top["tags"], "%s is not of type 'array'", repr(top["tags"])))
		return
	}
	var tags []string
	for _, t := range list {
		s, err := checkTag("tags", t)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		tags = appendUnique(tags, s)
	}
	if len(tags) > maxTags {
		writeErr(w, r, invalid("The number of tags exceeded the per-server limit %d", maxTags))
		return
	}
	out, err := a.store.UpdateTags(r.Context(), in.UUID, func([]string) ([]string, error) { return tags, nil })
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"tags": nonNil(out)})
}

// deleteTags is api-ref "Delete All Tags".
func (a *API) deleteTags(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:delete_all", true)
	if !ok {
		return
	}
	if _, err := a.store.UpdateTags(r.Context(), in.UUID, func([]string) ([]string, error) { return nil, nil }); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkTag is api-ref "Check Tag Existence".
func (a *API) checkTag(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:show", false)
	if !ok {
		return
	}
	tag := chi.URLParam(r, "tag")
	if !slices.Contains(in.Tags, tag) {
		writeErr(w, r, fault.New(fault.NotFound, "Instance %s has no tag '%s'", in.UUID, tag))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// addTag is api-ref "Add a Single Tag".
func (a *API) addTag(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:update", true)
	if !ok {
		return
	}
	tag, err := checkTag("tag", chi.URLParam(r, "tag"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	existed := false
	_, err = a.store.UpdateTags(r.Context(), in.UUID, func(tags []string) ([]string, error) {
		if slices.Contains(tags, tag) {
			existed = true
			return tags, nil
		}
		if len(tags) >= maxTags {
			return nil, invalid("The number of tags exceeded the per-server limit %d", maxTags)
		}
		return append(tags, tag), nil
	})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if existed {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Location", links(r, "servers", in.UUID)[0].Href+"/tags/"+tag)
	w.WriteHeader(http.StatusCreated)
}

// deleteTag is api-ref "Delete a Single Tag".
func (a *API) deleteTag(w http.ResponseWriter, r *http.Request) {
	in, ok := a.tagTarget(w, r, "os_compute_api:os-server-tags:delete", true)
	if !ok {
		return
	}
	tag := chi.URLParam(r, "tag")
	_, err := a.store.UpdateTags(r.Context(), in.UUID, func(tags []string) ([]string, error) {
		i := slices.Index(tags, tag)
		if i < 0 {
			return nil, fault.New(fault.NotFound, "Instance %s has no tag '%s'", in.UUID, tag)
		}
		return slices.Delete(tags, i, i+1), nil
	})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
