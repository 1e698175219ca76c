package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
)

// schedulerHints are the validated os:scheduler_hints of POST /servers.
// Only "group" changes placement here; the other hints nova knows
// (same_host, different_host, query, ...) are accepted and ignored, as
// nova ignores hints no enabled filter reads.
type schedulerHints struct {
	group string
}

// parseSchedulerHints reads the hints of a create body (either key).
func parseSchedulerHints(top body) (schedulerHints, error) {
	var h schedulerHints
	for _, key := range []string{"os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"} {
		v, ok := top[key]
		if !ok {
			continue
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			return h, badField(key, v, "%s is not of type 'object'", repr(v))
		}
		g, ok := m["group"]
		if !ok {
			continue
		}
		s, isStr := g.(string)
		if !isStr {
			return h, badField(key+"/group", g, "%s is not of type 'string'", repr(g))
		}
		if _, err := uuid.Parse(s); err != nil || len(s) != 36 {
			return h, badField(key+"/group", g, "%s is not a 'uuid'", repr(g))
		}
		h.group = s
	}
	return h, nil
}

// requestedGroup checks the hint's group before any server is made: it
// exists and is the caller's project's (or the caller may see every
// project's), and it has room for minCount more members.
func (a *API) requestedGroup(r *http.Request, c caller, h schedulerHints, minCount int) (*objects.ServerGroup, error) {
	if h.group == "" {
		return nil, nil
	}
	g, err := a.store.GetServerGroup(r.Context(), h.group)
	if err == nil && g.ProjectID != c.ProjectID && !c.IsAdmin {
		err = store.ServerGroupNotFound(h.group)
	}
	if fault.KindOf(err) == fault.NotFound {
		return nil, invalid("%s", fault.MessageOf(err))
	}
	if err != nil {
		return nil, err
	}
	if l := a.limitFor(r, c.ProjectID, "server_group_members"); l >= 0 && len(g.Members)+minCount > l {
		return nil, store.ErrMemberQuota
	}
	return &g, nil
}

// joinGroup makes the new servers members of g before their build is
// asked for, so the scheduler finds the group from each instance. When
// the group is gone or full by now (a race with another create), the new
// servers are deleted again, nothing having been built for them.
func (a *API) joinGroup(r *http.Request, c caller, g *objects.ServerGroup, created []objects.Instance) error {
	if g == nil || len(created) == 0 {
		return nil
	}
	err := a.store.AddServerGroupMembers(r.Context(), g.UUID, uuidsOf(created), a.limitFor(r, c.ProjectID, "server_group_members"))
	if err == nil {
		return nil
	}
	ctx := context.WithoutCancel(r.Context())
	for _, in := range created {
		if _, derr := a.store.DestroyInstance(ctx, in.UUID); derr != nil {
			a.log.ErrorContext(ctx, "cannot delete a server refused by its server group", "instance", in.UUID, "error", derr.Error())
		}
	}
	if fault.KindOf(err) == fault.NotFound {
		return invalid("%s", fault.MessageOf(err))
	}
	return err
}
