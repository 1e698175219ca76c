package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// caller is the authenticated user of a request, as glance's
// RequestContext: its project is the "owner" of what it creates.
type caller struct {
	ctx   *auth.Context
	creds *policy.Credentials
}

func (c caller) project() string { return c.ctx.ProjectID }
func (c caller) isAdmin() bool   { return c.ctx.IsAdmin }
func (c caller) viewer() registry.Viewer {
	return registry.Viewer{ProjectID: c.ctx.ProjectID, IsAdmin: c.ctx.IsAdmin}
}

// callerOf returns the request's caller, or a 401 when the request was
// not authenticated.
func callerOf(r *http.Request) (caller, error) {
	c, ok := auth.FromContext(r.Context())
	if !ok {
		return caller{}, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	return caller{ctx: c, creds: c.Credentials()}, nil
}

// imageTarget is the policy target of an image (glance's ImageTarget):
// its attributes and custom properties, with project_id meaning owner.
func imageTarget(im registry.Image) policy.Target {
	t := policy.Target{}
	for k, v := range im.Properties {
		t[k] = v
	}
	owner := deref(im.Owner)
	t["id"] = im.ID
	t["name"] = deref(im.Name)
	t["owner"] = owner
	t["project_id"] = owner
	t["visibility"] = im.Visibility
	t["status"] = im.Status
	t["protected"] = im.Protected
	t["os_hidden"] = im.OSHidden
	return t
}

func deref(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// enforce checks a rule on an existing image. As glance's
// ImageAPIPolicy, a refusal is 404 when the caller may not even get the
// image, so that nothing reveals images one cannot see.
func (a *API) enforce(c caller, rule string, im registry.Image) error {
	t := imageTarget(im)
	err := a.policy.Enforce(c.creds, rule, t)
	if err == nil || fault.KindOf(err) != fault.Forbidden {
		return err
	}
	if rule == "get_image" || a.policy.Enforce(c.creds, "get_image", t) != nil {
		return fault.Wrap(err, fault.NotFound, httpapi.MsgNotFound)
	}
	return err
}

// checkMutable is glance's legacy check_is_image_mutable: only an admin
// or the owning project may change an image. As upstream, it applies only
// while [DEFAULT] enforce_secure_rbac is off; with it on, the policy
// rules alone decide.
func (a *API) checkMutable(c caller, im registry.Image) error {
	if a.set.EnforceSecureRBAC || c.isAdmin() {
		return nil
	}
	if im.Owner == nil || c.project() == "" || *im.Owner != c.project() {
		return fault.New(fault.Forbidden, "You do not own this image")
	}
	return nil
}

// visible is glance's is_image_visible.
func (a *API) visible(ctx context.Context, c caller, im registry.Image) (bool, error) {
	switch {
	case c.isAdmin(), im.Owner == nil, im.Visibility == "public", im.Visibility == "community":
		return true, nil
	case c.project() == "":
		return false, nil
	case *im.Owner == c.project():
		return true, nil
	case im.Visibility == "shared":
		return a.reg.IsMember(ctx, im.ID, c.project())
	}
	return false, nil
}

// getImage loads an image the caller may see; any other is glance's 404
// "No image found with ID ...".
func (a *API) getImage(ctx context.Context, c caller, id string) (registry.Image, error) {
	im, err := a.reg.Get(ctx, id)
	if err != nil {
		return registry.Image{}, err
	}
	ok, err := a.visible(ctx, c, im)
	if err != nil {
		return registry.Image{}, err
	}
	if !ok {
		return registry.Image{}, fault.New(fault.NotFound, "No image found with ID %s", id)
	}
	return im, nil
}

// reword replaces the user-facing message of a NotFound error, keeping
// the cause, as glance's controllers do per operation.
func reword(err error, kind fault.Kind, format string, args ...any) error {
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Kind == kind {
		return fault.Wrap(err, kind, format, args...)
	}
	return err
}
