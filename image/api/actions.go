package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// deactivate is POST /v2/images/{image_id}/actions/deactivate (api-ref:
// Deactivate image): 204; an active image becomes deactivated, a
// deactivated one stays so; other statuses are 403.
func (a *API) deactivate(w http.ResponseWriter, r *http.Request) {
	a.action(w, r, "deactivate", registry.StatusActive, registry.StatusDeactivated)
}

// reactivate is POST /v2/images/{image_id}/actions/reactivate (api-ref:
// Reactivate image): the reverse of deactivate.
func (a *API) reactivate(w http.ResponseWriter, r *http.Request) {
	a.action(w, r, "reactivate", registry.StatusDeactivated, registry.StatusActive)
}

func (a *API) action(w http.ResponseWriter, r *http.Request, rule, from, to string) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	im, err := a.getImage(r.Context(), c, chi.URLParam(r, "image_id"))
	if err == nil {
		err = a.enforce(c, rule, im)
	}
	if err == nil {
		err = a.checkMutable(c, im)
	}
	if err == nil && im.Status != to {
		if im.Status != from {
			err = fault.New(fault.Forbidden, "Not allowed to %s image in status '%s'", rule, im.Status)
		} else {
			im.Status = to
			_, err = a.reg.Save(r.Context(), im, registry.SaveOptions{FromStatus: from})
		}
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
