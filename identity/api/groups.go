package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

func (a *API) groupRoutes(r chi.Router) {
	r.Get("/groups", a.protect("identity:list_groups", listDomainTarget, a.listGroups))
	r.Post("/groups", a.authed(a.createGroup))
	r.Get("/groups/{id}", a.protect("identity:get_group", a.groupIDTarget, a.getGroup))
	r.Patch("/groups/{id}", a.protect("identity:update_group", a.groupIDTarget, a.updateGroup))
	r.Delete("/groups/{id}", a.protect("identity:delete_group", a.groupIDTarget, a.deleteGroup))
	r.Get("/groups/{id}/users", a.protect("identity:list_users_in_group", a.groupIDTarget, a.listGroupUsers))
	r.Put("/groups/{id}/users/{user}", a.protect("identity:add_user_to_group", a.membershipTarget, a.addGroupUser))
	r.Head("/groups/{id}/users/{user}", a.protect("identity:check_user_in_group", a.membershipTarget, a.checkGroupUser))
	r.Get("/groups/{id}/users/{user}", a.protect("identity:check_user_in_group", a.membershipTarget, a.checkGroupUser))
	r.Delete("/groups/{id}/users/{user}", a.protect("identity:remove_user_from_group", a.membershipTarget, a.removeGroupUser))
}

func (a *API) groupIDTarget(r *http.Request) (policy.Target, error) {
	g, err := a.groupTarget(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	return policy.Target{"target.group": orEmptyMap(g)}, nil
}

func (a *API) membershipTarget(r *http.Request) (policy.Target, error) {
	g, err := a.groupTarget(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return nil, err
	}
	u, err := a.userTarget(r.Context(), chi.URLParam(r, "user"))
	if err != nil {
		return nil, err
	}
	return policy.Target{"target.group": orEmptyMap(g), "target.user": orEmptyMap(u)}, nil
}

// listGroups is GET /v3/groups, filtered by name and domain_id, exactly
// or inexactly (name__contains).
func (a *API) listGroups(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	gs, err := a.store.ListGroups(r.Context(), store.GroupFilter{Name: q.Get("name"), DomainID: q.Get("domain_id")})
	if err != nil {
		return err
	}
	gs = filterInexact(gs, inexactFilters(q, "name", "domain_id"), func(g store.Group, attr string) (string, bool) {
		if attr == "name" {
			return g.Name, true
		}
		return g.DomainID, true
	})
	httpapi.WriteJSON(w, r, http.StatusOK, groupsView(r, gs))
	return nil
}

// createGroup is POST /v3/groups: 201.
func (a *API) createGroup(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	f, err := decodeMember(r, "group", schema.GroupCreate)
	if err != nil {
		return err
	}
	g := store.Group{Name: f.str("name"), DomainID: f.str("domain_id"), Description: f.str("description"),
		Extra: f.extra("id", "name", "domain_id", "description")}
	if g.DomainID == "" {
		g.DomainID = defaultDomainFor(c)
	}
	if err := a.policy.Enforce(credentials(c), "identity:create_group", policy.Target{"target.group": map[string]any{"domain_id": g.DomainID}}); err != nil {
		return err
	}
	if g, err = a.store.CreateGroup(r.Context(), g); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"group": groupView(r, g)})
	return nil
}

// getGroup is GET /v3/groups/{id}.
func (a *API) getGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	g, err := a.store.GetGroup(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group": groupView(r, g)})
	return nil
}

// updateGroup is PATCH /v3/groups/{id}.
func (a *API) updateGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "group", schema.GroupUpdate)
	if err != nil {
		return err
	}
	g, err := a.store.UpdateGroup(r.Context(), chi.URLParam(r, "id"), store.GroupPatch{
		Name: f.strp("name"), Description: f.strp("description"), Extra: f.extra("id", "name", "domain_id", "description")})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group": groupView(r, g)})
	return nil
}

// deleteGroup is DELETE /v3/groups/{id}; the members' tokens are revoked
// when the group held roles.
func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	members, hadRoles, err := a.store.DeleteGroup(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if hadRoles {
		for _, u := range members {
			if err := a.revoke(r, token.GroupDeleted, u); err != nil {
				return err
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listGroupUsers is GET /v3/groups/{id}/users.
func (a *API) listGroupUsers(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	id := chi.URLParam(r, "id")
	if _, err := a.store.GetGroup(r.Context(), id); err != nil {
		return err
	}
	us, err := a.store.ListUsers(r.Context(), store.UserFilter{GroupID: id})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, usersView(r, us))
	return nil
}

// addGroupUser is PUT /v3/groups/{id}/users/{user}: 204.
func (a *API) addGroupUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.AddUserToGroup(r.Context(), chi.URLParam(r, "id"), chi.URLParam(r, "user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkGroupUser is HEAD/GET /v3/groups/{id}/users/{user}: 204 or 404.
func (a *API) checkGroupUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	g, u := chi.URLParam(r, "id"), chi.URLParam(r, "user")
	in, err := a.store.IsUserInGroup(r.Context(), g, u)
	if err != nil {
		return err
	}
	if !in {
		return store.ErrNotMember(u, g)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// removeGroupUser is DELETE /v3/groups/{id}/users/{user}: 204, and the
// user's tokens revoked.
func (a *API) removeGroupUser(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	u := chi.URLParam(r, "user")
	if err := a.store.RemoveUserFromGroup(r.Context(), chi.URLParam(r, "id"), u); err != nil {
		return err
	}
	if err := a.revoke(r, token.UserRemovedFromGroup, u); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
