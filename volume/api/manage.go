package api

import (
	"encoding/json"
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
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// manageRoutes serve cinder's volume manage API: the os-volume-manage
// extension (every version) and its v3 form manageable_volumes (3.8).
func (a *API) manageRoutes(r chi.Router) {
	r.Post("/os-volume-manage", a.manageVolume)
	r.Get("/os-volume-manage", a.listManageable(false))
	r.Get("/os-volume-manage/detail", a.listManageable(true))
	v38 := r.With(microversion.Require(microversion.V(3, 8), microversion.Version{}))
	v38.Post("/manageable_volumes", a.manageVolume)
	v38.Get("/manageable_volumes", a.listManageable(false))
	v38.Get("/manageable_volumes/detail", a.listManageable(true))
}

// manageRequest is the schema of volume_manage_create (cluster from 3.16).
type manageRequest struct {
	Description      *string           `json:"description"`
	AvailabilityZone *string           `json:"availability_zone"`
	Bootable         json.RawMessage   `json:"bootable"`
	VolumeType       *string           `json:"volume_type"`
	Name             *string           `json:"name"`
	Host             *string           `json:"host"`
	Cluster          *string           `json:"cluster"`
	Ref              json.RawMessage   `json:"ref"`
	Metadata         map[string]string `json:"metadata"`
}

func parseManage(r *http.Request) (manageRequest, error) {
	var req manageRequest
	raw, err := onlyMember(r, "volume")
	if err != nil {
		return req, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute volume. Value: %s. %s is not of type 'object'", short(string(raw)), short(string(raw)))
	}
	allowed := map[string]bool{"description": true, "availability_zone": true, "bootable": true, "volume_type": true,
		"name": true, "host": true, "ref": true, "metadata": true}
	if microversion.Of(r).AtLeast(3, 16) {
		allowed["cluster"] = true
	}
	var extra []string
	for k := range m {
		if !allowed[k] {
			extra = append(extra, "'"+k+"'")
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		verb := "was"
		if len(extra) > 1 {
			verb = "were"
		}
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute volume. Value: %s. Additional properties are not allowed (%s %s unexpected)", short(string(raw)), joinComma(extra), verb)
	}
	if _, ok := m["ref"]; !ok {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute volume. Value: %s. 'ref' is a required property", short(string(raw)))
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute volume. Value: %s. %s", short(string(raw)), err)
	}
	if t := strings.TrimSpace(string(req.Ref)); !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "\"") {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute ref. Value: %s. %s is not of type 'object', 'string'", t, t)
	}
	for _, f := range []struct {
		name string
		val  *string
	}{{"name", req.Name}, {"availability_zone", req.AvailabilityZone}, {"volume_type", req.VolumeType}, {"host", req.Host}, {"cluster", req.Cluster}} {
		if err := checkString(f.name, f.val, 255); err != nil {
			return req, err
		}
	}
	return req, checkMetadata(req.Metadata)
}

// sourceName is the ref's "source-name", the only reference RBD knows.
func sourceName(ref json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(ref, &m) != nil {
		return ""
	}
	s, _ := m["source-name"].(string)
	return s
}

// manageService is cinder's _get_service_by_host_cluster for a volume
// host host@backend[#pool]: its cinder-volume service, which must be
// enabled and up. There are no clusters here.
func (a *API) manageService(r *http.Request, host, cluster string) (servicegroup.Service, error) {
	if cluster != "" {
		return servicegroup.Service{}, fault.New(fault.Invalid, "Cluster '%s' not found", cluster)
	}
	backend := rpcapi.BackendOf(host)
	svcs, err := a.sg.List(r.Context(), servicegroup.Filter{Host: backend, Binary: "cinder-volume"})
	if err != nil {
		return servicegroup.Service{}, err
	}
	if len(svcs) == 0 {
		return servicegroup.Service{}, fault.New(fault.Invalid, "Host '%s' not found", host)
	}
	s := svcs[0]
	if s.Disabled || !servicegroup.IsUp(s, time.Now(), time.Duration(a.set.ServiceDownTime)*time.Second) {
		return s, fault.New(fault.Invalid, "Service is unavailable at this time.")
	}
	return s, nil
}

// hostOrCluster is cinder's get_cluster_host: exactly one of them (cluster
// from version min), else only host.
func hostOrCluster(r *http.Request, host, cluster *string, min microversion.Version) (string, string, error) {
	h, cl := deref(host), ""
	msg := "Invalid input received: Host field is missing."
	if microversion.Of(r).AtLeast(min.Major, min.Minor) {
		cl = deref(cluster)
		msg = "Invalid input received: One and only one of cluster and host must be set."
	}
	if (h == "") == (cl == "") {
		return "", "", fault.New(fault.Invalid, "%s", msg)
	}
	return h, cl, nil
}

// manageVolume is POST /os-volume-manage and /manageable_volumes (api-ref
// "Manage an existing volume"), cinder's manage_existing: a volume row in
// managing, size 0, counted in the project's volumes quota, and a cast to
// the backend, which measures and takes the storage (volume-<id>). 202
// with the volume.
func (a *API) manageVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	req, err := parseManage(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:volume_manage", ""); err != nil {
		fail(w, r, err)
		return
	}
	host, cluster, err := hostOrCluster(r, req.Host, req.Cluster, microversion.V(3, 16))
	if err != nil {
		fail(w, r, err)
		return
	}
	bootable := false
	if len(req.Bootable) > 0 && string(req.Bootable) != "null" {
		raw, _ := json.Marshal(map[string]json.RawMessage{"bootable": req.Bootable})
		if bootable, err = boolArg(raw, "bootable"); err != nil {
			fail(w, r, err)
			return
		}
	}
	ctx := r.Context()
	ref := sourceName(req.Ref)
	if id, ok := strings.CutPrefix(ref, "volume-"); ok && store.IsUUID(id) {
		if _, err := a.db.GetVolume(ctx, id); err == nil {
			fail(w, r, fault.New(fault.Invalid, "Invalid volume: Unable to manage existing volume. The volume is already managed"))
			return
		}
	}
	var t store.VolumeType
	if req.VolumeType != nil && *req.VolumeType != "" {
		t, err = a.resolveType(ctx, c, *req.VolumeType)
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.Invalid, "Invalid volume type: Cannot find requested '%s' volume type", *req.VolumeType)
		}
	} else {
		t, err = a.db.GetTypeByName(ctx, a.set.DefaultVolumeType)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.refuseEncrypted(ctx, t); err != nil {
		fail(w, r, err)
		return
	}
	svc, err := a.manageService(r, host, cluster)
	if err != nil {
		fail(w, r, err)
		return
	}
	az := svc.Zone
	if req.AvailabilityZone != nil {
		az = *req.AvailabilityZone
	}
	if rpcapi.PoolOf(host) == "" {
		host = svc.Host
	}
	name, desc := req.Name, req.Description
	if name != nil {
		name = strPtr(strings.TrimSpace(*name))
	}
	if desc != nil {
		desc = strPtr(strings.TrimSpace(*desc))
	}
	v := store.Volume{ID: uuid.NewString(), ProjectID: c.project(), UserID: c.user(), Status: "managing",
		AvailabilityZone: az, Name: name, Description: desc, TypeID: t.ID, TypeName: t.Name, Bootable: bootable,
		Multiattach: t.ExtraSpecs["multiattach"] == "<is> True", Metadata: req.Metadata,
		AdminMetadata: map[string]string{}, Host: host}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 1, 0, 0); err != nil {
			return err
		}
		created, err := tx.CreateVolume(ctx, v)
		v = created
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.rpc.ManageExisting(auth.WithRPC(ctx), v.Host, v.ID, ref); err != nil {
		st := "error_managing"
		_, _ = a.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: &st})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service of %s is unavailable.", rpcapi.BackendOf(v.Host)))
		return
	}
	a.log.Info("Manage volume request issued successfully.", "volume", v.ID, "host", v.Host)
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"volume": a.volumeDetail(r, c, v, nil)})
}

// listManageable is GET .../os-volume-manage[/detail] and
// /manageable_volumes[/detail] (admin): the backend's volumes as its
// manager judges them, sorted by reference (source-name) or size (default
// reference desc), paged by limit, offset and marker (a reference as
// JSON), as cinder's paginate_entries_list.
func (a *API) listManageable(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "volume_extension:list_manageable", ""); err != nil {
			fail(w, r, err)
			return
		}
		q := httpapi.QueryOf(r)
		var hp, cp *string
		if q.Has("host") {
			hp = strPtr(q.Get("host"))
		}
		if q.Has("cluster") {
			cp = strPtr(q.Get("cluster"))
		}
		host, cluster, err := hostOrCluster(r, hp, cp, microversion.V(3, 17))
		if err != nil {
			fail(w, r, err)
			return
		}
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit,
			SortKeys: []string{"reference", "size"}, DefaultSortKey: "reference", DefaultSortDir: "desc"})
		if err != nil {
			fail(w, r, err)
			return
		}
		offset, _, err := offsetOf(q)
		if err != nil {
			fail(w, r, err)
			return
		}
		if _, err := a.manageService(r, host, cluster); err != nil {
			if strings.Contains(err.Error(), "not found") {
				err = fault.New(fault.NotFound, "Service %s could not be found.", host)
			}
			fail(w, r, err)
			return
		}
		list, err := a.rpc.GetManageableVolumes(auth.WithRPC(r.Context()), host)
		if err != nil {
			fail(w, r, err)
			return
		}
		page, err := pageManageable(list, p, offset)
		if err != nil {
			fail(w, r, err)
			return
		}
		out := make([]map[string]any, 0, len(page))
		for _, e := range page {
			m := map[string]any{"reference": e.Reference, "size": e.Size, "safe_to_manage": e.SafeToManage}
			if detail {
				m["reason_not_safe"], m["cinder_id"], m["extra_info"] = e.ReasonNotSafe, e.CinderID, e.ExtraInfo
			}
			out = append(out, m)
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"manageable-volumes": out})
	}
}

func pageManageable(list []rpcapi.ManageableVolume, p pagination.Params, offset int) ([]rpcapi.ManageableVolume, error) {
	sort.SliceStable(list, func(i, j int) bool {
		for _, s := range p.Sort {
			var less, eq bool
			switch s.Key {
			case "size":
				less, eq = list[i].Size < list[j].Size, list[i].Size == list[j].Size
			default:
				x, y := list[i].Reference["source-name"], list[j].Reference["source-name"]
				less, eq = x < y, x == y
			}
			if eq {
				continue
			}
			if s.Dir == "asc" {
				return less
			}
			return !less
		}
		return false
	})
	start := 0
	if p.Marker != "" {
		var ref map[string]string
		if err := json.Unmarshal([]byte(p.Marker), &ref); err != nil {
			return nil, fault.New(fault.Invalid, "Invalid input received: marker %s can not be analysed, please use json like format", p.Marker)
		}
		start = -1
		for i, e := range list {
			if e.Reference["source-name"] == ref["source-name"] && len(ref) == 1 {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, fault.New(fault.Invalid, "Invalid input received: marker not found: %s", p.Marker)
		}
	}
	from, to := start+offset, start+offset+p.Limit
	if from > len(list) {
		from = len(list)
	}
	if to > len(list) {
		to = len(list)
	}
	return list[from:to], nil
}

// unmanage is the os-unmanage volume action (admin), cinder's delete with
// unmanage_only: the same checks as a delete, the volume goes to
// unmanaging and its backend drops the row but keeps the storage. 202.
func (a *API) unmanage(w http.ResponseWriter, r *http.Request, _ json.RawMessage) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, chi.URLParam(r, "id"))
	if err == nil {
		err = a.authorize(c, "volume_extension:volume_unmanage", v.ProjectID)
	}
	if err == nil {
		err = a.authorize(c, "volume:delete", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	msg := "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
	if v.GroupID != nil || v.Migrating() || v.AttachStatus == "attached" || !contains(deletable, v.Status) {
		fail(w, r, fault.New(fault.Invalid, "%s", msg))
		return
	}
	if n, err := a.db.CountSnapshots(ctx, v.ID); err != nil || n > 0 {
		if err == nil {
			err = fault.New(fault.Invalid, "%s", msg)
		}
		fail(w, r, err)
		return
	}
	if v.Host == "" {
		if err := a.db.DeleteVolume(ctx, v.ID); err != nil {
			fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	st := "unmanaging"
	if _, err := a.db.UpdateVolume(ctx, v.ID, deletable, store.VolumeUpdate{Status: &st}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			err = fault.New(fault.Invalid, "%s", msg)
		}
		fail(w, r, err)
		return
	}
	if err := a.rpc.UnmanageVolume(auth.WithRPC(ctx), v.Host, v.ID); err != nil {
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service of %s is unavailable.", rpcapi.BackendOf(v.Host)))
		return
	}
	a.log.Info("Unmanage volume request issued successfully.", "volume", v.ID)
	w.WriteHeader(http.StatusAccepted)
}
