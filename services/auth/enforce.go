package auth

import (
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// Enforce checks rule for the request's caller and returns nil, or the
// fault for httpapi.WriteError: Forbidden with the enforcer's message, or
// Unauthorized when the request carries no Context (a request let through
// by delay_auth_decision). A nil target is nova's and cinder's default,
// {"project_id": caller's project, "user_id": caller's user}.
func Enforce(r *http.Request, enforcer *policy.Enforcer, rule string, target policy.Target) error {
	c, ok := FromContext(r.Context())
	if !ok {
		return fault.New(fault.Unauthorized, httpapi.MsgAuthRequired)
	}
	if target == nil {
		target = policy.Target{"project_id": c.ProjectID, "user_id": c.UserID}
	}
	return enforcer.Enforce(c.Credentials(), rule, target)
}
