package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// sizer is the store's Size: the length of the data at a location.
type sizer interface {
	Size(ctx context.Context, uri string) (int64, error)
}

// addLocation is glance's "Add Location" (POST
// /v2/images/{image_id}/locations, images API 2.17): a service (nova's
// direct snapshot) or the owning project registers data it put in the
// store itself. Only a queued image takes a location; it becomes active
// with the data's size. The location must be in this store's pool (a
// consumer cannot point an image at data elsewhere). 202, no body.
func (a *API) addLocation(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	v, err := readJSON(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	body, ok := v.(map[string]any)
	if !ok {
		httpapi.WriteError(w, r, fault.New(fault.Invalid, "The request body must be a JSON object with a url."))
		return
	}
	for k := range body {
		if k != "url" && k != "validation_data" {
			httpapi.WriteError(w, r, fault.New(fault.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k))
			return
		}
	}
	uri, _ := body["url"].(string)
	if uri == "" {
		httpapi.WriteError(w, r, fault.New(fault.Invalid, "'url' is a required property"))
		return
	}
	var algo, hash string
	if vd, ok := body["validation_data"]; ok && vd != nil {
		m, ok := vd.(map[string]any)
		if !ok {
			httpapi.WriteError(w, r, fault.New(fault.Invalid, "'validation_data' is not of type 'object'"))
			return
		}
		algo, _ = m["os_hash_algo"].(string)
		hash, _ = m["os_hash_value"].(string)
		if (algo == "") != (hash == "") {
			httpapi.WriteError(w, r, fault.New(fault.Invalid, "validation_data needs both os_hash_algo and os_hash_value."))
			return
		}
	}
	id := chi.URLParam(r, "image_id")
	im, err := a.getImage(r.Context(), c, id)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	// glance's add_image_location default: service role, or a member of
	// the owning project; an admin too.
	roles := c.ctx.Roles
	owner, _ := deref(im.Owner).(string)
	if !c.isAdmin() && !slices.Contains(roles, "service") && !(slices.Contains(roles, "member") && owner == c.project()) {
		httpapi.WriteError(w, r, fault.New(fault.Forbidden, "You are not authorized to add a location to image %s.", id))
		return
	}
	if im.Status != registry.StatusQueued {
		httpapi.WriteError(w, r, fault.New(fault.Conflict, "The location of image %s can only be added while it is queued; it is %s.", id, im.Status))
		return
	}
	loc, err := rbd.ParseLocation(uri)
	if err != nil {
		httpapi.WriteError(w, r, fault.Wrap(err, fault.Invalid, "Invalid location %s: it must be rbd://FSID/POOL/IMAGE/SNAP.", uri))
		return
	}
	if p, ok := a.store.(interface{ Pool() string }); ok && loc.Pool != "" && loc.Pool != p.Pool() {
		httpapi.WriteError(w, r, fault.New(fault.Invalid, "Invalid location %s: the image store keeps images in pool %s.", uri, p.Pool()))
		return
	}
	sz, ok := a.store.(sizer)
	if !ok {
		httpapi.WriteError(w, r, fault.New(fault.Unavailable, "The image store cannot check locations."))
		return
	}
	size, err := sz.Size(r.Context(), uri)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound || strings.Contains(strings.ToLower(err.Error()), "not found") {
			err = fault.Wrap(err, fault.Invalid, "Invalid location %s: there is no data there.", uri)
		}
		httpapi.WriteError(w, r, err)
		return
	}
	im.Size = &size
	if deref2(im.DiskFormat) == "raw" {
		vs := size
		im.VirtualSize = &vs
	}
	if algo != "" {
		im.OSHashAlgo, im.OSHashValue = &algo, &hash
	}
	im.Status = registry.StatusActive
	im.Locations = []registry.Location{{URL: uri, Metadata: map[string]any{}, Status: "active"}}
	if _, err := a.reg.Save(r.Context(), im, registry.SaveOptions{FromStatus: registry.StatusQueued, Locations: true}); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			err = fault.New(fault.Conflict, "Image %s changed status while its location was added.", id)
		}
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
