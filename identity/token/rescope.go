package token

import "github.com/gostack/gostack/services/fault"

// CheckRescope applies keystone's rules for making a token from another one
// with the token auth method (keystone/auth/plugins/token.py): a
// system-scoped token cannot become a project- or domain-scoped one, and
// with [token] allow_rescope_scoped_token = false only an unscoped token
// can be exchanged. r is the requested token. A refusal is keystone's
// 403 ForbiddenAction.
func CheckRescope(parent Payload, r Request, allowRescopeScoped bool) error {
	if parent.System != "" && (r.ProjectID != "" || r.DomainID != "") {
		// The doubled full stop is keystone's: the action ends with one and
		// the message format adds another.
		return forbiddenAction("Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed.")
	}
	if !allowRescopeScoped && (parent.ProjectID != "" || parent.DomainID != "") {
		return forbiddenAction("rescope a scoped token")
	}
	return nil
}

func forbiddenAction(action string) error {
	return fault.New(fault.Forbidden, "You are not authorized to perform the requested action: %s.", action)
}
