package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/policy"
)

// caller is the authenticated user of a request (nova's RequestContext).
type caller struct {
	*auth.Context
	r *http.Request
}

func callerOf(r *http.Request) (caller, error) {
	c, ok := auth.FromContext(r.Context())
	if !ok {
		return caller{}, fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	return caller{Context: c, r: r}, nil
}

// can checks a rule against a target (the caller's project and user when
// nil) and returns the 403 when it fails.
func (a *API) can(c caller, rule string, target policy.Target) error {
	if target == nil {
		target = policy.Target{"project_id": c.ProjectID, "user_id": c.UserID}
	}
	return a.policy.Enforce(c.Credentials(), rule, target)
}

// allowed is can without the error.
func (a *API) allowed(c caller, rule string, target policy.Target) bool {
	return a.can(c, rule, target) == nil
}

func projectTarget(projectID string) policy.Target { return policy.Target{"project_id": projectID} }

func version(r *http.Request) microversion.Version { return microversion.Of(r) }

func atLeast(r *http.Request, minor int) bool { return version(r).AtLeast(2, minor) }

// rpcCtx is the request's ctx carrying the caller for RPC.
func rpcCtx(r *http.Request) context.Context { return auth.WithRPC(r.Context()) }

// instanceFor loads the server of the URL and checks the rule on it; a
// server of another project is 404 for callers the policy would refuse,
// as nova's get_instance then can() order does for non-admins (their
// database queries are scoped to their project).
func (a *API) instanceFor(r *http.Request, c caller, rule string) (objects.Instance, error) {
	id := chi.URLParam(r, "server_id")
	in, err := a.store.GetInstance(r.Context(), id, false)
	if err != nil {
		return in, err
	}
	if in.ProjectID != c.ProjectID && !c.IsAdmin {
		return objects.Instance{}, store.InstanceNotFound(id)
	}
	if rule != "" {
		if err := a.can(c, rule, projectTarget(in.ProjectID)); err != nil {
			return objects.Instance{}, err
		}
	}
	return in, nil
}

func writeErr(w http.ResponseWriter, r *http.Request, err error) { httpapi.WriteError(w, r, err) }

func invalid(format string, args ...any) error { return fault.New(fault.Invalid, format, args...) }
