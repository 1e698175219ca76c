package api

import (
	"maps"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// updateImage is PATCH /v2/images/{image_id} (api-ref: Update image):
// JSON patch add/replace/remove of core attributes and custom
// properties; 200 with the whole updated image.
func (a *API) updateImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	changes, err := decodePatch(r)
	if err != nil {
		writePatchError(w, r, err)
		return
	}
	im, err := a.getImage(r.Context(), c, chi.URLParam(r, "image_id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	before := im
	before.Properties = maps.Clone(im.Properties)
	for _, ch := range changes {
		if err := a.apply(c, &im, ch); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
	}
	if err := a.checkUpdateQuotas(before, im); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if len(changes) > 0 {
		if im, err = a.reg.Save(r.Context(), im, registry.SaveOptions{}); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
	}
	a.writeImage(w, r, http.StatusOK, im, c)
}

// apply is glance's _do_add, _do_replace and _do_remove for one change.
func (a *API) apply(c caller, im *registry.Image, ch change) error {
	root := ch.path[0]
	if root == "locations" {
		return a.applyLocations(c, im, ch)
	}
	if root == "visibility" && ch.op != "remove" {
		v, _ := ch.value.(string)
		if err := a.enforceVisibility(c, v, imageTarget(*im)); err != nil {
			return err
		}
	}
	if ch.op == "replace" && root == "owner" && !c.isAdmin() {
		return fault.New(fault.Forbidden, "Owner can't be updated by non admin.")
	}
	if err := a.enforce(c, "modify_image", *im); err != nil {
		return err
	}
	if err := a.checkMutable(c, *im); err != nil {
		return err
	}
	_, isExtra := im.Properties[root]
	switch ch.op {
	case "add":
		if ch.draft == 4 && (isCore(root) || isExtra) {
			return fault.New(fault.Conflict, "Property %s already present.", root)
		}
		return setValue(im, root, ch.value)
	case "replace":
		if !isCore(root) && !isExtra {
			return fault.New(fault.Conflict, "Property %s does not exist.", root)
		}
		return setValue(im, root, ch.value)
	default: // remove
		if isCore(root) {
			return fault.New(fault.Forbidden, "Property %s may not be removed.", root)
		}
		if !isExtra {
			return fault.New(fault.Conflict, "Property %s does not exist.", root)
		}
		delete(im.Properties, root)
	}
	return nil
}

func setValue(im *registry.Image, k string, v any) error {
	if isCore(k) {
		return setCore(im, k, v, true)
	}
	s, _ := v.(string)
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.Properties[k] = s
	return nil
}

// applyLocations refuses location changes while locations are hidden, as
// glance does with show_multiple_locations off (the only mode served).
func (a *API) applyLocations(_ caller, _ *registry.Image, ch change) error {
	verb := map[string]string{"add": "add", "replace": "update", "remove": "remove"}[ch.op]
	if !a.set.ShowMultipleLocations {
		return fault.New(fault.Forbidden, "It's not allowed to %s locations if locations are invisible.", verb)
	}
	return fault.New(fault.NotImplemented, "Changing image locations is not implemented.")
}

// checkUpdateQuotas is the tag quota of a new tag list and, when the
// patch added a property, the property quota (glance's ImageRepoProxy.save).
func (a *API) checkUpdateQuotas(before, after registry.Image) error {
	if !slices.Equal(before.Tags, after.Tags) {
		if err := a.checkTagQuota(after.Tags); err != nil {
			return err
		}
	}
	if addedProperties(before, after) {
		return a.checkPropertyQuota(after.Properties)
	}
	return nil
}
