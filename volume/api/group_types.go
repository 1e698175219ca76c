package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/volume/store"
)

// groupTypeRoutes adds group types and their specs (3.11+, cinder's
// group_types.py and group_specs.py).
func (a *API) groupTypeRoutes(r chi.Router) {
	g := r.With(microversion.Require(microversion.V(3, 11), microversion.Version{}))
	g.Get("/group_types", a.listGroupTypes)
	g.Post("/group_types", a.createGroupType)
	g.Get("/group_types/{id}", a.showGroupType)
	g.Put("/group_types/{id}", a.updateGroupType)
	g.Delete("/group_types/{id}", a.deleteGroupType)
	g.Get("/group_types/{id}/group_specs", a.listGroupSpecs)
	g.Post("/group_types/{id}/group_specs", a.createGroupSpecs)
	g.Get("/group_types/{id}/group_specs/{key}", a.showGroupSpec)
	g.Put("/group_types/{id}/group_specs/{key}", a.updateGroupSpec)
	g.Delete("/group_types/{id}/group_specs/{key}", a.deleteGroupSpec)
}

// groupTypeView is cinder's group type view; group_specs only for those
// allowed group:access_group_types_specs (admins).
func (a *API) groupTypeView(c caller, t store.GroupType) map[string]any {
	out := map[string]any{"id": t.ID, "name": t.Name, "description": t.Description, "is_public": t.IsPublic}
	if a.allowed(c, "group:access_group_types_specs", "") {
		out["group_specs"] = t.GroupSpecs
	}
	return out
}

// visibleProject is the project whose access a caller's group type
// look-ups are limited to: none for admins.
func visibleProject(c caller) string {
	if c.isAdmin() {
		return ""
	}
	return c.project()
}

// listGroupTypes is GET /group_types: admins may filter on is_public
// (absent: the public ones and those granted to their project; "None":
// all), others always see the public and granted ones.
func (a *API) listGroupTypes(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
	if err != nil {
		fail(w, r, err)
		return
	}
	t := true
	f := store.GroupTypeFilter{IsPublic: &t, Project: c.project()}
	if raw, ok := r.URL.Query()["is_public"]; ok && c.isAdmin() && len(raw) > 0 {
		v := raw[len(raw)-1]
		if strings.EqualFold(v, "none") {
			f.IsPublic = nil
		} else if b, ok := strictBool(v); ok {
			f.IsPublic = &b
		} else {
			fail(w, r, fault.New(fault.Invalid, "Invalid is_public filter [%s]", v))
			return
		}
	}
	offset, empty, err := offsetOf(httpapi.QueryOf(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	types := []store.GroupType{}
	if !empty {
		types, err = a.db.ListGroupTypes(r.Context(), f, sortsOf(p), p.Marker, p.Limit, offset)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	items := make([]map[string]any, 0, len(types))
	for _, t := range types {
		items = append(items, a.groupTypeView(c, t))
	}
	out := map[string]any{"group_types": items}
	if len(types) > 0 {
		if l := pagination.CollectionLinks(r, p, len(types), types[len(types)-1].ID); l != nil {
			out["group_type_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

func sortsOf(p pagination.Params) []store.Sort {
	out := make([]store.Sort, 0, len(p.Sort))
	for _, s := range p.Sort {
		out = append(out, store.Sort{Key: s.Key, Dir: s.Dir})
	}
	return out
}

// strictBool is oslo's bool_from_string(strict=True).
func strictBool(s string) (bool, bool) { return boolParam(s) }

// showGroupType is GET /group_types/{id}; "default" is the type named by
// [DEFAULT] default_group_type, which is unset here (404).
func (a *API) showGroupType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	if id == "default" {
		fail(w, r, fault.New(fault.NotFound, "Default group type can not be found."))
		return
	}
	t, err := a.db.GetGroupType(r.Context(), id, visibleProject(c))
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group_type": a.groupTypeView(c, t)})
}

// schemaBool is cinder's parameter_types.boolean.
var schemaBool = []string{"True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t",
	"False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f"}

func boolEnumMsg() string {
	parts := []string{"True"}
	for _, s := range schemaBool[:12] {
		parts = append(parts, "'"+s+"'")
	}
	parts = append(parts, "False")
	for _, s := range schemaBool[12:] {
		parts = append(parts, "'"+s+"'")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// schemaBoolOf reads a parameter_types.boolean property.
func schemaBoolOf(field string, raw json.RawMessage) (bool, error) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		for i, v := range schemaBool {
			if v == s {
				return i < 12, nil
			}
		}
		return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is not one of %s", field, s, s, boolEnumMsg())
	}
	return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'boolean', 'string'", field, raw, raw)
}

// schemaString reads a string property of a cinder schema: nullable
// allows null, min and max bound the length; name adds the 'name'
// format (not blank).
func schemaString(field string, raw json.RawMessage, nullable bool, min, max int) (*string, error) {
	if string(raw) == "null" {
		if nullable {
			return nil, nil
		}
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: None. None is not of type 'string'", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		types := "'string'"
		if nullable {
			types = "'string', 'null'"
		}
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type %s", field, raw, raw, types)
	}
	if n := len([]rune(s)); n > max {
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is too long", field, short(s), short(s))
	} else if n < min {
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is too short", field, s, s)
	}
	return &s, nil
}

// objectOf splits a JSON object into its members, refusing other members
// than allowed (cinder's additionalProperties: false).
func objectOf(field string, raw json.RawMessage, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'object'", field, short(string(raw)), short(string(raw)))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(allowed, k) {
			return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. Additional properties are not allowed ('%s' was unexpected)", field, pyDict(m), k)
		}
	}
	return m, nil
}

// pyDict renders a decoded object roughly as Python prints it, for
// cinder's validation messages.
func pyDict(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("'%s': %s", k, pyValue(m[k])))
	}
	return short("{" + strings.Join(parts, ", ") + "}")
}

func pyValue(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return "'" + x + "'"
	}
	return string(raw)
}

// groupSpecKey is the key pattern of cinder's group specs schema.
var groupSpecKey = regexp.MustCompile(`^[a-zA-Z0-9-_:.]{1,255}$`)

// groupSpecsOf reads a group_specs object: keys of the pattern, values
// strings up to 255 or null.
func groupSpecsOf(field string, raw json.RawMessage, keyPattern *regexp.Regexp) (map[string]*string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'object'", field, short(string(raw)), short(string(raw)))
	}
	out := map[string]*string{}
	for k, v := range m {
		if !keyPattern.MatchString(k) {
			return nil, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. Additional properties are not allowed ('%s' was unexpected)", field, pyDict(m), k)
		}
		s, err := schemaString(k, v, true, 0, 255)
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// createGroupType is POST /group_types (202, as cinder).
func (a *API) createGroupType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := decode(r, "group_type", &raw); err != nil {
		fail(w, r, err)
		return
	}
	m, err := objectOf("group_type", raw, "name", "description", "is_public", "group_specs")
	if err != nil {
		fail(w, r, err)
		return
	}
	if _, ok := m["name"]; !ok {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute group_type. Value: %s. 'name' is a required property", pyDict(m)))
		return
	}
	t := store.GroupType{ID: uuid.NewString(), IsPublic: true, GroupSpecs: map[string]*string{}}
	name, err := schemaString("name", m["name"], false, 1, 255)
	if err == nil && strings.TrimSpace(*name) == "" {
		err = fault.New(fault.Invalid, "Invalid input for field/attribute name. Value: %s. The 'name' can not be empty.", *name)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	t.Name = *name
	if d, ok := m["description"]; ok {
		if t.Description, err = schemaString("description", d, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	if p, ok := m["is_public"]; ok {
		if t.IsPublic, err = schemaBoolOf("is_public", p); err != nil {
			fail(w, r, err)
			return
		}
	}
	if s, ok := m["group_specs"]; ok && string(s) != "null" {
		if t.GroupSpecs, err = groupSpecsOf("group_specs", s, regexp.MustCompile(`^[a-zA-Z0-9-_:. /]{1,255}$`)); err != nil {
			fail(w, r, err)
			return
		}
	}
	if err := a.authorize(c, "group:group_types:create", ""); err != nil {
		fail(w, r, err)
		return
	}
	t, err = a.db.CreateGroupType(r.Context(), t)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"group_type": a.groupTypeView(c, t)})
}

// updateGroupType is PUT /group_types/{id}: name, description, is_public.
func (a *API) updateGroupType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := decode(r, "group_type", &raw); err != nil {
		fail(w, r, err)
		return
	}
	m, err := objectOf("group_type", raw, "name", "description", "is_public")
	if err != nil {
		fail(w, r, err)
		return
	}
	var u store.GroupTypeUpdate
	if v, ok := m["name"]; ok {
		if u.Name, err = schemaString("name", v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	if v, ok := m["description"]; ok {
		if u.Description, err = schemaString("description", v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	if v, ok := m["is_public"]; ok && string(v) != "null" {
		b, err := schemaBoolOf("is_public", v)
		if err != nil {
			fail(w, r, err)
			return
		}
		u.IsPublic = &b
	}
	if err := a.authorize(c, "group:group_types:update", ""); err != nil {
		fail(w, r, err)
		return
	}
	if u.Name != nil && *u.Name != "" && strings.TrimSpace(*u.Name) == "" {
		fail(w, r, fault.New(fault.Invalid, "Group type name can not be empty."))
		return
	}
	if u.Name != nil && *u.Name == "" {
		u.Name = nil // cinder: an empty name is "no name change"
	}
	if u.Name == nil && u.Description == nil && u.IsPublic == nil {
		fail(w, r, fault.New(fault.Invalid, "Specify group type name, description or a combination thereof."))
		return
	}
	t, err := a.db.UpdateGroupType(r.Context(), chi.URLParam(r, "id"), u)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group_type": a.groupTypeView(c, t)})
}

// deleteGroupType is DELETE /group_types/{id}; a type groups use is 400.
func (a *API) deleteGroupType(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "group:group_types:delete", ""); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	t, err := a.db.GetGroupType(ctx, chi.URLParam(r, "id"), visibleProject(c))
	if err == nil {
		err = a.db.DeleteGroupType(ctx, t.ID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// groupTypeFor loads the group type of a group specs request after its
// policy check.
func (a *API) groupTypeFor(w http.ResponseWriter, r *http.Request, rule string) (store.GroupType, bool) {
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, rule, "")
	}
	var t store.GroupType
	if err == nil {
		t, err = a.db.GetGroupType(r.Context(), chi.URLParam(r, "id"), visibleProject(c))
	}
	if err != nil {
		fail(w, r, err)
		return t, false
	}
	return t, true
}

// listGroupSpecs is GET /group_types/{id}/group_specs.
func (a *API) listGroupSpecs(w http.ResponseWriter, r *http.Request) {
	t, ok := a.groupTypeFor(w, r, "group:group_types_specs:get_all")
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group_specs": t.GroupSpecs})
	}
}

// createGroupSpecs is POST /group_types/{id}/group_specs (202): adds or
// replaces the given specs and answers the body.
func (a *API) createGroupSpecs(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	raw, ok := body["group_specs"]
	if !ok {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute body. Value: %s. 'group_specs' is a required property", pyDict(body)))
		return
	}
	for k := range body {
		if k != "group_specs" {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute body. Value: %s. Additional properties are not allowed ('%s' was unexpected)", pyDict(body), k))
			return
		}
	}
	specs, err := groupSpecsOf("group_specs", raw, groupSpecKey)
	if err != nil {
		fail(w, r, err)
		return
	}
	t, ok := a.groupTypeFor(w, r, "group:group_types_specs:create")
	if !ok {
		return
	}
	if _, err := a.db.UpdateGroupType(r.Context(), t.ID, store.GroupTypeUpdate{Specs: specs}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"group_specs": specs})
}

// showGroupSpec is GET /group_types/{id}/group_specs/{key}.
func (a *API) showGroupSpec(w http.ResponseWriter, r *http.Request) {
	t, ok := a.groupTypeFor(w, r, "group:group_types_specs:get")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	v, found := t.GroupSpecs[key]
	if !found {
		fail(w, r, fault.New(fault.NotFound, "Group Type %s has no extra spec with key %s.", t.ID, key))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{key: v})
}

// updateGroupSpec is PUT /group_types/{id}/group_specs/{key}: a body of
// exactly that one key.
func (a *API) updateGroupSpec(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	if len(body) != 1 {
		msg := "does not have enough properties"
		if len(body) > 1 {
			msg = "has too many properties"
		}
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute body. Value: %s. %s %s", pyDict(body), pyDict(body), msg))
		return
	}
	raw, _ := json.Marshal(body)
	specs, err := groupSpecsOf("body", raw, groupSpecKey)
	if err != nil {
		fail(w, r, err)
		return
	}
	t, ok := a.groupTypeFor(w, r, "group:group_types_specs:update")
	if !ok {
		return
	}
	if _, found := specs[chi.URLParam(r, "key")]; !found {
		fail(w, r, fault.New(fault.Invalid, "Request body and URI mismatch"))
		return
	}
	if _, err := a.db.UpdateGroupType(r.Context(), t.ID, store.GroupTypeUpdate{Specs: specs}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, specs)
}

// deleteGroupSpec is DELETE /group_types/{id}/group_specs/{key} (202).
func (a *API) deleteGroupSpec(w http.ResponseWriter, r *http.Request) {
	t, ok := a.groupTypeFor(w, r, "group:group_types_specs:delete")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	if _, err := a.db.UpdateGroupType(r.Context(), t.ID, store.GroupTypeUpdate{DeleteSpec: &key}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
