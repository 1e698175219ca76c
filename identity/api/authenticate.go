package api

import (
	"context"
	"errors"
	"slices"

	"github.com/gostack/gostack/identity/password"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// unauthorized is keystone's 401 that does not say why, so that a wrong
// password and an unknown user look the same.
func unauthorized(cause error) error {
	if cause == nil {
		cause = errors.New("authentication failed")
	}
	return fault.Wrap(cause, fault.Unauthorized, httpapi.MsgAuthRequired)
}

// authResult is who authenticated and how.
type authResult struct {
	user    store.User
	methods []string
	parent  *tokenInfo     // the token presented with the token method
	appCred *store.AppCred // the application credential used
}

// authenticateMethods runs every method the request names; all must name
// the same user (keystone's AuthInfo and its plugins).
func (a *API) authenticateMethods(ctx context.Context, req *authRequest) (*authResult, error) {
	if len(req.Identity.Methods) == 0 {
		return nil, unauthorized(errors.New("no methods"))
	}
	res := &authResult{}
	for _, m := range req.Identity.Methods {
		var u store.User
		var err error
		switch m {
		case "password":
			u, err = a.passwordMethod(ctx, req)
		case "token":
			u, err = a.tokenMethod(ctx, req, res)
		case "application_credential":
			u, err = a.appCredMethod(ctx, req, res)
		default:
			return nil, fault.New(fault.Unauthorized, "Attempted to authenticate with an unsupported method.")
		}
		if err != nil {
			return nil, err
		}
		if res.user.ID != "" && res.user.ID != u.ID {
			return nil, unauthorized(errors.New("methods name different users"))
		}
		res.user = u
		if !slices.Contains(res.methods, m) {
			res.methods = append(res.methods, m)
		}
	}
	return res, nil
}

// lookupUser finds a user by id, or by name in a domain by id or name;
// any failure is a bare 401.
func (a *API) lookupUser(ctx context.Context, ref idName) (store.User, error) {
	if ref.ID != "" {
		u, err := a.store.GetUser(ctx, ref.ID)
		if err != nil {
			return store.User{}, unauthorized(err)
		}
		return u, nil
	}
	if ref.Domain == nil {
		return store.User{}, unauthorized(errors.New("user name without domain"))
	}
	d, err := a.store.ResolveDomain(ctx, ref.Domain.ID, ref.Domain.Name)
	if err != nil {
		return store.User{}, unauthorized(err)
	}
	if !d.Enabled {
		return store.User{}, unauthorized(errors.New("domain disabled"))
	}
	u, err := a.store.GetUserByName(ctx, d.ID, ref.Name)
	if err != nil {
		return store.User{}, unauthorized(err)
	}
	return u, nil
}

// checkUserUsable refuses disabled users and users of disabled domains.
func (a *API) checkUserUsable(ctx context.Context, u store.User) error {
	if !u.Enabled {
		return fault.New(fault.Unauthorized, "The account is disabled for user: %s.", u.ID)
	}
	d, err := a.store.GetDomain(ctx, u.DomainID)
	if err != nil {
		return unauthorized(err)
	}
	if !d.Enabled {
		return unauthorized(errors.New("the user's domain is disabled"))
	}
	return nil
}

func (a *API) passwordMethod(ctx context.Context, req *authRequest) (store.User, error) {
	pw := req.Identity.Password
	if pw.User.Password == nil {
		return store.User{}, unauthorized(errors.New("no password"))
	}
	u, err := a.lookupUser(ctx, pw.User.idName)
	if err != nil {
		// Hash anyway, so timing does not tell whether the user exists.
		password.Check(a.dummyHash(), *pw.User.Password)
		return store.User{}, err
	}
	if !password.Check(u.PasswordHash, *pw.User.Password) {
		return store.User{}, unauthorized(errors.New("wrong password"))
	}
	if err := a.checkUserUsable(ctx, u); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// dummyHash is a hash at the configured cost, compared against when the
// user does not exist.
func (a *API) dummyHash() string {
	a.dummyOnce.Do(func() {
		a.dummy, _ = password.Hash(store.NewID(), a.set.PasswordCost)
	})
	return a.dummy
}

func (a *API) tokenMethod(ctx context.Context, req *authRequest, res *authResult) (store.User, error) {
	parent, err := a.validate(ctx, req.Identity.Token.ID)
	if err != nil {
		// keystone's token plugin lets validate_token's TokenNotFound
		// through: a 404, not a 401.
		return store.User{}, token.NotFound(req.Identity.Token.ID, err)
	}
	res.parent = parent
	return parent.User, nil
}

func (a *API) appCredMethod(ctx context.Context, req *authRequest, res *authResult) (store.User, error) {
	ref := req.Identity.AppCred
	var ac store.AppCred
	var err error
	switch {
	case ref.ID != "":
		ac, err = a.store.GetAppCred(ctx, ref.ID)
	case ref.Name != "" && ref.User != nil:
		var u store.User
		if u, err = a.lookupUser(ctx, *ref.User); err == nil {
			ac, err = a.store.GetAppCredByName(ctx, u.ID, ref.Name)
		}
	default:
		return store.User{}, expecting("id or name and user", "application_credential")
	}
	if err != nil {
		return store.User{}, unauthorized(err)
	}
	if !password.Check(ac.SecretHash, ref.Secret) {
		return store.User{}, unauthorized(errors.New("wrong application credential secret"))
	}
	if ac.ExpiresAt != nil && !a.now().Before(*ac.ExpiresAt) {
		return store.User{}, unauthorized(errors.New("application credential expired"))
	}
	u, err := a.store.GetUser(ctx, ac.UserID)
	if err != nil {
		return store.User{}, unauthorized(err)
	}
	if err := a.checkUserUsable(ctx, u); err != nil {
		return store.User{}, err
	}
	res.appCred = &ac
	return u, nil
}

// resolveScope turns the requested scope into a token.Request scope and
// checks that the user may have it: the project or domain exists and is
// enabled and the user holds a role there. A user without a requested
// scope gets the default project when usable, else an unscoped token.
func (a *API) resolveScope(ctx context.Context, req *authRequest, res *authResult) (token.Request, error) {
	tr := token.Request{UserID: res.user.ID, Methods: res.methods}
	if res.parent != nil {
		p := res.parent.Payload
		tr.Parent = &p
	}
	sc := req.Scope
	if res.appCred != nil {
		if sc.Given && !sc.Unscoped {
			return tr, unauthorized(errors.New("Application credentials cannot request a scope."))
		}
		tr.AppCredID, tr.ProjectID, tr.System = res.appCred.ID, res.appCred.ProjectID, res.appCred.System
		if res.appCred.ExpiresAt != nil {
			tr.AppCredExpiresAt = *res.appCred.ExpiresAt
		}
		return tr, a.checkRoles(ctx, tr)
	}
	switch {
	case sc.Project != nil:
		p, err := a.lookupProject(ctx, *sc.Project)
		if err != nil {
			return tr, err
		}
		tr.ProjectID = p.ID
	case sc.Domain != nil:
		d, err := a.store.ResolveDomain(ctx, sc.Domain.ID, sc.Domain.Name)
		if err != nil {
			return tr, unauthorized(err)
		}
		if !d.Enabled {
			return tr, unauthorized(errors.New("domain disabled"))
		}
		tr.DomainID = d.ID
	case sc.System:
		tr.System = token.SystemAll
	case !sc.Given && res.parent == nil && res.user.DefaultProjectID != "":
		p, err := a.store.GetProject(ctx, res.user.DefaultProjectID)
		if err != nil || !p.Enabled {
			return tr, nil
		}
		roles, err := a.store.RolesOn(ctx, res.user.ID, store.Scope{ProjectID: p.ID})
		if err != nil {
			return tr, err
		}
		if len(roles) > 0 {
			tr.ProjectID = p.ID
		}
		return tr, nil
	}
	if res.parent != nil {
		if err := token.CheckRescope(res.parent.Payload, tr, a.set.AllowRescopeScopedToken); err != nil {
			return tr, err
		}
		if tr.ProjectID == "" && tr.DomainID == "" && tr.System == "" && !sc.Given {
			// The token method without a scope keeps the parent's scope.
			tr.ProjectID, tr.DomainID, tr.System = res.parent.Payload.ProjectID, res.parent.Payload.DomainID, res.parent.Payload.System
		}
	}
	return tr, a.checkRoles(ctx, tr)
}

// checkRoles refuses a scoped request on which the user has no role.
func (a *API) checkRoles(ctx context.Context, tr token.Request) error {
	if tr.ProjectID == "" && tr.DomainID == "" && tr.System == "" {
		return nil
	}
	sc := store.Scope{ProjectID: tr.ProjectID, DomainID: tr.DomainID, System: tr.System != ""}
	roles, err := a.store.RolesOn(ctx, tr.UserID, sc)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return unauthorized(errors.New("the user has no role on the requested scope"))
	}
	return nil
}

// lookupProject finds a scope's project by id or by name and domain and
// checks it and its domain are enabled.
func (a *API) lookupProject(ctx context.Context, ref idName) (store.Project, error) {
	var p store.Project
	var err error
	if ref.ID != "" {
		p, err = a.store.GetProject(ctx, ref.ID)
	} else {
		if ref.Domain == nil {
			return p, expecting("domain", "project")
		}
		var d store.Domain
		if d, err = a.store.ResolveDomain(ctx, ref.Domain.ID, ref.Domain.Name); err == nil {
			p, err = a.store.GetProjectByName(ctx, d.ID, ref.Name)
		}
	}
	if err != nil {
		return p, unauthorized(err)
	}
	d, err := a.store.GetDomain(ctx, p.DomainID)
	if err != nil {
		return p, unauthorized(err)
	}
	if !p.Enabled || !d.Enabled {
		return p, unauthorized(errors.New("project or its domain disabled"))
	}
	return p, nil
}
