package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/pyrepr"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

const dbMaxInt = 2147483647

var digits = regexp.MustCompile(`^[0-9]+$`)

// parseSize reads cinder's volume_size parameter type: an integer or a
// string of digits, 1..DB_MAX_INT, or null.
func parseSize(field string, raw json.RawMessage) (int, bool, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, false, nil
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		if !digits.MatchString(str) {
			return 0, false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' does not match '^[0-9]+$'", field, str, str)
		}
		s = str
	} else if _, err := strconv.ParseFloat(s, 64); err != nil || strings.ContainsAny(s, ".eE") {
		return 0, false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'integer', 'string', 'null'", field, s, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil || n > dbMaxInt:
		return 0, false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is greater than the maximum of %d", field, s, s, dbMaxInt)
	case n < 1:
		return 0, false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is less than the minimum of 1", field, s, s)
	}
	return int(n), true, nil
}

type volumeCreate struct {
	Size             json.RawMessage   `json:"size"`
	Name             *string           `json:"name"`
	DisplayName      *string           `json:"display_name"`
	Description      *string           `json:"description"`
	DisplayDesc      *string           `json:"display_description"`
	VolumeType       *string           `json:"volume_type"`
	AvailabilityZone *string           `json:"availability_zone"`
	Metadata         map[string]string `json:"metadata"`
	ImageRef         *string           `json:"imageRef"`
	ImageID          *string           `json:"image_id"`
	SnapshotID       *string           `json:"snapshot_id"`
	SourceVolID      *string           `json:"source_volid"`
	BackupID         *string           `json:"backup_id"`
	Multiattach      *bool             `json:"multiattach"`
	GroupID          *string           `json:"group_id"` // 3.13, groups.go
}

func checkString(field string, s *string, max int) error {
	if s != nil && len(*s) > max {
		return fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is too long", field, short(*s), short(*s))
	}
	return nil
}

func checkMetadata(md map[string]string) error {
	for k, v := range md {
		if k == "" || len(k) > 255 {
			return fault.New(fault.Invalid, "Invalid input for field/attribute metadata. Value: %s. Metadata property key %q must be 1 to 255 characters.", short(k), short(k))
		}
		if len(v) > 255 {
			return fault.New(fault.Invalid, "Invalid input for field/attribute metadata. Value: %s. '%s' is too long", short(v), short(v))
		}
	}
	return nil
}

// resolveType finds a type by id or name that the caller may use.
func (a *API) resolveType(ctx context.Context, c caller, ref string) (store.VolumeType, error) {
	t, err := a.db.GetType(ctx, ref)
	if fault.KindOf(err) == fault.NotFound {
		t, err = a.db.GetTypeByName(ctx, ref)
	}
	if err != nil {
		return t, err
	}
	if !t.IsPublic && !c.isAdmin() {
		ok, err := a.db.HasTypeAccess(ctx, t.ID, c.project())
		if err != nil {
			return t, err
		}
		if !ok {
			return t, store.TypeNotFound(ref)
		}
	}
	return t, nil
}

// createVolume is POST /v3/{project_id}/volumes (api-ref "Create a volume").
func (a *API) createVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req volumeCreate
	if err := decode(r, "volume", &req); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume:create", ""); err != nil {
		fail(w, r, err)
		return
	}
	v, spec, err := a.prepareVolume(r, c, req)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 1, 0, v.Size); err != nil {
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
	if err := a.rpc.ScheduleCreateVolume(auth.WithRPC(ctx), spec); err != nil {
		st := "error"
		_, _ = a.db.UpdateVolume(context.WithoutCancel(ctx), v.ID, nil, store.VolumeUpdate{Status: &st})
		if v.GroupID != nil { // a group being made waits for it (intoGroup)
			a.settleGroup(ctx, *v.GroupID)
		}
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The scheduler is unavailable; volume %s was not created.", v.ID))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"volume": a.volumeCreated(r, c, v)})
}

// prepareVolume validates a create request into a row and a request spec.
func (a *API) prepareVolume(r *http.Request, c caller, req volumeCreate) (store.Volume, rpcapi.RequestSpec, error) {
	ctx := r.Context()
	var v store.Volume
	var spec rpcapi.RequestSpec
	size, hasSize, err := parseSize("size", req.Size)
	if err != nil {
		return v, spec, err
	}
	name, desc := req.Name, req.Description
	if name == nil {
		name = req.DisplayName
	}
	if desc == nil {
		desc = req.DisplayDesc
	}
	if err := checkString("name", name, 255); err != nil {
		return v, spec, err
	}
	if err := checkString("description", desc, 255); err != nil {
		return v, spec, err
	}
	if err := checkMetadata(req.Metadata); err != nil {
		return v, spec, err
	}
	// snapshot_id, source_volid and backup_id are uuids (or null) in
	// cinder's schema.
	for _, f := range []struct {
		name string
		val  *string
	}{{"snapshot_id", req.SnapshotID}, {"source_volid", req.SourceVolID}, {"backup_id", req.BackupID}} {
		if f.val != nil && !store.IsUUID(*f.val) {
			return v, spec, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is not valid under any of the given schemas", f.name, short(*f.val), short(*f.val))
		}
	}
	if req.BackupID != nil {
		return v, spec, fault.New(fault.Invalid, "Invalid input received: Creating a volume from a backup is not supported here; restore the backup instead.")
	}
	v = store.Volume{ID: uuid.NewString(), ProjectID: c.project(), UserID: c.user(), Status: "creating",
		Name: name, Description: desc, Metadata: req.Metadata, AdminMetadata: map[string]string{}}
	if req.Multiattach != nil {
		v.Multiattach = *req.Multiattach
	}
	var src *store.Volume
	if req.SnapshotID != nil {
		sn, err := a.db.GetSnapshot(ctx, *req.SnapshotID)
		if err == nil && sn.ProjectID != c.project() && !c.isAdmin() {
			err = store.SnapshotNotFound(*req.SnapshotID)
		}
		if err != nil {
			return v, spec, err
		}
		if sn.Status != "available" {
			return v, spec, fault.New(fault.Invalid, "Invalid snapshot: Originating snapshot status must be one of 'available' values")
		}
		if !hasSize {
			size, hasSize = sn.VolumeSize, true
		} else if size < sn.VolumeSize {
			return v, spec, invalid("Volume size '%d'GB cannot be smaller than the snapshot size %dGB. They must be >= original snapshot size.", size, sn.VolumeSize)
		}
		parent, err := a.db.GetVolume(ctx, sn.VolumeID)
		if err != nil {
			return v, spec, err
		}
		src = &parent
		v.SnapshotID = &sn.ID
	}
	if req.SourceVolID != nil {
		sv, err := a.db.GetVolume(ctx, *req.SourceVolID)
		if err == nil && sv.ProjectID != c.project() && !c.isAdmin() {
			err = store.VolumeNotFound(*req.SourceVolID)
		}
		if err != nil {
			return v, spec, err
		}
		if sv.Status != "available" && sv.Status != "in-use" {
			return v, spec, fault.New(fault.Invalid, "Invalid volume: Unable to create a volume from an originating source volume when its status is not one of available, in-use.")
		}
		if !hasSize {
			size, hasSize = sv.Size, true
		} else if size < sv.Size {
			return v, spec, invalid("Volume size '%d'GB cannot be smaller than original volume size  %dGB. They must be >= original volume size.", size, sv.Size)
		}
		src = &sv
		v.SourceVolID = &sv.ID
	}
	imageRef := req.ImageRef
	if imageRef == nil {
		imageRef = req.ImageID
	}
	if imageRef != nil && *imageRef != "" {
		if err := a.authorize(c, "volume:create_from_image", ""); err != nil {
			return v, spec, err
		}
		id := *imageRef
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
		if !store.IsUUID(id) {
			return v, spec, fault.New(fault.Invalid, "Invalid image identifier or unable to access requested image.")
		}
		im, err := a.glance.Get(ctx, id)
		if fault.KindOf(err) == fault.NotFound {
			return v, spec, fault.New(fault.Invalid, "Invalid image identifier or unable to access requested image.")
		}
		if err != nil {
			return v, spec, err
		}
		if im.Status != "active" {
			return v, spec, invalid("Image %s is not active.", im.ID)
		}
		gb := int((im.Size + (1<<30 - 1)) >> 30)
		if !hasSize {
			size, hasSize = max(gb, im.MinDisk, 1), true
		}
		if gb > size {
			return v, spec, invalid("Size of specified image %dGB is larger than volume size %dGB.", gb, size)
		}
		if im.MinDisk > size {
			return v, spec, invalid("Volume size %dGB cannot be smaller than the image minDisk size %dGB.", size, im.MinDisk)
		}
		v.ImageID = &im.ID
		spec.ImageID = im.ID
	}
	if !hasSize {
		return v, spec, fault.New(fault.Invalid, "Invalid input received: Volume size must be specified when creating an empty volume.")
	}
	if src != nil && size < src.Size {
		size = src.Size
	}
	v.Size = size
	// Type: given, else the source's, else the default.
	var t store.VolumeType
	switch {
	case req.VolumeType != nil && *req.VolumeType != "":
		t, err = a.resolveType(ctx, c, *req.VolumeType)
	case src != nil:
		t, err = a.db.GetType(ctx, src.TypeID)
	default:
		t, err = a.db.GetTypeByName(ctx, a.set.DefaultVolumeType)
	}
	if err != nil {
		return v, spec, err
	}
	if src != nil && t.ID != src.TypeID {
		return v, spec, invalid("Invalid volume_type provided: %s (requested type is not compatible; recommend omitting the type argument).", t.Name)
	}
	if err := a.refuseEncrypted(ctx, t); err != nil { // encryption.go: no key manager here
		return v, spec, err
	}
	v.TypeID, v.TypeName = t.ID, t.Name
	// A multiattach volume type ("multiattach": "<is> True") makes
	// multiattach volumes, as cinder's.
	if strings.EqualFold(strings.TrimSpace(t.ExtraSpecs["multiattach"]), "<is> True") {
		v.Multiattach = true
	}
	// Availability zone: given (must exist), else the source's, else the default.
	az := a.set.DefaultAZ
	if src != nil {
		az = src.AvailabilityZone
	}
	if req.AvailabilityZone != nil && *req.AvailabilityZone != "" {
		zones, err := a.zones(ctx)
		if err != nil {
			return v, spec, err
		}
		if !zones[*req.AvailabilityZone] {
			return v, spec, fault.New(fault.Invalid, "Availability zone '%s' is invalid.", *req.AvailabilityZone)
		}
		if src != nil && *req.AvailabilityZone != src.AvailabilityZone {
			return v, spec, invalid("Volume must be in the same availability zone as the source volume")
		}
		az = *req.AvailabilityZone
	}
	v.AvailabilityZone = az
	spec = rpcapi.RequestSpec{VolumeID: v.ID, Size: v.Size, VolumeTypeID: t.ID, VolumeTypeName: t.Name,
		ExtraSpecs: t.ExtraSpecs, AvailabilityZone: az, ImageID: spec.ImageID}
	if src != nil {
		spec.SourceHost = src.Host
		spec.SnapshotID = deref(v.SnapshotID)
		spec.SourceVolID = deref(v.SourceVolID)
	}
	if req.GroupID != nil && microversion.Of(r).AtLeast(3, 13) {
		return a.intoGroup(ctx, c, *req.GroupID, req.VolumeType, v, spec) // groups.go
	}
	return v, spec, nil
}

// zones lists the availability zones of the volume services.
func (a *API) zones(ctx context.Context) (map[string]bool, error) {
	svcs, err := a.sg.List(ctx, sgFilter("cinder-volume"))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{a.set.DefaultAZ: true}
	for _, s := range svcs {
		if s.Zone != "" {
			out[s.Zone] = true
		}
	}
	return out, nil
}

// getVolume loads a volume the caller may see.
func (a *API) getVolume(ctx context.Context, c caller, id string) (store.Volume, error) {
	v, err := a.db.GetVolume(ctx, id)
	if err != nil {
		return v, err
	}
	if v.ProjectID != c.project() && !c.isAdmin() {
		return store.Volume{}, store.VolumeNotFound(id)
	}
	return v, nil
}

// showVolume is GET /volumes/{id}.
func (a *API) showVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v, err := a.getVolume(r.Context(), c, chi.URLParam(r, "id"))
	if err == nil {
		err = a.authorize(c, "volume:get", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeVolume(w, r, c, v)
}

// listVolumes is GET /volumes and /volumes/detail.
func (a *API) listVolumes(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := callerOf(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if err := a.authorize(c, "volume:get_all", ""); err != nil {
			fail(w, r, err)
			return
		}
		q := httpapi.QueryOf(r)
		p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit})
		if err != nil {
			fail(w, r, err)
			return
		}
		f := store.VolumeFilter{ProjectID: c.project()}
		allTenants, _ := boolParam(q.Get("all_tenants"))
		if c.isAdmin() && allTenants {
			f.ProjectID = ""
		}
		if c.isAdmin() && q.Get("project_id") != "" && allTenants {
			f.ProjectID = q.Get("project_id")
		}
		f.Name = q.Get("name")
		if f.Name == "" {
			f.Name = q.Get("display_name")
		}
		if microversion.Of(r).AtLeast(3, 34) {
			f.NameLike = q.Get("name~")
		}
		if microversion.Of(r).AtLeast(3, 60) {
			if f.Times, err = timeFilters(q); err != nil { // time_filters.go
				fail(w, r, err)
				return
			}
		}
		f.Status, f.AZ = q.Get("status"), q.Get("availability_zone")
		if microversion.Of(r).AtLeast(3, 10) {
			f.GroupID = q.Get("group_id")
		}
		if b := q.Get("bootable"); b != "" {
			// Parsed as a boolean at every version, as cinder does in
			// practice (tempest lists bootable=false at 3.0).
			if val, ok := boolParam(b); ok {
				f.Bootable = &val
			}
		}
		if m := q.Get("metadata"); m != "" {
			md, err := parseDictParam(m)
			if err != nil {
				fail(w, r, err)
				return
			}
			f.Metadata = md
		}
		sorts := make([]store.Sort, 0, len(p.Sort))
		for _, s := range p.Sort {
			sorts = append(sorts, store.Sort{Key: s.Key, Dir: s.Dir})
		}
		offset, empty, err := offsetOf(q)
		if err != nil {
			fail(w, r, err)
			return
		}
		vols := []store.Volume{}
		if !empty {
			vols, err = a.db.ListVolumesAt(r.Context(), f, sorts, p.Marker, p.Limit, offset)
		}
		if err == nil && microversion.Of(r).AtLeast(3, 4) && q.Get("glance_metadata") != "" {
			var gm map[string]string
			if gm, err = parseDictParam(q.Get("glance_metadata")); err == nil {
				vols = filterImageMeta(vols, gm)
			}
		}
		if err != nil {
			fail(w, r, err)
			return
		}
		atts := map[string][]store.Attachment{}
		if detail {
			if atts, err = a.attachmentsOf(r.Context(), vols); err != nil {
				fail(w, r, err)
				return
			}
		}
		items := make([]map[string]any, 0, len(vols))
		for _, v := range vols {
			if detail {
				items = append(items, a.volumeDetail(r, c, v, atts[v.ID]))
			} else {
				items = append(items, volumeSummary(r, v))
			}
		}
		out := map[string]any{"volumes": items}
		if wc, _ := boolParam(q.Get("with_count")); wc && microversion.Of(r).AtLeast(3, 45) {
			// 3.45: how many match the filters, whatever the page
			all, err := a.db.ListVolumesAt(r.Context(), f, nil, "", 0, 0)
			if err == nil && microversion.Of(r).AtLeast(3, 4) && q.Get("glance_metadata") != "" {
				gm, _ := parseDictParam(q.Get("glance_metadata"))
				all = filterImageMeta(all, gm)
			}
			if err != nil {
				fail(w, r, err)
				return
			}
			out["count"] = len(all)
		}
		if len(vols) > 0 {
			if l := pagination.CollectionLinks(r, p, len(vols), vols[len(vols)-1].ID); l != nil {
				out["volumes_links"] = l
			}
		}
		httpapi.WriteJSON(w, r, http.StatusOK, out)
	}
}

func filterImageMeta(vols []store.Volume, want map[string]string) []store.Volume {
	out := vols[:0]
	for _, v := range vols {
		ok := v.ImageMetadata != nil
		for k, val := range want {
			if !ok || v.ImageMetadata[k] != val {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, v)
		}
	}
	return out
}

// parseDictParam reads a filter given as a Python/JSON dict string.
func parseDictParam(s string) (map[string]string, error) {
	m := map[string]string{}
	if err := json.Unmarshal([]byte(s), &m); err == nil {
		return m, nil
	}
	fixed := strings.ReplaceAll(s, "'", "\"")
	if err := json.Unmarshal([]byte(fixed), &m); err != nil {
		return nil, invalid("Invalid filter value %s.", s)
	}
	return m, nil
}

// updateVolume is PUT /volumes/{id}: name, description, metadata.
func (a *API) updateVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req map[string]json.RawMessage
	if err := decode(r, "volume", &req); err != nil {
		fail(w, r, err)
		return
	}
	v, err := a.getVolume(r.Context(), c, chi.URLParam(r, "id"))
	if err == nil {
		err = a.authorize(c, "volume:update", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	// An empty update changes nothing and answers the volume, as cinder.
	var u store.VolumeUpdate
	for k, raw := range req {
		switch k {
		case "name", "display_name", "description", "display_description":
			var s *string
			if err := json.Unmarshal(raw, &s); err != nil {
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'string', 'null'", k, raw, raw))
				return
			}
			if err := checkString(k, s, 255); err != nil {
				fail(w, r, err)
				return
			}
			if strings.Contains(k, "name") {
				u.Name = &s
			} else {
				u.Description = &s
			}
		case "metadata":
			var md map[string]string
			if err := json.Unmarshal(raw, &md); err != nil {
				fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute metadata. Value: %s. %s is not of type 'object'", raw, raw))
				return
			}
			if err := checkMetadata(md); err != nil {
				fail(w, r, err)
				return
			}
			if md == nil {
				md = map[string]string{}
			}
			u.Metadata = md
		default:
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume. Value: %s. Additional properties are not allowed ('%s' was unexpected)", short(pyrepr.Repr(asAny(req))), k))
			return
		}
	}
	v, err = a.db.UpdateVolume(r.Context(), v.ID, nil, u)
	if err != nil {
		fail(w, r, err)
		return
	}
	// The update answer is the plain view too (no extension attributes).
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume": a.volumeCreated(r, c, v)})
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

var deletable = []string{"available", "error", "error_restoring", "error_extending", "error_managing"}

// deleteVolume is DELETE /volumes/{id}[?cascade=true][&force=true].
func (a *API) deleteVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, chi.URLParam(r, "id"))
	if err == nil {
		err = a.authorize(c, "volume:delete", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	cascade, _ := boolParam(q.Get("cascade"))
	force := false
	if microversion.Of(r).AtLeast(3, 23) {
		force, _ = boolParam(q.Get("force"))
	}
	if err := a.startDelete(r, c, v, cascade, force); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// startDelete moves a volume to deleting and casts the delete; a volume
// never scheduled is removed at once.
func (a *API) startDelete(r *http.Request, c caller, v store.Volume, cascade, force bool) error {
	ctx := r.Context()
	msg := "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
	if v.GroupID != nil { // deleted with its group (groups.go)
		return fault.New(fault.Invalid, "%s", msg)
	}
	if v.Migrating() { // not while a migration moves it (migrate.go)
		return fault.New(fault.Invalid, "%s", msg)
	}
	if !force {
		if v.AttachStatus == "attached" || !contains(deletable, v.Status) {
			return fault.New(fault.Invalid, "%s", msg)
		}
		n, err := a.db.CountSnapshots(ctx, v.ID)
		if err != nil {
			return err
		}
		if n > 0 && !cascade {
			return fault.New(fault.Invalid, "%s", msg)
		}
	}
	if v.Host == "" {
		return a.db.DeleteVolume(ctx, v.ID)
	}
	st := "deleting"
	from := deletable
	if force {
		from = nil
	}
	if _, err := a.db.UpdateVolume(ctx, v.ID, from, store.VolumeUpdate{Status: &st}); err != nil {
		if fault.KindOf(err) == fault.Invalid {
			return fault.New(fault.Invalid, "%s", msg)
		}
		return err
	}
	if cascade {
		del := "deleting"
		snaps, _ := a.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID}, nil, "", 0)
		for _, s := range snaps {
			_, _ = a.db.UpdateSnapshot(ctx, s.ID, nil, store.SnapshotUpdate{Status: &del})
		}
	}
	if err := a.rpc.DeleteVolume(auth.WithRPC(ctx), v.Host, v.ID, cascade); err != nil {
		return fault.Wrap(err, fault.Unavailable, "The volume service of %s is unavailable.", rpcapi.BackendOf(v.Host))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeVolume answers 200 with the volume's detail view.
func (a *API) writeVolume(w http.ResponseWriter, r *http.Request, c caller, v store.Volume) {
	atts, err := a.attachmentsOf(r.Context(), []store.Volume{v})
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume": a.volumeDetail(r, c, v, atts[v.ID])})
}

// volumeSummary is GET /volumes/summary (3.12; metadata from 3.36).
func (a *API) volumeSummary(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume:get_all", ""); err != nil {
		fail(w, r, err)
		return
	}
	project := c.project()
	if all, _ := boolParam(httpapi.QueryOf(r).Get("all_tenants")); all && c.isAdmin() {
		project = ""
	}
	n, size, meta, err := a.db.Summary(r.Context(), project)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := map[string]any{"total_count": n, "total_size": size}
	if microversion.Of(r).AtLeast(3, 36) {
		out["metadata"] = meta
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume-summary": out})
}
