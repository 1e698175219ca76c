package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/scheduler"
	"github.com/gostack/gostack/volume/store"
)

// Generic volume groups (cinder's api/v3/groups.py and group/api.py),
// with cinder's generic implementation: the driver has no consistency
// groups, so a group is a record placed on one backend whose volumes are
// ordinary volumes, a group snapshot is an ordinary snapshot of each of
// them (group_snapshots.go), and a group made from a source makes each
// volume from its snapshot or source volume as any volume is made.
//
// What cinder-volume does for a group there is done here: creating a
// group places it on a backend that takes every one of its volume types
// (the scheduler's pools and filters) and makes it available at once;
// adding and removing volumes only changes their group_id. The statuses
// that depend on work cinder-volume does for each member (a group made
// from a source, a group or group snapshot being deleted, a group
// snapshot being taken) follow the members: such a record is "settling",
// and whoever ends a member's work settles it (store.SettleGroup and
// SettleGroupSnapshot): cinder-volume when a volume or snapshot create or
// delete ends, as upstream's manager updates the group at the end of its
// work (the scheduler when it finds no backend for a volume), and the API
// only where it ended that work itself (nothing to cast, a cast that
// failed). Reading groups changes nothing.

// groupRoutes adds group types (3.11), groups (3.13) and group snapshots
// (3.14).
func (a *API) groupRoutes(r chi.Router) {
	a.groupTypeRoutes(r) // group_types.go
	g := r.With(microversion.Require(microversion.V(3, 13), microversion.Version{}))
	g.Get("/groups", a.listGroups(false))
	g.Get("/groups/detail", a.listGroups(true))
	g.Post("/groups", a.createGroup)
	g.Post("/groups/action", a.groupsAction)
	g.Get("/groups/{id}", a.showGroup)
	g.Put("/groups/{id}", a.updateGroup)
	g.Post("/groups/{id}/action", a.groupAction)
	a.groupSnapshotRoutes(r) // group_snapshots.go
}

// Statuses a group may be reset to: cinder validates against the group
// snapshot statuses (its validator's list), so "in-use" is refused while
// the message lists it.
var (
	groupStatuses         = []string{"error", "available", "creating", "deleting", "deleted", "updating", "in-use", "error_deleting"}
	groupSnapshotStatuses = []string{"error", "available", "creating", "deleting", "deleted", "updating", "error_deleting"}
)

func pyTuple(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + s + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// groupView is cinder's detail view of a group.
func (a *API) groupView(r *http.Request, c caller, g store.Group) (map[string]any, error) {
	out := map[string]any{
		"id": g.ID, "status": g.Status, "availability_zone": g.AvailabilityZone,
		"created_at": timefmt.Naive(g.CreatedAt), "name": g.Name, "description": g.Description,
		"group_type": g.GroupTypeID, "volume_types": g.VolumeTypeIDs,
	}
	mv := microversion.Of(r)
	if mv.AtLeast(3, 14) {
		out["group_snapshot_id"] = g.GroupSnapshotID
		out["source_group_id"] = g.SourceGroupID
	}
	if mv.AtLeast(3, 25) {
		if lv, _ := boolParam(httpapi.QueryOf(r).Get("list_volume")); lv {
			vols, err := a.db.ListVolumes(r.Context(), store.VolumeFilter{GroupID: g.ID}, nil, "", 0)
			if err != nil {
				return nil, err
			}
			ids := make([]string, 0, len(vols))
			for _, v := range vols {
				ids = append(ids, v.ID)
			}
			out["volumes"] = ids
		}
	}
	if mv.AtLeast(3, 38) {
		out["replication_status"] = g.ReplicationStatus
	}
	if mv.AtLeast(3, 58) && a.allowed(c, "group:group_project_attribute", g.ProjectID) {
		out["project_id"] = g.ProjectID
	}
	return out, nil
}

func groupSummary(g store.Group) map[string]any {
	return map[string]any{"id": g.ID, "name": g.Name}
}

// cgsnapshotType is the id of the group type reserved for migrated
// consistency groups ("" when it is gone).
func (a *API) cgsnapshotType(ctx context.Context) string {
	t, err := a.db.GetGroupTypeByName(ctx, store.DefaultCGSnapshotTypeName)
	if err != nil {
		return ""
	}
	return t.ID
}

func (a *API) checkCGSnapshotType(ctx context.Context, typeID, what string) error {
	if id := a.cgsnapshotType(ctx); id != "" && id == typeID {
		return fault.New(fault.Invalid, "Group_type %s is reserved for migrating CGs to groups. Migrated %s can only be operated by CG APIs.", typeID, what)
	}
	return nil
}

// groupOf loads a group the caller may see (another project's is 404 for
// non-admins) and checks rule on it.
func (a *API) groupOf(ctx context.Context, c caller, id, rule string) (store.Group, error) {
	g, err := a.db.GetGroup(ctx, id)
	if err == nil && g.ProjectID != c.project() && !c.isAdmin() {
		err = store.GroupNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, rule, g.ProjectID)
	}
	return g, err
}

// showGroup is GET /groups/{id}.
func (a *API) showGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, chi.URLParam(r, "id"), "group:get")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, g.GroupTypeID, "group")
	}
	var view map[string]any
	if err == nil {
		view, err = a.groupView(r, c, g)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"group": view})
}

// listGroups is GET /groups and /groups/detail: filters name, status
// (all_tenants and project_id for admins), limit, marker, offset, sort.
func (a *API) listGroups(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "group:get_all", ""); err != nil {
			fail(w, r, err)
			return
		}
		ctx := r.Context()
		q := httpapi.QueryOf(r)
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
		if err != nil {
			fail(w, r, err)
			return
		}
		f := store.GroupFilter{ProjectID: c.project(), Name: q.Get("name"), Status: q.Get("status")}
		if c.isAdmin() && q.Has("all_tenants") {
			f.ProjectID = q.Get("project_id")
		}
		offset, empty, err := offsetOf(q)
		if err != nil {
			fail(w, r, err)
			return
		}
		groups := []store.Group{}
		if !empty {
			groups, err = a.db.ListGroups(ctx, f, sortsOf(p), p.Marker, p.Limit, offset)
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		cg := a.cgsnapshotType(ctx)
		items := make([]map[string]any, 0, len(groups))
		for _, g := range groups {
			if cg != "" && g.GroupTypeID == cg {
				continue // migrated consistency groups are the CG API's
			}
			if !detail {
				items = append(items, groupSummary(g))
				continue
			}
			view, err := a.groupView(r, c, g)
			if err != nil {
				fail(w, r, err)
				return
			}
			items = append(items, view)
		}
		out := map[string]any{"groups": items}
		if len(groups) > 0 {
			if l := pagination.CollectionLinks(r, p, len(groups), groups[len(groups)-1].ID); l != nil {
				out["group_links"] = l
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, out)
	}
}

// stripped is cinder's "if name: name = name.strip()".
func stripped(s *string) *string {
	if s == nil || *s == "" {
		return s
	}
	t := strings.TrimSpace(*s)
	return &t
}

// createGroup is POST /groups (202, the summary view): group_type (name
// or id) and volume_types (names or ids) are required.
func (a *API) createGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := decode(r, "group", &raw); err != nil {
		fail(w, r, err)
		return
	}
	m, err := objectOf("group", raw, "description", "group_type", "name", "volume_types", "availability_zone")
	if err != nil {
		fail(w, r, err)
		return
	}
	for _, k := range []string{"group_type", "volume_types"} {
		if _, ok := m[k]; !ok {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute group. Value: %s. '%s' is a required property", pyDict(m), k))
			return
		}
	}
	var name, desc, az *string
	if v, ok := m["name"]; ok {
		if name, err = schemaString("name", v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	if v, ok := m["description"]; ok {
		if desc, err = schemaString("description", v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	gtRef, err := schemaString("group_type", m["group_type"], false, 0, 1<<20)
	if err == nil && (strings.TrimSpace(*gtRef) == "" || len(strings.TrimSpace(*gtRef)) > 255) {
		err = fault.New(fault.Invalid, "Invalid input for field/attribute group_type. Value: %s. group_type has %d characters, more than 255 or less than 1 once leading and trailing whitespace is removed.", *gtRef, len(strings.TrimSpace(*gtRef)))
		if strings.TrimSpace(*gtRef) == "" {
			err = fault.New(fault.Invalid, "Invalid input for field/attribute group_type. Value: %s. Name has a minimum character requirement of 1.", *gtRef)
		}
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	var typeRefs []string
	if err := json.Unmarshal(m["volume_types"], &typeRefs); err != nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_types. Value: %s. %s is not of type 'array'", m["volume_types"], m["volume_types"]))
		return
	}
	if len(typeRefs) == 0 {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_types. Value: []. [] is too short"))
		return
	}
	seen := map[string]bool{}
	for _, t := range typeRefs {
		if seen[t] {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_types. Value: %s. %s has non-unique elements", m["volume_types"], m["volume_types"]))
			return
		}
		seen[t] = true
		if len(t) > 255 {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_types. Value: %s. '%s' is too long", short(t), short(t)))
			return
		}
	}
	if v, ok := m["availability_zone"]; ok {
		if az, err = schemaString("availability_zone", v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	name, desc = stripped(name), stripped(desc)
	ctx := r.Context()
	gt, err := a.groupTypeRef(ctx, c, strings.TrimSpace(*gtRef))
	if err == nil {
		err = a.checkCGSnapshotType(ctx, gt.ID, "group")
	}
	if err == nil {
		err = a.authorize(c, "group:create", "")
	}
	var types []store.VolumeType
	for _, ref := range typeRefs {
		if err != nil {
			break
		}
		var t store.VolumeType
		t, err = a.volumeTypeRef(ctx, ref)
		types = append(types, t)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	zone := a.set.DefaultAZ
	if az != nil {
		zones, err := a.zones(ctx)
		if err != nil {
			fail(w, r, err)
			return
		}
		if !zones[*az] {
			fail(w, r, invalid("Availability zone '%s' is invalid.", *az))
			return
		}
		zone = *az
	}
	g := store.Group{ID: uuid.NewString(), ProjectID: c.project(), UserID: c.user(), AvailabilityZone: zone,
		Status: "available", Name: name, Description: desc, GroupTypeID: gt.ID}
	for _, t := range types {
		g.VolumeTypeIDs = append(g.VolumeTypeIDs, t.ID)
	}
	// cinder-scheduler's create_group: a backend that takes every volume
	// type; none is a group in error.
	if g.Host = a.placeGroup(ctx, types, zone); g.Host == "" {
		g.Status = "error"
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := a.checkGroupQuota(ctx, tx, c.project()); err != nil {
			return err
		}
		created, err := tx.CreateGroup(ctx, g)
		g = created
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"group": groupSummary(g)})
}

// groupTypeRef finds a group type by name, or by id and then by name, as
// cinder's group create.
func (a *API) groupTypeRef(ctx context.Context, c caller, ref string) (store.GroupType, error) {
	if !store.IsUUID(ref) {
		return a.db.GetGroupTypeByName(ctx, ref)
	}
	t, err := a.db.GetGroupType(ctx, ref, visibleProject(c))
	if fault.KindOf(err) == fault.NotFound {
		if t, err = a.db.GetGroupTypeByName(ctx, ref); fault.KindOf(err) == fault.NotFound {
			err = store.GroupTypeNotFound(ref)
		}
	}
	return t, err
}

// volumeTypeRef is cinder's volume_types_get_by_name_or_id (with an
// admin context: private types too).
func (a *API) volumeTypeRef(ctx context.Context, ref string) (store.VolumeType, error) {
	if !store.IsUUID(ref) {
		return a.db.GetTypeByName(ctx, ref)
	}
	t, err := a.db.GetType(ctx, ref)
	if fault.KindOf(err) == fault.NotFound {
		if t, err = a.db.GetTypeByName(ctx, ref); fault.KindOf(err) == fault.NotFound {
			err = store.TypeNotFound(ref)
		}
	}
	return t, err
}

// checkGroupQuota refuses a group beyond the project's groups quota (in
// the transaction that inserts).
func (a *API) checkGroupQuota(ctx context.Context, tx *store.Store, project string) error {
	if err := tx.LockProject(ctx, project); err != nil {
		return err
	}
	l, err := a.limitsOf(ctx, tx, project)
	if err != nil {
		return err
	}
	lim := limitOf(l, "groups")
	if lim < 0 {
		return nil
	}
	n, err := tx.CountGroups(ctx, project)
	if err != nil {
		return err
	}
	if n+1 > lim {
		return fault.New(fault.OverLimit, "GroupLimitExceeded: Maximum number of groups allowed (%d) exceeded", lim)
	}
	return nil
}

// groupsInUse is the groups quota's usage shown by os-quota-sets.
func (a *API) groupsInUse(r *http.Request, project string, want bool) int {
	if !want {
		return 0
	}
	n, err := a.db.CountGroups(r.Context(), project)
	if err != nil {
		return 0
	}
	return n
}

// placeGroup picks the pool (host@backend#pool) of an up, enabled
// backend in zone that takes every one of types, the one with the most
// free space, from the pools the scheduler knows; "" when none does.
func (a *API) placeGroup(ctx context.Context, types []store.VolumeType, zone string) string {
	pools, err := a.rpc.GetPools(auth.WithRPC(ctx))
	if err != nil {
		a.log.Warn("cannot ask the scheduler for pools to place a group", "err", err)
		return ""
	}
	svcs, err := a.sg.List(ctx, sgFilter("cinder-volume"))
	if err != nil {
		return ""
	}
	state := map[string]servicegroup.Service{}
	for _, s := range svcs {
		state[s.Host] = s
	}
	now := time.Now()
	var backends []scheduler.Backend
	for _, p := range pools {
		s, ok := state[p.Capabilities.Host]
		backends = append(backends, scheduler.Backend{Caps: p.Capabilities,
			Up:       ok && servicegroup.IsUp(s, now, time.Duration(a.set.ServiceDownTime)*time.Second),
			Disabled: ok && s.Disabled})
	}
	for _, t := range types {
		backends, _ = scheduler.Filter(backends, rpcapi.RequestSpec{ExtraSpecs: t.ExtraSpecs, AvailabilityZone: zone})
	}
	if len(types) == 0 {
		backends, _ = scheduler.Filter(backends, rpcapi.RequestSpec{AvailabilityZone: zone})
	}
	if len(backends) == 0 {
		return ""
	}
	return backends[0].Caps.Host + "#" + backends[0].Caps.Pool
}

// intoGroup completes a volume create (3.13) with group_id: the group
// must be available or creating, the volume's type (which must be given)
// one of the group's; the volume goes to the group's zone and backend.
func (a *API) intoGroup(ctx context.Context, c caller, groupID string, typeRef *string, v store.Volume, spec rpcapi.RequestSpec) (store.Volume, rpcapi.RequestSpec, error) {
	g, err := a.groupOf(ctx, c, groupID, "group:get")
	if err != nil {
		return v, spec, err
	}
	if typeRef == nil || *typeRef == "" {
		return v, spec, invalid("volume_type must be provided when creating a volume in a group.")
	}
	if !contains(g.VolumeTypeIDs, v.TypeID) {
		t, err := a.db.GetType(ctx, v.TypeID)
		if err != nil {
			return v, spec, err
		}
		return v, spec, invalid("Invalid volume_type provided: %s (requested type must be supported by this group).", pyVolumeType(t))
	}
	if g.Status != "available" && g.Status != "creating" {
		return v, spec, fault.New(fault.Invalid, "Invalid Group: Originating group status must be one of 'available, creating' values")
	}
	v.GroupID = &g.ID
	v.AvailabilityZone, spec.AvailabilityZone = g.AvailabilityZone, g.AvailabilityZone
	if spec.SourceHost == "" {
		spec.SourceHost = g.Host // the scheduler keeps the volume on the group's backend
	}
	return v, spec, nil
}

// pyVolumeType renders a volume type as cinder's message prints the
// VolumeType object.
func pyVolumeType(t store.VolumeType) string {
	q := func(p *string) string {
		if p == nil {
			return "None"
		}
		return "'" + *p + "'"
	}
	keys := make([]string, 0, len(t.ExtraSpecs))
	for k := range t.ExtraSpecs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	specs := make([]string, 0, len(keys))
	for _, k := range keys {
		specs = append(specs, fmt.Sprintf("'%s': '%s'", k, t.ExtraSpecs[k]))
	}
	ts := func(tm *time.Time) string {
		if tm == nil {
			return "None"
		}
		return tm.UTC().Format("2006-01-02T15:04:05Z")
	}
	created := t.CreatedAt
	pub := "False"
	if t.IsPublic {
		pub = "True"
	}
	return fmt.Sprintf("VolumeType(created_at=%s,deleted=False,deleted_at=None,description=%s,extra_specs={%s},id=%s,is_public=%s,name=%s,projects=[],qos_specs=<?>,qos_specs_id=None,updated_at=%s)",
		ts(&created), q(t.Description), strings.Join(specs, ", "), t.ID, pub, q(&t.Name), ts(t.UpdatedAt))
}

// updateGroup is PUT /groups/{id}: name, description, add_volumes and
// remove_volumes (comma-separated volume ids), 202 with no body.
func (a *API) updateGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := decode(r, "group", &raw); err != nil {
		fail(w, r, err)
		return
	}
	m, err := objectOf("group", raw, "description", "name", "add_volumes", "remove_volumes")
	if err == nil && len(m) == 0 {
		err = fault.New(fault.Invalid, "Invalid input for field/attribute group. Value: {}. {} is not valid under any of the given schemas")
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	vals := map[string]*string{}
	for k, v := range m {
		if vals[k], err = schemaString(k, v, true, 0, 255); err != nil {
			fail(w, r, err)
			return
		}
	}
	name, desc := stripped(vals["name"]), stripped(vals["description"])
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, chi.URLParam(r, "id"), "group:get")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, g.GroupTypeID, "group")
	}
	if err == nil {
		err = a.authorize(c, "group:update", g.ProjectID)
	}
	if err == nil {
		err = a.changeGroup(ctx, g, name, desc, deref(vals["add_volumes"]), deref(vals["remove_volumes"]))
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func splitIDs(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

var (
	addableStatuses    = []string{"available", "in-use"}
	removableStatuses  = []string{"available", "in-use", "error", "error_deleting"}
	addableStatusesPy  = "('available', 'in-use')"
	removeableStatusPy = "('available', 'in-use', 'error', 'error_deleting')"
)

// changeGroup is cinder's group update with the generic driver's
// update_group: the name and description change at once (and the group
// becomes available, as cinder's); volumes are added and removed, only
// from an available group, by setting their group_id.
func (a *API) changeGroup(ctx context.Context, g store.Group, name, desc *string, add, remove string) error {
	if name != nil && g.Name != nil && *name == *g.Name {
		name = nil
	}
	if desc != nil && g.Description != nil && *desc == *g.Description {
		desc = nil
	}
	addList, removeList := splitIDs(add), splitIDs(remove)
	var both []string
	for _, id := range addList {
		if contains(removeList, id) {
			both = append(both, "'"+id+"'")
		}
	}
	if len(both) > 0 {
		return fault.New(fault.Invalid, "Invalid volume: UUIDs [%s] are in both add and remove volume list.", strings.Join(both, ", "))
	}
	members, err := a.db.ListVolumes(ctx, store.VolumeFilter{GroupID: g.ID}, nil, "", 0)
	if err != nil {
		return err
	}
	var toAdd, toRemove []string
	if len(addList) > 0 {
		for _, id := range addList {
			if contains(toAdd, id) || memberOf(members, id) {
				continue // already in the group
			}
			v, err := a.db.GetVolume(ctx, id)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				return fault.New(fault.Invalid, "Invalid volume: Cannot add volume %s to group %s because volume cannot be found.", id, g.ID)
			case err != nil:
				return err
			case v.GroupID != nil:
				return fault.New(fault.Invalid, "Invalid volume: Cannot add volume %s to group %s because it is already in group %s.", v.ID, g.ID, *v.GroupID)
			case v.ProjectID != g.ProjectID:
				return fault.New(fault.Invalid, "Invalid volume: Cannot add volume %s to group %s as they belong to different projects.", v.ID, g.ID)
			case !contains(g.VolumeTypeIDs, v.TypeID):
				return fault.New(fault.Invalid, "Invalid volume: Cannot add volume %s to group %s because volume type %s is not supported by the group.", v.ID, g.ID, v.TypeID)
			case !contains(addableStatuses, v.Status):
				return fault.New(fault.Invalid, "Invalid volume: Cannot add volume %s to group %s because volume is in an invalid state: %s. Valid states are: %s.", v.ID, g.ID, v.Status, addableStatusesPy)
			case rpcapi.BackendOf(v.Host) != rpcapi.BackendOf(g.Host):
				return fault.New(fault.Invalid, "Invalid volume: Volume is not local to this node.")
			}
			toAdd = append(toAdd, v.ID)
		}
	}
	if len(removeList) > 0 {
		for _, v := range members {
			if !contains(removeList, v.ID) {
				continue
			}
			if !contains(removableStatuses, v.Status) {
				return fault.New(fault.Invalid, "Invalid volume: Cannot remove volume %s from group %s because volume is in an invalid state: %s. Valid states are: %s.", v.ID, g.ID, v.Status, removeableStatusPy)
			}
			toRemove = append(toRemove, v.ID)
		}
		for _, id := range removeList {
			if !contains(toRemove, id) {
				return fault.New(fault.Invalid, "Invalid volume: Cannot remove volume %s from group %s because it is not in the group.", id, g.ID)
			}
		}
	}
	if name == nil && desc == nil && len(toAdd) == 0 && len(toRemove) == 0 {
		return fault.New(fault.Invalid, "Invalid Group: Cannot update group %s because no valid name, description, add_volumes, or remove_volumes were provided.", g.ID)
	}
	u := store.GroupUpdate{Status: strPtr("available")}
	if name != nil {
		u.Name = &name
	}
	if desc != nil {
		u.Description = &desc
	}
	var from []string
	if len(toAdd) > 0 || len(toRemove) > 0 {
		from = []string{"available"}
	}
	return a.db.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.UpdateGroup(ctx, g.ID, from, false, u); err != nil {
			if fault.KindOf(err) == fault.Invalid {
				return fault.New(fault.Invalid, "Invalid Group: Group status must be available.")
			}
			return err
		}
		if err := tx.SetVolumesGroup(ctx, toAdd, &g.ID); err != nil {
			return err
		}
		return tx.SetVolumesGroup(ctx, toRemove, nil)
	})
}

func memberOf(vols []store.Volume, id string) bool {
	for _, v := range vols {
		if v.ID == id {
			return true
		}
	}
	return false
}

// groupAction is POST /groups/{id}/action: delete (3.13), reset_status
// (3.20), and the replication actions (3.38).
func (a *API) groupAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	mv := microversion.Of(r)
	for name, arg := range body {
		switch {
		case name == "delete":
			a.deleteGroup(w, r, c, arg)
			return
		case name == "reset_status" && mv.AtLeast(3, 20):
			a.resetGroupStatus(w, r, c, arg)
			return
		case (name == "enable_replication" || name == "disable_replication" || name == "failover_replication" ||
			name == "list_replication_targets") && mv.AtLeast(3, 38):
			a.groupReplication(w, r, c, name, arg)
			return
		}
		fail(w, r, fault.New(fault.Invalid, "There is no such action: %s", name))
		return
	}
	fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
}

// deleteGroup is the delete action: {"delete": {"delete-volumes": bool}}.
func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request, c caller, arg json.RawMessage) {
	m, err := objectOf("delete", arg, "delete-volumes")
	if err != nil {
		fail(w, r, err)
		return
	}
	delVols := false
	if v, ok := m["delete-volumes"]; ok {
		if delVols, err = schemaBoolOf("delete-volumes", v); err != nil {
			fail(w, r, err)
			return
		}
	}
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, chi.URLParam(r, "id"), "group:get")
	if err == nil {
		err = a.checkCGSnapshotType(ctx, g.GroupTypeID, "group")
	}
	if err == nil {
		err = a.authorize(c, "group:delete", g.ProjectID)
	}
	if err == nil {
		err = a.startGroupDelete(ctx, g, delVols)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// startGroupDelete is cinder's group delete: a group never placed goes at
// once; otherwise its volumes (with delete-volumes) go deleting and are
// deleted by their backend, and the group follows them (settled by
// cinder-volume as each delete ends).
func (a *API) startGroupDelete(ctx context.Context, g store.Group, delVols bool) error {
	if g.Host == "" {
		vols, err := a.db.ListVolumes(ctx, store.VolumeFilter{GroupID: g.ID}, nil, "", 0)
		if err != nil {
			return err
		}
		if len(vols) > 0 {
			return fault.New(fault.Invalid, "Invalid Group: Group %s still contains volumes. The delete-volumes flag is required to delete it.", g.ID)
		}
		return a.db.DeleteGroup(ctx, g.ID)
	}
	if !delVols && g.Status != "available" && g.Status != "error" {
		return fault.New(fault.Invalid, "Invalid Group: Group status must be available or error, but current status is: %s", g.Status)
	}
	snaps, err := a.db.ListGroupSnapshots(ctx, store.GroupSnapshotFilter{GroupID: g.ID}, nil, "", 0, 0)
	if err != nil {
		return err
	}
	if len(snaps) > 0 {
		return fault.New(fault.Invalid, "Invalid Group: Group has existing snapshots.")
	}
	vols, err := a.db.ListVolumes(ctx, store.VolumeFilter{GroupID: g.ID}, nil, "", 0)
	if err != nil {
		return err
	}
	if len(vols) > 0 && !delVols {
		return fault.New(fault.Invalid, "Invalid Group: Group %s still contains volumes. The delete-volumes flag is required to delete it.", g.ID)
	}
	for _, v := range vols {
		if v.AttachStatus == "attached" {
			return fault.New(fault.Invalid, "Invalid Group: Volume in group %s is attached. Need to detach first.", g.ID)
		}
		n, err := a.db.CountSnapshots(ctx, v.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return fault.New(fault.Invalid, "Invalid Group: Volume in group still has dependent snapshots.")
		}
	}
	for _, src := range []store.GroupFilter{{SourceGroupID: g.ID, Status: "creating"}} {
		busy, err := a.db.ListGroups(ctx, src, nil, "", 1, 0)
		if err != nil {
			return err
		}
		if len(busy) > 0 {
			reason := "Group must not have attached volumes, volumes with snapshots, or dependent group snapshots"
			if delVols {
				reason = "Group status must be available or error and must not have dependent group snapshots"
			}
			return fault.New(fault.Invalid, "Invalid Group: Cannot delete group %s. %s, and it cannot be the source for an ongoing group or group snapshot creation.", g.ID, reason)
		}
	}
	var from []string
	if !delVols {
		from = []string{"available", "error"}
	}
	deleting, settling := "deleting", true
	if _, err := a.db.UpdateGroup(ctx, g.ID, from, false, store.GroupUpdate{Status: &deleting, Settling: &settling}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			return fault.New(fault.Invalid, "Invalid Group: Cannot delete group %s. Group must not have attached volumes, volumes with snapshots, or dependent group snapshots, and it cannot be the source for an ongoing group or group snapshot creation.", g.ID)
		}
		return err
	}
	// Every volume is deleting before the first delete is cast: the
	// backend settles the group as each delete ends, and it must wait for
	// the others then.
	var cast []store.Volume
	for _, v := range vols {
		if v.Host == "" {
			if err := a.db.DeleteVolume(ctx, v.ID); err != nil {
				return err
			}
			continue
		}
		if _, err := a.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: &deleting}); err != nil {
			return err
		}
		cast = append(cast, v)
	}
	for i, v := range cast {
		if err := a.rpc.DeleteVolume(auth.WithRPC(ctx), v.Host, v.ID, false); err != nil {
			// The deletes not cast never start: those volumes fail to
			// delete, and the group settles to error once the others end.
			failed := "error_deleting"
			for _, u := range cast[i:] {
				_, _ = a.db.UpdateVolume(context.WithoutCancel(ctx), u.ID, []string{"deleting"}, store.VolumeUpdate{Status: &failed})
			}
			a.settleGroup(ctx, g.ID)
			return fault.Wrap(err, fault.Unavailable, "The volume service of %s is unavailable.", rpcapi.BackendOf(v.Host))
		}
	}
	if len(cast) == 0 {
		a.settleGroup(ctx, g.ID) // no volume for a backend to delete: gone now
	}
	return nil
}

// resetStatusOf reads {"reset_status": {"status": S}} for groups and
// group snapshots, with cinder's format checkers' messages.
func resetStatusOf(arg json.RawMessage, valid, listed []string, what, label, statusWord string) (string, error) {
	m, err := objectOf("reset_status", arg, "status")
	if err != nil {
		return "", err
	}
	raw, ok := m["status"]
	if !ok {
		return "", fault.New(fault.Invalid, "Invalid input for field/attribute reset_status. Value: %s. 'status' is a required property", pyDict(m))
	}
	s, err := schemaString("status", raw, false, 0, 1<<20)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(*s) == "" {
		return "", fault.New(fault.Invalid, "%s: The 'status' can not be empty.", what)
	}
	st := strings.ToLower(*s)
	if !contains(valid, st) {
		return "", fault.New(fault.Invalid, "%s: %s: %s is invalid, %s: %s.", what, label, *s, statusWord, pyTuple(listed))
	}
	return st, nil
}

// resetGroupStatus is the reset_status action (3.20, admin): any status,
// which also ends what the group's status was following.
func (a *API) resetGroupStatus(w http.ResponseWriter, r *http.Request, c caller, arg json.RawMessage) {
	st, err := resetStatusOf(arg, groupSnapshotStatuses, groupStatuses, "Invalid Group Status", "Group status", "valid status are")
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, chi.URLParam(r, "id"), "group:get")
	if err == nil {
		err = a.authorize(c, "group:reset_status", g.ProjectID)
	}
	if err == nil {
		off := false
		_, err = a.db.UpdateGroup(ctx, g.ID, nil, false, store.GroupUpdate{Status: &st, Settling: &off})
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// groupReplication answers the replication actions as cinder does for
// group types without consistent_group_replication_enabled: no group
// here is a replication group.
func (a *API) groupReplication(w http.ResponseWriter, r *http.Request, c caller, action string, arg json.RawMessage) {
	ctx := r.Context()
	g, err := a.groupOf(ctx, c, chi.URLParam(r, "id"), "group:get")
	if err == nil {
		err = a.authorize(c, "group:"+action, g.ProjectID)
	}
	if err == nil {
		var gt store.GroupType
		if gt, err = a.db.GetGroupType(ctx, g.GroupTypeID, ""); err == nil || fault.KindOf(err) == fault.NotFound {
			err = nil
			if spec := gt.GroupSpecs["consistent_group_replication_enabled"]; spec == nil || !strings.EqualFold(strings.TrimSpace(*spec), "<is> True") {
				err = fault.New(fault.Invalid, "Invalid group type: Group %s is not a replication group type.", g.ID)
			} else {
				// The RBD driver here replicates nothing: no volume type
				// can be replication_enabled on it.
				err = fault.New(fault.Invalid, "Invalid volume type: Volume type %s does not have 'replication_enabled' spec key set to '<is> True'.", strings.Join(g.VolumeTypeIDs, ", "))
			}
		}
	}
	if err != nil {
		fail(w, r, err)
		return
	}
}

// groupsAction is POST /groups/action: create-from-src (3.14).
func (a *API) groupsAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	arg, ok := body["create-from-src"]
	if !ok || !microversion.Of(r).AtLeast(3, 14) {
		for name := range body {
			fail(w, r, fault.New(fault.Invalid, "There is no such action: %s", name))
			return
		}
		fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
		return
	}
	m, err := objectOf("create-from-src", arg, "description", "name", "source_group_id", "group_snapshot_id")
	if err != nil {
		fail(w, r, err)
		return
	}
	_, hasSnap := m["group_snapshot_id"]
	_, hasGroup := m["source_group_id"]
	if hasSnap == hasGroup {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute create-from-src. Value: %s. %s is not valid under any of the given schemas", pyDict(m), pyDict(m)))
		return
	}
	vals := map[string]*string{}
	for k, v := range m {
		max, nullable := 255, true
		if k == "source_group_id" || k == "group_snapshot_id" {
			max, nullable = 1<<20, false
		}
		if vals[k], err = schemaString(k, v, nullable, 0, max); err != nil {
			fail(w, r, err)
			return
		}
		if !nullable && !store.IsUUID(*vals[k]) {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is not a 'uuid'", k, *vals[k], *vals[k]))
			return
		}
	}
	g, err := a.groupFromSource(r, c, stripped(vals["name"]), stripped(vals["description"]), vals["group_snapshot_id"], vals["source_group_id"])
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"group": groupSummary(g)})
}

// groupFromSource is cinder's create_from_src with the generic
// create_group_from_src: a group like its source (type, zone, backend,
// volume types) whose volumes are made from the group snapshot's
// snapshots or the source group's volumes, each as a volume from a
// snapshot or from a volume is made. The group is creating until they all
// are available (then available) or one failed (then error).
func (a *API) groupFromSource(r *http.Request, c caller, name, desc, snapID, srcID *string) (store.Group, error) {
	ctx := r.Context()
	var src store.Group
	var gs store.GroupSnapshot
	var err error
	var what string
	if snapID != nil {
		what = "group snapshots"
		if gs, err = a.groupSnapshotOf(ctx, c, *snapID, "group:get_group_snapshot"); err != nil {
			return src, err
		}
		if err = a.checkCGSnapshotType(ctx, gs.GroupTypeID, "group"); err != nil {
			return src, err
		}
	} else {
		what = "group"
		if src, err = a.groupOf(ctx, c, *srcID, "group:get"); err != nil {
			return src, err
		}
		if err = a.checkCGSnapshotType(ctx, src.GroupTypeID, what); err != nil {
			return src, err
		}
	}
	if err := a.authorize(c, "group:create", ""); err != nil {
		return src, err
	}
	if snapID != nil {
		if src, err = a.groupOf(ctx, c, gs.GroupID, "group:get"); err != nil {
			return src, err
		}
	}
	g := store.Group{ID: uuid.NewString(), ProjectID: c.project(), UserID: c.user(), Status: "creating",
		Name: name, Description: desc, GroupTypeID: src.GroupTypeID, AvailabilityZone: src.AvailabilityZone,
		Host: src.Host, GroupSnapshotID: snapID, SourceGroupID: srcID, VolumeTypeIDs: src.VolumeTypeIDs, Settling: true}
	if g.Host == "" {
		return g, fault.New(fault.Invalid, "Invalid Group: No valid host to create group %s.", g.ID)
	}
	// The volumes to make, each prepared as POST /volumes prepares one.
	var reqs []volumeCreate
	if snapID != nil {
		snaps, err := a.db.ListSnapshots(ctx, store.SnapshotFilter{GroupSnapshotID: gs.ID}, nil, "", 0)
		if err != nil {
			return g, err
		}
		if len(snaps) == 0 {
			return g, fault.New(fault.Invalid, "Invalid Group: Group snapshot is empty. No group will be created.")
		}
		for _, s := range snaps {
			reqs = append(reqs, volumeCreate{SnapshotID: strPtr(s.ID)})
		}
	} else {
		vols, err := a.db.ListVolumes(ctx, store.VolumeFilter{GroupID: src.ID}, []store.Sort{{Key: "created_at", Dir: "asc"}}, "", 0)
		if err != nil {
			return g, err
		}
		if len(vols) == 0 {
			return g, fault.New(fault.Invalid, "Invalid Group: Source Group is empty. No group will be created.")
		}
		for _, v := range vols {
			reqs = append(reqs, volumeCreate{SourceVolID: strPtr(v.ID)})
		}
	}
	var vols []store.Volume
	var specs []rpcapi.RequestSpec
	for _, req := range reqs {
		v, spec, err := a.prepareVolume(r, c, req)
		if err != nil {
			return g, err
		}
		v.GroupID, v.AvailabilityZone, spec.AvailabilityZone = &g.ID, g.AvailabilityZone, g.AvailabilityZone
		if !contains(g.VolumeTypeIDs, v.TypeID) {
			g.VolumeTypeIDs = append(g.VolumeTypeIDs, v.TypeID)
		}
		vols = append(vols, v)
		specs = append(specs, spec)
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := a.checkGroupQuota(ctx, tx, c.project()); err != nil {
			return err
		}
		created, err := tx.CreateGroup(ctx, g)
		if err != nil {
			return err
		}
		g = created
		for _, v := range vols {
			if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 1, 0, v.Size); err != nil {
				return err
			}
			if _, err := tx.CreateVolume(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return g, err
	}
	for i, spec := range specs {
		if err := a.rpc.ScheduleCreateVolume(auth.WithRPC(ctx), spec); err != nil {
			st := "error"
			for _, v := range vols[i:] {
				_, _ = a.db.UpdateVolume(context.WithoutCancel(ctx), v.ID, nil, store.VolumeUpdate{Status: &st})
			}
			a.settleGroup(ctx, g.ID)
			return g, fault.Wrap(err, fault.Unavailable, "The scheduler is unavailable; the volumes of group %s were not created.", g.ID)
		}
	}
	return g, nil
}

// settleGroup settles a group after cinder-api itself ended work on its
// volumes (store.SettleGroup; the volume manager settles it after its
// own work).
func (a *API) settleGroup(ctx context.Context, id string) {
	if err := a.db.SettleGroup(context.WithoutCancel(ctx), id); err != nil {
		a.log.Warn("cannot settle group", "group", id, "err", err)
	}
}
