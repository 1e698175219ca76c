package api

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/password"
	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/policy"
)

// Application credentials (api-ref identity "Application Credentials").

func (a *API) appCredRoutes(r chi.Router) {
	base := "/users/{user}/application_credentials"
	r.Get(base, a.protect("identity:list_application_credentials", appCredOwner, a.listAppCreds))
	r.Post(base, a.protect("identity:create_application_credential", appCredOwner, a.createAppCred))
	r.Get(base+"/{id}", a.protect("identity:get_application_credential", appCredOwner, a.getAppCred))
	r.Delete(base+"/{id}", a.protect("identity:delete_application_credential", appCredOwner, a.deleteAppCred))
}

func appCredOwner(r *http.Request) (policy.Target, error) {
	u := chi.URLParam(r, "user")
	return policy.Target{"user_id": u, "target.user.id": u}, nil
}

func (a *API) appCredView(r *http.Request, c store.AppCred) (map[string]any, error) {
	roles := []map[string]any{}
	for _, id := range c.RoleIDs {
		ro, err := a.store.GetRole(r.Context(), id)
		if err != nil {
			continue
		}
		roles = append(roles, map[string]any{"id": ro.ID, "name": ro.Name, "domain_id": nullStr(ro.DomainID)})
	}
	return map[string]any{
		"id": c.ID, "name": c.Name, "description": nullStr(c.Description), "user_id": c.UserID,
		"project_id": nullStr(c.ProjectID), "system": nullStr(c.System), "unrestricted": c.Unrestricted,
		"expires_at": timefmt.Nullable(timefmt.Naive, c.ExpiresAt), "roles": roles, "access_rules": []any{},
		"links": selfLinks(r, "users/"+c.UserID+"/application_credentials/"+c.ID),
	}, nil
}

// createAppCred is POST /v3/users/{user}/application_credentials: 201,
// with the secret shown this once.
func (a *API) createAppCred(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	userID := chi.URLParam(r, "user")
	if userID != c.User.ID {
		return fault.New(fault.Forbidden, "You are not authorized to perform the requested action: identity:create_application_credential.")
	}
	if c.Payload.AppCredID != "" {
		return fault.New(fault.Forbidden, "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.")
	}
	f, err := decodeMember(r, "application_credential", schema.ApplicationCredentialCreate)
	if err != nil {
		return err
	}
	if c.Project == nil {
		return fault.New(fault.Forbidden, "You are not authorized to perform the requested action: An application credential must be created with a project-scoped token.")
	}
	secret := f.str("secret")
	if secret == "" {
		var b [64]byte
		_, _ = rand.Read(b[:])
		secret = base64.RawURLEncoding.EncodeToString(b[:])
	}
	hash, err := password.Hash(secret, a.set.PasswordCost)
	if err != nil {
		return err
	}
	ac := store.AppCred{Name: f.str("name"), Description: f.str("description"), UserID: userID, ProjectID: c.Project.ID,
		SecretHash: hash, Unrestricted: f.boolOr("unrestricted", false)}
	if exp := f.str("expires_at"); exp != "" {
		t, err := timefmt.Parse(exp)
		if err != nil {
			return fault.New(fault.Invalid, "Invalid input for field 'expires_at': %s", err)
		}
		ac.ExpiresAt = &t
	}
	held := map[string]store.Role{}
	for _, ro := range c.Roles {
		held[ro.ID], held["name:"+ro.Name] = ro, ro
	}
	if l, ok := f["roles"].([]any); ok && len(l) > 0 {
		for _, e := range l {
			m, _ := e.(map[string]any)
			id, _ := m["id"].(string)
			name, _ := m["name"].(string)
			ro, ok := held[id]
			if !ok {
				ro, ok = held["name:"+name]
			}
			if !ok {
				return fault.New(fault.Forbidden, "You are not authorized to perform the requested action: Cannot create an application credential with a role the user does not hold.")
			}
			ac.RoleIDs = append(ac.RoleIDs, ro.ID)
		}
	} else {
		ac.RoleIDs = c.roleIDs()
	}
	if ac, err = a.store.CreateAppCred(r.Context(), ac); err != nil {
		return err
	}
	v, err := a.appCredView(r, ac)
	if err != nil {
		return err
	}
	v["secret"] = secret
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"application_credential": v})
	return nil
}

func (a *API) listAppCreds(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	list, err := a.store.ListAppCreds(r.Context(), chi.URLParam(r, "user"), httpapi.QueryOf(r).Get("name"))
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, c := range list {
		v, err := a.appCredView(r, c)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"application_credentials": out, "links": listLinks(r)})
	return nil
}

func (a *API) ownAppCred(r *http.Request) (store.AppCred, error) {
	id := chi.URLParam(r, "id")
	c, err := a.store.GetAppCred(r.Context(), id)
	if err == nil && c.UserID != chi.URLParam(r, "user") {
		err = fault.New(fault.NotFound, "Could not find Application Credential: %s.", id)
	}
	return c, err
}

func (a *API) getAppCred(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	c, err := a.ownAppCred(r)
	if err != nil {
		return err
	}
	v, err := a.appCredView(r, c)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"application_credential": v})
	return nil
}

func (a *API) deleteAppCred(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	c, err := a.ownAppCred(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteAppCred(r.Context(), c.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
