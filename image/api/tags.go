package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/schema"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// addTag is PUT /v2/images/{image_id}/tags/{tag} (api-ref: Add image
// tag): 204, idempotent.
func (a *API) addTag(w http.ResponseWriter, r *http.Request) {
	id, tag := chi.URLParam(r, "image_id"), chi.URLParam(r, "tag_value")
	if err := schema.ValidateImage(map[string]any{"tags": []any{tag}}); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	err := a.changeTags(r, id, func(im *registry.Image) error {
		if !slices.Contains(im.Tags, tag) {
			im.Tags = append(im.Tags, tag)
		}
		if err := a.checkTagQuota(im.Tags); err != nil {
			return fault.Wrap(err, fault.TooLarge, "Image tag limit exceeded for image %s: %s:", id, fault.MessageOf(err))
		}
		return nil
	})
	if err != nil {
		httpapi.WriteError(w, r, tagError(err, id, "update"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteTag is DELETE /v2/images/{image_id}/tags/{tag} (api-ref: Delete
// image tag): 204; 404 when the image does not have the tag.
func (a *API) deleteTag(w http.ResponseWriter, r *http.Request) {
	id, tag := chi.URLParam(r, "image_id"), chi.URLParam(r, "tag_value")
	missing := false
	err := a.changeTags(r, id, func(im *registry.Image) error {
		i := slices.Index(im.Tags, tag)
		if i < 0 {
			missing = true
			return fault.New(fault.NotFound, httpapi.MsgNotFound)
		}
		im.Tags = slices.Delete(im.Tags, i, i+1)
		return nil
	})
	if err != nil {
		if !missing {
			err = tagError(err, id, "delete")
		}
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) changeTags(r *http.Request, id string, change func(*registry.Image) error) error {
	c, err := callerOf(r)
	if err != nil {
		return err
	}
	im, err := a.getImage(r.Context(), c, id)
	if err != nil {
		return err
	}
	if err := a.enforce(c, "modify_image", im); err != nil {
		return err
	}
	if err := a.checkMutable(c, im); err != nil {
		return err
	}
	if err := change(&im); err != nil {
		return err
	}
	_, err = a.reg.Save(r.Context(), im, registry.SaveOptions{})
	return err
}

// tagError words errors as glance's image_tags controller.
func tagError(err error, id, verb string) error {
	switch fault.KindOf(err) {
	case fault.NotFound:
		return fault.Wrap(err, fault.NotFound, "Image %s not found.", id)
	case fault.Forbidden:
		return fault.Wrap(err, fault.Forbidden, "Not allowed to %s tags for image %s.", verb, id)
	}
	return err
}
