package api

import (
	"net/http"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/password"
	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) userRoutes(r chi.Router) {
	r.Get("/users", a.protect("identity:list_users", listDomainTarget, a.listUsers))
	r.Post("/users", a.authed(a.createUser))
	r.Get("/users/{id}", a.protect("identity:get_user", a.userIDTarget, a.getUser))
	r.Patch("/users/{id}", a.protect("identity:update_user", a.userIDTarget, a.updateUser))
	r.Delete("/users/{id}", a.protect("identity:delete_user", a.userIDTarget, a.deleteUser))
	r.Post("/users/{id}/password", a.changePassword)
	r.Get("/users/{id}/projects", a.protect("identity:list_user_projects", a.userIDTarget, a.listUserProjects))
	r.Get("/users/{id}/groups", a.protect("identity:list_groups_for_user", a.userIDTarget, a.listUserGroups))
}

func (a *API) userIDTarget(r *http.Request) (policy.Target, error) {
	id := chi.URLParam(r, "id")
	u, err := a.userTarget(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if u == nil {
		u = map[string]any{"id": id}
	}
	return policy.Target{"target.user": u, "user_id": id}, nil
}

// hashPassword hashes a new password after keystone's length check.
func (a *API) hashPassword(pw string) (string, error) {
	if max := a.set.MaxPasswordLength; max > 0 && utf8.RuneCountInString(pw) > max {
		return "", fault.New(fault.Invalid, "Invalid input for field 'password': '...' is too long")
	}
	return password.Hash(pw, a.set.PasswordCost)
}

// listUsers is GET /v3/users (api-ref identity "List users"), filtered by
// name, domain_id and enabled, and inexactly (name__contains) by name and
// domain_id.
func (a *API) listUsers(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	us, err := a.store.ListUsers(r.Context(), store.UserFilter{Name: q.Get("name"), DomainID: q.Get("domain_id"), Enabled: boolQuery(q, "enabled")})
	if err != nil {
		return err
	}
	us = filterInexact(us, inexactFilters(q, "name", "domain_id"), func(u store.User, attr string) (string, bool) {
		if attr == "name" {
			return u.Name, true
		}
		return u.DomainID, true
	})
	httpapi.WriteJSON(w, r, http.StatusOK, usersView(r, us))
	return nil
}

var userKnown = []string{"id", "name", "domain_id", "enabled", "default_project_id", "password", "options"}

// createUser is POST /v3/users: 201.
func (a *API) createUser(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	f, err := decodeMember(r, "user", schema.UserCreate)
	if err != nil {
		return err
	}
	u := store.User{Name: f.str("name"), DomainID: f.str("domain_id"), Enabled: f.boolOr("enabled", true),
		DefaultProjectID: f.str("default_project_id"), Options: f.object("options"), Extra: f.extra(userKnown...)}
	if u.DomainID == "" {
		u.DomainID = defaultDomainFor(c)
	}
	t := policy.Target{"target.user": map[string]any{"domain_id": u.DomainID}}
	if err := a.policy.Enforce(credentials(c), "identity:create_user", t); err != nil {
		return err
	}
	if pw := f.str("password"); pw != "" {
		if u.PasswordHash, err = a.hashPassword(pw); err != nil {
			return err
		}
	}
	u, err = a.store.CreateUser(r.Context(), u)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"user": userView(r, u)})
	return nil
}

// getUser is GET /v3/users/{id}.
func (a *API) getUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	u, err := a.store.GetUser(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"user": userView(r, u)})
	return nil
}

// updateUser is PATCH /v3/users/{id}. Disabling the user or changing its
// password revokes its tokens.
func (a *API) updateUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "user", schema.UserUpdate)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	p := store.UserPatch{Name: f.strp("name"), Enabled: f.boolp("enabled"), DefaultProjectID: f.strp("default_project_id"),
		Options: f.object("options"), Extra: f.extra(userKnown...)}
	if d := f.strp("domain_id"); d != nil {
		cur, err := a.store.GetUser(r.Context(), id)
		if err != nil {
			return err
		}
		if *d != cur.DomainID {
			return fault.New(fault.Invalid, "Cannot change Domain ID. %s", validationTail)
		}
	}
	if pw := f.strp("password"); pw != nil {
		h, err := a.hashPassword(*pw)
		if err != nil {
			return err
		}
		p.PasswordHash = &h
	}
	before, after, err := a.store.UpdateUser(r.Context(), id, p)
	if err != nil {
		return err
	}
	if before.Enabled && !after.Enabled {
		if err := a.revoke(r, token.UserDisabled, id); err != nil {
			return err
		}
	}
	if p.PasswordHash != nil {
		if err := a.revoke(r, token.PasswordChanged, id); err != nil {
			return err
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"user": userView(r, after)})
	return nil
}

// deleteUser is DELETE /v3/users/{id}: 204 and the user's tokens revoked.
func (a *API) deleteUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id := chi.URLParam(r, "id")
	if err := a.store.DeleteUser(r.Context(), id); err != nil {
		return err
	}
	if err := a.revoke(r, token.UserDeleted, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// changePassword is POST /v3/users/{id}/password (api-ref identity
// "Change password for user"): no token needed, as in keystone, since the
// original password proves who asks; 204, and the user's tokens revoked.
func (a *API) changePassword(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		f, err := decodeMember(r, "user", schema.PasswordChange)
		if err != nil {
			return err
		}
		id := chi.URLParam(r, "id")
		u, err := a.store.GetUser(r.Context(), id)
		if err != nil {
			return unauthorized(err)
		}
		if !password.Check(u.PasswordHash, f.str("original_password")) {
			return unauthorized(nil)
		}
		if !u.Enabled {
			return fault.New(fault.Unauthorized, "The account is disabled for user: %s.", u.ID)
		}
		h, err := a.hashPassword(f.str("password"))
		if err != nil {
			return err
		}
		if _, _, err := a.store.UpdateUser(r.Context(), id, store.UserPatch{PasswordHash: &h}); err != nil {
			return err
		}
		if err := a.revoke(r, token.PasswordChanged, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}()
	if err != nil {
		httpapi.WriteError(w, r, err)
	}
}

// listUserProjects is GET /v3/users/{id}/projects.
func (a *API) listUserProjects(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id := chi.URLParam(r, "id")
	if _, err := a.store.GetUser(r.Context(), id); err != nil {
		return err
	}
	ps, err := a.store.ProjectsOf(r.Context(), id)
	if err != nil {
		return err
	}
	q := httpapi.QueryOf(r)
	if en := boolQuery(q, "enabled"); en != nil {
		var kept []store.Project
		for _, p := range ps {
			if p.Enabled == *en {
				kept = append(kept, p)
			}
		}
		ps = kept
	}
	httpapi.WriteJSON(w, r, http.StatusOK, projectsView(r, ps))
	return nil
}

// listUserGroups is GET /v3/users/{id}/groups.
func (a *API) listUserGroups(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id := chi.URLParam(r, "id")
	if _, err := a.store.GetUser(r.Context(), id); err != nil {
		return err
	}
	gs, err := a.store.ListGroups(r.Context(), store.GroupFilter{UserID: id})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, groupsView(r, gs))
	return nil
}
