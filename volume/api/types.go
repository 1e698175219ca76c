package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/volume/store"
)

// listTypes is GET /types (is_public=None means no filter).
func (a *API) listTypes(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:type_get_all", ""); err != nil {
		fail(w, r, err)
		return
	}
	var isPublic *bool
	q := httpapi.QueryOf(r)
	if v := q.Get("is_public"); v != "" {
		b, ok := boolParam(v)
		if !ok {
			fail(w, r, invalid("Invalid is_public filter [%s]", v))
			return
		}
		isPublic = &b
	} else if !c.isAdmin() {
		t := true
		isPublic = &t
	}
	all := c.isAdmin()
	if all && isPublic == nil {
		// admin with is_public=None: everything
	} else if all && q.Get("is_public") == "" {
		isPublic = nil
	}
	types, err := a.db.ListTypes(r.Context(), isPublic, c.project(), all)
	if err != nil {
		fail(w, r, err)
		return
	}
	if es := q.Get("extra_specs"); es != "" && microversion.Of(r).AtLeast(3, 52) {
		want, err := parseDictParam(es)
		if err != nil {
			fail(w, r, err)
			return
		}
		types = filterTypeSpecs(types, want, a.allowed(c, "volume_extension:access_types_extra_specs", "")) // types_filter.go
	}
	items := make([]map[string]any, 0, len(types))
	for _, t := range types {
		items = append(items, a.typeView(c, t))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_types": items})
}

func (a *API) typeFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.VolumeType, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.VolumeType{}, false
	}
	if err := a.authorize(c, rule, ""); err != nil {
		fail(w, r, err)
		return c, store.VolumeType{}, false
	}
	t, err := a.resolveType(r.Context(), c, chi.URLParam(r, "id"))
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = store.TypeNotFound(chi.URLParam(r, "id"))
		}
		fail(w, r, err)
		return c, t, false
	}
	return c, t, true
}

// showType is GET /types/{id}.
func (a *API) showType(w http.ResponseWriter, r *http.Request) {
	c, t, ok := a.typeFor(w, r, "volume_extension:type_get")
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_type": a.typeView(c, t)})
	}
}

// defaultType is GET /types/default.
func (a *API) defaultType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	t, err := a.db.GetTypeByName(r.Context(), a.set.DefaultVolumeType)
	if err != nil {
		fail(w, r, fault.New(fault.NotFound, "Default volume type can not be found."))
		return
	}
	// The type access extension decorates the other type views, not
	// this one: no os-volume-type-access:is_public here.
	view := a.typeView(c, t)
	delete(view, "os-volume-type-access:is_public")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_type": view})
}

type typeBody struct {
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	IsPublic    any               `json:"os-volume-type-access:is_public"`
	IsPublic2   any               `json:"is_public"`
	ExtraSpecs  map[string]string `json:"extra_specs"`
}

func publicOf(b typeBody) (*bool, error) {
	v := b.IsPublic
	if v == nil {
		v = b.IsPublic2
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return &x, nil
	case string:
		if p, ok := boolParam(x); ok {
			return &p, nil
		}
	}
	return nil, invalid("Invalid value '%v' for is_public. Accepted values: True or False.", v)
}

// createType is POST /types (200, as upstream).
func (a *API) createType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req typeBody
	if err := decode(r, "volume_type", &req); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:type_create", ""); err != nil {
		fail(w, r, err)
		return
	}
	// cinder's schema (required, 1-255), then its blank-name check
	switch {
	case req.Name == nil:
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property"))
		return
	case len(*req.Name) == 0:
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute name. Value: . '' is too short"))
		return
	case len(*req.Name) > 255:
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute name. Value: %s. '%s' is too long", *req.Name, *req.Name))
		return
	case strings.TrimSpace(*req.Name) == "":
		fail(w, r, fault.New(fault.Invalid, "An invalid 'name' value was provided. The 'name' can not be empty."))
		return
	}
	if err := checkString("description", req.Description, 255); err != nil {
		fail(w, r, err)
		return
	}
	pub, err := publicOf(req)
	if err != nil {
		fail(w, r, err)
		return
	}
	t := store.VolumeType{ID: uuid.NewString(), Name: *req.Name, Description: req.Description, IsPublic: true, ExtraSpecs: req.ExtraSpecs}
	if pub != nil {
		t.IsPublic = *pub
	}
	t, err = a.db.CreateType(r.Context(), t)
	if err != nil {
		fail(w, r, err)
		return
	}
	view := a.typeView(c, t)
	delete(view, "qos_specs_id")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_type": view})
}

// updateType is PUT /types/{id}.
func (a *API) updateType(w http.ResponseWriter, r *http.Request) {
	var req typeBody
	if err := decode(r, "volume_type", &req); err != nil {
		fail(w, r, err)
		return
	}
	c, t, ok := a.typeFor(w, r, "volume_extension:type_update")
	if !ok {
		return
	}
	pub, err := publicOf(req)
	if err != nil {
		fail(w, r, err)
		return
	}
	if req.Name == nil && req.Description == nil && pub == nil {
		fail(w, r, invalid("Specify volume type name, description, is_public or a combination thereof."))
		return
	}
	if req.Name != nil && (*req.Name == "" || len(*req.Name) > 255) {
		fail(w, r, invalid("Volume type name can not be empty."))
		return
	}
	u := store.TypeUpdate{Name: req.Name, IsPublic: pub}
	if req.Description != nil {
		u.Description = &req.Description
	}
	t, err = a.db.UpdateType(r.Context(), t.ID, u)
	if err != nil {
		fail(w, r, err)
		return
	}
	view := a.typeView(c, t) // cinder's update view has neither key
	delete(view, "qos_specs_id")
	delete(view, "os-volume-type-access:is_public")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_type": view})
}

// deleteType is DELETE /types/{id}.
func (a *API) deleteType(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.typeFor(w, r, "volume_extension:type_delete")
	if !ok {
		return
	}
	if t.Name == a.set.DefaultVolumeType {
		fail(w, r, fault.New(fault.Invalid, "The volume type %s is a default volume type and cannot be deleted.", t.ID))
		return
	}
	if err := a.db.DeleteType(r.Context(), t.ID); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// typeAction is POST /types/{id}/action: addProjectAccess, removeProjectAccess.
func (a *API) typeAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]struct {
		Project string `json:"project"`
	}
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	for name, arg := range body {
		rule := "volume_extension:volume_type_access:" + name
		if name != "addProjectAccess" && name != "removeProjectAccess" {
			fail(w, r, noSuchAction(name))
			return
		}
		_, t, ok := a.typeFor(w, r, rule)
		if !ok {
			return
		}
		if arg.Project == "" {
			fail(w, r, fault.New(fault.Invalid, "Access list not available for public volume types."))
			return
		}
		if t.IsPublic {
			fail(w, r, fault.New(fault.Invalid, "Invalid volume type: Type access modification is not applicable to public volume type."))
			return
		}
		var err error
		if name == "addProjectAccess" {
			err = a.db.AddTypeAccess(r.Context(), t.ID, arg.Project)
		} else {
			err = a.db.RemoveTypeAccess(r.Context(), t.ID, arg.Project)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
}

// typeAccess is GET /types/{id}/os-volume-type-access.
func (a *API) typeAccess(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.typeFor(w, r, "volume_extension:volume_type_access:get_all_for_type")
	if !ok {
		return
	}
	if t.IsPublic {
		fail(w, r, fault.New(fault.NotFound, "Access list not available for public volume types."))
		return
	}
	ps, err := a.db.TypeAccess(r.Context(), t.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	items := []map[string]string{}
	for _, p := range ps {
		items = append(items, map[string]string{"volume_type_id": t.ID, "project_id": p})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume_type_access": items})
}

func (a *API) extraSpecs(w http.ResponseWriter, r *http.Request) {
	c, t, ok := a.typeFor(w, r, "volume_extension:types_extra_specs:index")
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extra_specs": a.typeView(c, t)["extra_specs"]})
	}
}

func (a *API) setExtraSpecs(w http.ResponseWriter, r *http.Request) {
	var specs map[string]any
	if err := decode(r, "extra_specs", &specs); err != nil {
		fail(w, r, err)
		return
	}
	_, t, ok := a.typeFor(w, r, "volume_extension:types_extra_specs:create")
	if !ok {
		return
	}
	out := t.ExtraSpecs
	add := map[string]string{}
	for k, v := range specs {
		s, err := specValue(k, v)
		if err != nil {
			fail(w, r, err)
			return
		}
		out[k], add[k] = s, s
	}
	if _, err := a.db.UpdateType(r.Context(), t.ID, store.TypeUpdate{ExtraSpecs: out}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extra_specs": add})
}

func specValue(k string, v any) (string, error) {
	if k == "" || len(k) > 255 {
		return "", invalid("Invalid extra_spec key %q.", k)
	}
	switch x := v.(type) {
	case string:
		if len(x) > 255 {
			return "", invalid("Invalid extra_spec value for %s: too long.", k)
		}
		return x, nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case float64:
		b, _ := json.Marshal(x)
		return string(b), nil
	}
	return "", fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %v. %v is not of type 'string', 'integer', 'boolean'", k, v, v)
}

func (a *API) extraSpec(w http.ResponseWriter, r *http.Request) {
	c, t, ok := a.typeFor(w, r, "volume_extension:types_extra_specs:show")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	specs, _ := a.typeView(c, t)["extra_specs"].(map[string]string)
	v, found := specs[key]
	if !found {
		fail(w, r, fault.New(fault.NotFound, "Volume Type %s has no extra specs with key %s.", t.ID, key))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]string{key: v})
}

func (a *API) putExtraSpec(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	v, ok := body[key]
	if !ok || len(body) != 1 {
		fail(w, r, fault.New(fault.Invalid, "Request body and URI mismatch"))
		return
	}
	s, err := specValue(key, v)
	if err != nil {
		fail(w, r, err)
		return
	}
	_, t, ok := a.typeFor(w, r, "volume_extension:types_extra_specs:update")
	if !ok {
		return
	}
	t.ExtraSpecs[key] = s
	if _, err := a.db.UpdateType(r.Context(), t.ID, store.TypeUpdate{ExtraSpecs: t.ExtraSpecs}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]string{key: s})
}

func (a *API) deleteExtraSpec(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.typeFor(w, r, "volume_extension:types_extra_specs:delete")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	if _, found := t.ExtraSpecs[key]; !found {
		fail(w, r, fault.New(fault.NotFound, "Volume Type %s has no extra specs with key %s.", t.ID, key))
		return
	}
	delete(t.ExtraSpecs, key)
	if _, err := a.db.UpdateType(r.Context(), t.ID, store.TypeUpdate{ExtraSpecs: t.ExtraSpecs}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
