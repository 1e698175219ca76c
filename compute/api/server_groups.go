package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/httpapi"
)

// groupPolicyVersion is the microversion from which a server group has
// one "policy" and "rules" instead of a "policies" list (nova's
// GROUP_POLICY_OBJ_MICROVERSION).
const groupPolicyVersion = 64

func (a *API) serverGroupRoutes(r chi.Router) {
	r.Post("/os-server-groups", a.createServerGroup)
	r.Get("/os-server-groups/{group_id}", a.showServerGroup)
	r.Delete("/os-server-groups/{group_id}", a.deleteServerGroup)
	a.microversionRoutes(r) // microversions_routes.go
}

// serverGroupView is nova's _format_server_group for the request's
// microversion.
func serverGroupView(r *http.Request, g objects.ServerGroup) map[string]any {
	members := g.Members
	if members == nil {
		members = []string{}
	}
	out := map[string]any{"id": g.UUID, "name": g.Name, "members": members}
	if atLeast(r, groupPolicyVersion) {
		rules := map[string]int{}
		for k, v := range g.Rules {
			rules[k] = v
		}
		out["policy"] = g.Policy
		out["rules"] = rules
	} else {
		out["policies"] = []string{g.Policy}
		out["metadata"] = map[string]string{}
	}
	if atLeast(r, 13) {
		out["project_id"] = g.ProjectID
		out["user_id"] = g.UserID
	}
	return out
}

// listServerGroups is api-ref "List Server Groups": the caller's project's
// groups, or every project's for an admin asking all_projects.
func (a *API) listServerGroups(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-server-groups:index", projectTarget(c.ProjectID)); err != nil {
		writeErr(w, r, err)
		return
	}
	q := r.URL.Query()
	allowed := []string{"all_projects", "limit", "offset"}
	if atLeast(r, 75) {
		for k := range q {
			if !contains(allowed, k) {
				writeErr(w, r, invalid("Invalid input for query parameters %s. Value: %s. Additional properties are not allowed ('%s' was unexpected)", k, q.Get(k), k))
				return
			}
		}
	}
	limit, offset, err := a.limitOffset(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	project := c.ProjectID
	if q.Has("all_projects") && c.IsAdmin {
		if err := a.can(c, "os_compute_api:os-server-groups:index:all_projects", projectTarget(c.ProjectID)); err != nil {
			writeErr(w, r, err)
			return
		}
		project = ""
	}
	list, err := a.store.ListServerGroups(r.Context(), project, limit, offset)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, g := range list {
		out[i] = serverGroupView(r, g)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"server_groups": out})
}

// limitOffset is nova's common.get_limit_and_offset: limit capped at
// [api] max_limit, offset from 0.
func (a *API) limitOffset(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit = a.set.MaxLimit
	if q.Has("limit") {
		n, perr := strconv.Atoi(q.Get("limit"))
		if perr != nil {
			return 0, 0, invalid("limit param must be an integer")
		}
		if n < 0 {
			return 0, 0, invalid("limit param must be positive")
		}
		limit = min(n, a.set.MaxLimit)
	}
	if q.Has("offset") {
		n, perr := strconv.Atoi(q.Get("offset"))
		if perr != nil {
			return 0, 0, invalid("offset param must be an integer")
		}
		if n < 0 {
			return 0, 0, invalid("offset param must be positive")
		}
		offset = n
	}
	if limit == 0 {
		limit = -1
	}
	return limit, offset, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseServerGroup validates a create body for the request's microversion:
// name and policies (one of them) before 2.64, name, policy and rules from
// 2.64.
func parseServerGroup(r *http.Request, b body) (objects.ServerGroup, error) {
	var g objects.ServerGroup
	policies := append([]string(nil), policyListOld...)
	if atLeast(r, 15) {
		policies = append(policies, objects.PolicySoftAntiAffinity, objects.PolicySoftAffinity)
	}
	if atLeast(r, groupPolicyVersion) {
		if err := b.only("server_group", "name", "policy", "rules"); err != nil {
			return g, err
		}
	} else if err := b.only("server_group", "name", "policies"); err != nil {
		return g, err
	}
	name, _, err := b.str("name", true, false, 1, 255)
	if err != nil {
		return g, err
	}
	if err := nameOK("name", name); err != nil {
		return g, err
	}
	g.Name = name
	g.Rules = map[string]int{}
	if atLeast(r, groupPolicyVersion) {
		v, ok := b["policy"]
		if !ok {
			return g, badField("server_group", map[string]any(b), "'policy' is a required property")
		}
		p, isStr := v.(string)
		if !isStr || !contains(policies, p) {
			return g, badField("policy", v, "%s is not one of %s", repr(v), repr(policies))
		}
		g.Policy = p
		if rv, ok := b["rules"]; ok {
			rm, isMap := rv.(map[string]any)
			if !isMap {
				return g, badField("rules", rv, "%s is not of type 'object'", repr(rv))
			}
			rb := body(rm)
			if err := rb.only("rules", objects.RuleMaxServerPerHost); err != nil {
				return g, err
			}
			if n, ok, err := rb.intField(objects.RuleMaxServerPerHost, false, 1, 0, true); err != nil {
				return g, err
			} else if ok {
				g.Rules[objects.RuleMaxServerPerHost] = int(n)
			}
		}
		if g.Policy != objects.PolicyAntiAffinity && len(g.Rules) > 0 {
			return g, invalid("Only anti-affinity policy supports rules.")
		}
		return g, nil
	}
	v, ok := b["policies"]
	if !ok {
		return g, badField("server_group", map[string]any(b), "'policies' is a required property")
	}
	list, isList := v.([]any)
	if !isList {
		return g, badField("policies", v, "%s is not of type 'array'", repr(v))
	}
	if len(list) == 0 {
		return g, badField("policies", v, "[] is too short")
	}
	if len(list) > 1 {
		return g, badField("policies", v, "%s is too long", repr(v))
	}
	p, isStr := list[0].(string)
	if !isStr || !contains(policies, p) {
		return g, badField("policies", v, "%s is not one of %s", repr(list[0]), repr(policies))
	}
	g.Policy = p
	return g, nil
}

// policyListOld are the policies of microversion 2.1 (the soft ones came
// with 2.15).
var policyListOld = []string{objects.PolicyAntiAffinity, objects.PolicyAffinity}

// createServerGroup is api-ref "Create Server Group".
func (a *API) createServerGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-server-groups:create", projectTarget(c.ProjectID)); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "server_group")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	g, err := parseServerGroup(r, b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	g.UUID, g.ProjectID, g.UserID = uuid.NewString(), c.ProjectID, c.UserID
	out, err := a.store.CreateServerGroup(r.Context(), g, a.limitFor(r, c.ProjectID, "server_groups"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"server_group": serverGroupView(r, out)})
}

// showServerGroup is api-ref "Show Server Group Details".
func (a *API) showServerGroup(w http.ResponseWriter, r *http.Request) {
	g, ok := a.serverGroupFor(w, r, "show")
	if !ok {
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"server_group": serverGroupView(r, g)})
}

// deleteServerGroup is api-ref "Delete Server Group": the group goes, its
// servers stay.
func (a *API) deleteServerGroup(w http.ResponseWriter, r *http.Request) {
	g, ok := a.serverGroupFor(w, r, "delete")
	if !ok {
		return
	}
	if err := a.store.DeleteServerGroup(r.Context(), g.UUID); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serverGroupFor loads the group of the URL and checks the rule on its
// project; another project's group is 404 to those the rule refuses.
func (a *API) serverGroupFor(w http.ResponseWriter, r *http.Request, op string) (objects.ServerGroup, bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return objects.ServerGroup{}, false
	}
	id := chi.URLParam(r, "group_id")
	g, err := a.store.GetServerGroup(r.Context(), id)
	if err == nil && g.ProjectID != c.ProjectID && !a.allowed(c, "os_compute_api:os-server-groups:"+op, projectTarget(g.ProjectID)) {
		err = store.ServerGroupNotFound(id)
	}
	if err == nil {
		err = a.can(c, "os_compute_api:os-server-groups:"+op, projectTarget(g.ProjectID))
	}
	if err != nil {
		writeErr(w, r, err)
		return objects.ServerGroup{}, false
	}
	return g, true
}

// groupUsage adds the server_groups and server_group_members usage of a
// project to a quota usage map.
func (a *API) groupUsage(r *http.Request, project string, out map[string]int) error {
	n, err := a.store.CountServerGroups(r.Context(), project)
	if err != nil {
		return err
	}
	m, err := a.store.CountServerGroupMembers(r.Context(), project)
	if err != nil {
		return err
	}
	out["server_groups"], out["server_group_members"] = n, m
	return nil
}

// serverGroupsUsed is the project's server group count for limits'
// totalServerGroupsUsed (0, logged, when it cannot be read).
func (a *API) serverGroupsUsed(r *http.Request, project string) int {
	n, err := a.store.CountServerGroups(r.Context(), project)
	if err != nil {
		a.log.ErrorContext(r.Context(), "cannot count server groups for limits", "project", project, "error", err.Error())
	}
	return n
}
