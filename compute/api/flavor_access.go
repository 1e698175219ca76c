package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/api/extraspecs"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

type flavorAccess struct {
	FlavorID string `json:"flavor_id"`
	TenantID string `json:"tenant_id"`
}

func (a *API) accessList(r *http.Request, f objects.Flavor) ([]flavorAccess, error) {
	projects, err := a.store.FlavorAccess(r.Context(), f.FlavorID)
	if err != nil {
		return nil, err
	}
	out := make([]flavorAccess, len(projects))
	for i, p := range projects {
		out[i] = flavorAccess{FlavorID: f.FlavorID, TenantID: p}
	}
	return out, nil
}

// listFlavorAccess is api-ref "List Flavor Access Information For Given
// Flavor".
func (a *API) listFlavorAccess(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-access", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	f, err := a.store.GetFlavor(r.Context(), chi.URLParam(r, "flavor_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if f.IsPublic {
		writeErr(w, r, fault.New(fault.NotFound, "Access list not available for public flavors."))
		return
	}
	list, err := a.accessList(r, f)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"flavor_access": list})
}

// flavorAction is api-ref "Add Flavor Access To Tenant" and "Remove
// Flavor Access From Tenant".
func (a *API) flavorAction(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var action string
	for _, k := range []string{"addTenantAccess", "removeTenantAccess"} {
		if top.has(k) {
			action = k
		}
	}
	if action == "" || len(top) != 1 {
		writeErr(w, r, fault.New(fault.Invalid, "There is no such action: %s", firstKey(top)))
		return
	}
	rule := "os_compute_api:os-flavor-access:add_tenant_access"
	if action == "removeTenantAccess" {
		rule = "os_compute_api:os-flavor-access:remove_tenant_access"
	}
	if err := a.can(c, rule, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	inner, ok := top[action].(map[string]any)
	if !ok {
		writeErr(w, r, badField(action, top[action], "%s is not of type 'object'", repr(top[action])))
		return
	}
	b := body(inner)
	if err := b.only(action, "tenant"); err != nil {
		writeErr(w, r, err)
		return
	}
	tenant, _, err := b.str("tenant", true, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	f, err := a.store.GetFlavor(r.Context(), chi.URLParam(r, "flavor_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if action == "addTenantAccess" {
		if f.IsPublic {
			writeErr(w, r, fault.New(fault.Conflict, "Can not add access to a public flavor."))
			return
		}
		err = a.store.AddFlavorAccess(r.Context(), f, tenant)
	} else {
		err = a.store.RemoveFlavorAccess(r.Context(), f, tenant)
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.accessList(r, f)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"flavor_access": list})
}

func firstKey(b body) string {
	for k := range b {
		return k
	}
	return ""
}

// listExtraSpecs is api-ref "List Extra Specs For A Flavor".
func (a *API) listExtraSpecs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-extra-specs:index", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	f, err := a.flavorFor(r, c, chi.URLParam(r, "flavor_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extra_specs": f.ExtraSpecs})
}

var specKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9-_:. /]{1,255}$`)

// extraSpecs checks nova's extra specs object: keys of letters, digits
// and "-_:. /", values strings (numbers and booleans are turned into
// strings) up to 255 characters. From 2.86 each extra spec must also pass
// nova's validators (extraspecs.Validate: a known namespace's keys and
// their values), checked on the value as sent, in key order.
func extraSpecs(r *http.Request, v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badField("extra_specs", v, "%s is not of type 'object'", repr(v))
	}
	out, sent := map[string]string{}, map[string]string{}
	for k, x := range m {
		if !specKeyPattern.MatchString(k) {
			return nil, badField("extra_specs", v, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
		var s string
		switch t := x.(type) {
		case string:
			s = t
		case json.Number:
			s = t.String()
		case bool:
			if t {
				s = "True"
			} else {
				s = "False"
			}
		default:
			return nil, badField("extra_specs."+k, x, "%s is not of type 'string', 'number', 'boolean'", repr(x))
		}
		if utf8.RuneCountInString(s) > 255 {
			return nil, badField("extra_specs."+k, x, "%s is too long", repr(x))
		}
		sent[k] = s
		out[k] = strings.TrimSpace(s)
	}
	if atLeast(r, 86) {
		for _, k := range slices.Sorted(maps.Keys(sent)) {
			if err := extraspecs.Validate(k, sent[k]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// createExtraSpecs is api-ref "Create Extra Specs For A Flavor".
func (a *API) createExtraSpecs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-extra-specs:create", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := top.only("body", "extra_specs"); err != nil {
		writeErr(w, r, err)
		return
	}
	if !top.has("extra_specs") {
		writeErr(w, r, badField("body", map[string]any(top), "'extra_specs' is a required property"))
		return
	}
	specs, err := extraSpecs(r, top["extra_specs"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.SetExtraSpecs(r.Context(), chi.URLParam(r, "flavor_id"), specs); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extra_specs": specs})
}

// showExtraSpec is api-ref "Show An Extra Spec For A Flavor".
func (a *API) showExtraSpec(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-extra-specs:show", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	id, key := chi.URLParam(r, "flavor_id"), chi.URLParam(r, "key")
	f, err := a.flavorFor(r, c, id)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v, ok := f.ExtraSpecs[key]
	if !ok {
		writeErr(w, r, fault.New(fault.NotFound, "Flavor %s has no extra specs with key %s.", id, key))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]string{key: v})
}

// updateExtraSpec is api-ref "Update An Extra Spec For A Flavor".
func (a *API) updateExtraSpec(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-extra-specs:update", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(top) > 1 {
		writeErr(w, r, invalid("Request body contains too many items"))
		return
	}
	if !top.has(key) {
		writeErr(w, r, invalid("Request body and URI mismatch"))
		return
	}
	specs, err := extraSpecs(r, map[string]any(top))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.SetExtraSpecs(r.Context(), chi.URLParam(r, "flavor_id"), specs); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, specs)
}

// deleteExtraSpec is api-ref "Delete An Extra Spec For A Flavor".
func (a *API) deleteExtraSpec(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-extra-specs:delete", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.store.DeleteExtraSpec(r.Context(), chi.URLParam(r, "flavor_id"), chi.URLParam(r, "key")); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK) // nova answers 200 here (tempest checks it)
}
