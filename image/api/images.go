package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// createImage is POST /v2/images (api-ref: Create image): 201 with the
// new, queued image and its Location.
func (a *API) createImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	req, err := decodeCreate(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	im, err := a.newImage(c, req)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.authorizeCreate(c, im); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.checkTagQuota(im.Tags); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.checkPropertyQuota(im.Properties); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.reg.Create(r.Context(), im); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", httpapi.BaseURL(r)+"/v2/images/"+im.ID)
	if len(a.set.ImportMethods) > 0 {
		// What the SDK reads to choose the import path (create --import).
		w.Header().Set("OpenStack-image-import-methods", strings.Join(a.set.ImportMethods, ","))
	}
	a.writeImage(w, r, http.StatusCreated, im, c)
}

// newImage builds the image glance's ImageFactory.new_image would.
func (a *API) newImage(c caller, req createRequest) (registry.Image, error) {
	now := a.reg.Now()
	im := registry.Image{
		ID: uuid.NewString(), Status: registry.StatusQueued, Visibility: "shared",
		CreatedAt: now, UpdatedAt: now, Properties: req.extra, Tags: req.tags,
	}
	if im.Tags == nil {
		im.Tags = []string{}
	}
	owner := c.project()
	im.Owner = &owner
	for k, v := range req.core {
		if err := setCore(&im, k, v, false); err != nil {
			return registry.Image{}, err
		}
	}
	return im, nil
}

// authorizeCreate is ImageAPIPolicy.add_image: add_image, the
// visibility's rule, and the legacy same-owner check.
func (a *API) authorizeCreate(c caller, im registry.Image) error {
	owner := ""
	if im.Owner != nil {
		owner = *im.Owner
	}
	target := map[string]any{"project_id": owner, "owner": owner, "visibility": im.Visibility}
	if err := a.policy.Enforce(c.creds, "add_image", target); err != nil {
		if owner != c.project() {
			return fault.Wrap(err, fault.Forbidden, "You are not permitted to create images owned by '%s'", owner)
		}
		return err
	}
	if err := a.enforceVisibility(c, im.Visibility, target); err != nil {
		return err
	}
	if !a.set.EnforceSecureRBAC && !c.isAdmin() && owner != c.project() {
		return fault.New(fault.Forbidden, "You are not permitted to create images owned by '%s'.", owner)
	}
	return nil
}

// enforceVisibility is glance's _enforce_image_visibility.
func (a *API) enforceVisibility(c caller, visibility string, target map[string]any) error {
	switch visibility {
	case "public":
		return a.policy.Enforce(c.creds, "publicize_image", target)
	case "community":
		return a.policy.Enforce(c.creds, "communitize_image", target)
	}
	return nil
}

// showImage is GET /v2/images/{image_id} (api-ref: Show image). An
// unknown id, a name, or an image the caller may not see is 404.
func (a *API) showImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	im, err := a.getImage(r.Context(), c, chi.URLParam(r, "image_id"))
	if err == nil {
		err = a.enforce(c, "get_image", im)
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	a.writeImage(w, r, http.StatusOK, im, c)
}

// deleteImage is DELETE /v2/images/{image_id} (api-ref: Delete image):
// 204; 403 if protected; 409, deleting nothing, while the data is in use
// (clones of its RBD snapshot).
func (a *API) deleteImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	id := chi.URLParam(r, "image_id")
	if err := a.delete(r, c, id); err != nil {
		httpapi.WriteError(w, r, reword(err, fault.NotFound, "Failed to find image %s to delete", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) delete(r *http.Request, c caller, id string) error {
	ctx := r.Context()
	im, err := a.getImage(ctx, c, id)
	if err != nil {
		return err
	}
	if err := a.enforce(c, "delete_image", im); err != nil {
		return err
	}
	if err := a.checkMutable(c, im); err != nil {
		return err
	}
	if im.Protected {
		return fault.New(fault.Forbidden, "Image %s is protected and cannot be deleted.", id)
	}
	for _, loc := range im.Locations {
		err := a.store.Delete(ctx, loc.URL)
		switch {
		case err == nil:
		case fault.KindOf(err) == fault.NotFound:
			a.log.WarnContext(ctx, "image data not found in the store; the record is deleted anyway",
				"image_id", id, "location", loc.URL)
		case fault.KindOf(err) == fault.Conflict:
			return err
		default:
			return fmt.Errorf("delete data of image %s: %w", id, err)
		}
	}
	if err := a.reg.Delete(ctx, id); err != nil {
		return err
	}
	if a.staging != nil {
		if err := a.staging.Remove(id); err != nil {
			a.log.WarnContext(ctx, "could not remove the staged data of a deleted image", "image_id", id, "error", err.Error())
		}
	}
	return nil
}
