package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// volumeAction is POST /volumes/{id}/action: one action per body.
func (a *API) volumeAction(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		fail(w, r, err)
		return
	}
	if len(body) != 1 {
		fail(w, r, fault.New(fault.Invalid, "Malformed request body"))
		return
	}
	for name, arg := range body {
		h, ok := map[string]func(http.ResponseWriter, *http.Request, json.RawMessage){
			"os-extend":                a.extend,
			"os-set_bootable":          a.setBootable,
			"os-update_readonly_flag":  a.updateReadonly,
			"os-reset_status":          a.resetStatus,
			"os-force_delete":          a.forceDelete,
			"os-retype":                a.retype,
			"os-migrate_volume":        a.migrateVolume, // migrate.go
			"os-volume_upload_image":   a.uploadImage,
			"os-initialize_connection": a.initializeConnection,
			"os-terminate_connection":  a.terminateConnection,
			"os-reserve":               a.legacyAttachAction("os-reserve"),
			"os-unreserve":             a.legacyAttachAction("os-unreserve"),
			"os-attach":                a.legacyAttachAction("os-attach"),
			"os-detach":                a.legacyAttachAction("os-detach"),
			"os-begin_detaching":       a.legacyAttachAction("os-begin_detaching"),
			"os-roll_detaching":        a.legacyAttachAction("os-roll_detaching"),
			"os-force_detach":          a.forceDetach,
			"os-set_image_metadata":    a.imageMetadataAction("set"),
			"os-unset_image_metadata":  a.imageMetadataAction("unset"),
			"os-show_image_metadata":   a.imageMetadataAction("show"),
			"os-reimage":               a.reimage,  // 3.68, reimage.go
			"os-unmanage":              a.unmanage, // manage.go
			"revert":                   a.revert,   // 3.40, revert.go
		}[name]
		if !ok {
			fail(w, r, noSuchAction(name))
			return
		}
		h(w, r, arg)
	}
}

func (a *API) extend(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		NewSize json.RawMessage `json:"new_size"`
	}
	if err := json.Unmarshal(arg, &req); err != nil || req.NewSize == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-extend. Value: %s. 'new_size' is a required property", short(string(arg))))
		return
	}
	size, _, err := parseSize("new_size", req.NewSize)
	if err != nil {
		fail(w, r, err)
		return
	}
	c, v, ok := a.volumeFor(w, r, "volume:extend")
	if !ok {
		return
	}
	// cinder's order: the size, then the status (available, or in-use
	// for an attached volume from 3.42), then the quotas.
	if size <= v.Size {
		fail(w, r, invalid("New size for extend must be greater than current size. (current: %d, extended: %d).", v.Size, size))
		return
	}
	from := []string{"available"}
	if microversion.Of(r).AtLeast(3, 42) && v.Status == "in-use" {
		from = []string{"in-use"}
		if err := a.authorize(c, "volume:extend_attached_volume", v.ProjectID); err != nil {
			fail(w, r, err)
			return
		}
	}
	if !contains(from, v.Status) {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s status must be '{'status': '%s'}' to extend, currently %s.", v.ID, from[0], v.Status))
		return
	}
	ctx := r.Context()
	st := "extending"
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkPerVolume(ctx, tx, v.ProjectID, size); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, v.ProjectID, v.TypeName, 0, 0, size-v.Size); err != nil {
			return err
		}
		_, err := tx.UpdateVolume(ctx, v.ID, from, store.VolumeUpdate{Status: &st})
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.rpc.ExtendVolume(auth.WithRPC(ctx), v.Host, v.ID, size); err != nil {
		back := v.Status
		_, _ = a.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: &back})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service is unavailable."))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func boolArg(arg json.RawMessage, key string) (bool, error) {
	var m map[string]any
	if err := json.Unmarshal(arg, &m); err != nil {
		return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s.", key, short(string(arg)))
	}
	raw, ok := m[key]
	if !ok {
		return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is a required property", key, short(string(arg)), key)
	}
	switch v := raw.(type) {
	case bool:
		return v, nil
	case string:
		if b, ok := boolParam(v); ok {
			return b, nil
		}
	}
	return false, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %v. %v is not of type 'boolean', 'string'", key, raw, raw)
}

func (a *API) setBootable(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	b, err := boolArg(arg, "bootable")
	if err != nil {
		fail(w, r, err)
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume:update")
	if !ok {
		return
	}
	if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{Bootable: &b}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *API) updateReadonly(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	b, err := boolArg(arg, "readonly")
	if err != nil {
		fail(w, r, err)
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume:update_readonly_flag")
	if !ok {
		return
	}
	if v.Status != "available" { // Zed: available only
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s status must be available to update readonly flag, but current status is: %s.", v.ID, v.Status))
		return
	}
	amd := v.AdminMetadata
	if b {
		amd["readonly"] = "True"
	} else {
		amd["readonly"] = "False"
	}
	if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{AdminMetadata: amd}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

var volumeStatuses = []string{"creating", "available", "deleting", "error", "error_deleting", "error_managing",
	"managing", "attaching", "in-use", "detaching", "maintenance", "restoring-backup", "error_restoring",
	"reserved", "awaiting-transfer", "backing-up", "error_backing-up", "error_extending", "downloading",
	"uploading", "retyping", "extending"}

func (a *API) resetStatus(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		Status          *string `json:"status"`
		AttachStatus    *string `json:"attach_status"`
		MigrationStatus *string `json:"migration_status"`
	}
	if err := json.Unmarshal(arg, &req); err != nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-reset_status. Value: %s.", short(string(arg))))
		return
	}
	// The statuses are checked before the volume is looked up, as cinder.
	var u store.VolumeUpdate
	if req.Status != nil {
		s := strings.ToLower(*req.Status)
		if !contains(volumeStatuses, s) {
			fail(w, r, fault.New(fault.Invalid, "Volume status: %s is invalid, valid statuses are: %s.", *req.Status, pyTuple(volumeStatuses)))
			return
		}
		u.Status = &s
	}
	if req.AttachStatus != nil {
		s := strings.ToLower(*req.AttachStatus)
		if s != "attached" && s != "detached" {
			fail(w, r, fault.New(fault.Invalid, "Volume attach status: %s is invalid, valid statuses are: ['attached', 'detached'].", *req.AttachStatus))
			return
		}
		u.AttachStatus = &s
	}
	if req.MigrationStatus != nil {
		ms := req.MigrationStatus
		if *ms == "none" {
			ms = nil
		}
		u.MigrationStatus = &ms
	}
	if req.Status == nil && req.AttachStatus == nil && req.MigrationStatus == nil {
		fail(w, r, fault.New(fault.Invalid, "Must specify 'status', 'attach_status' or 'migration_status' for update."))
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume_extension:volume_admin_actions:reset_status")
	if !ok {
		return
	}
	if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, u); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) forceDelete(w http.ResponseWriter, r *http.Request, _ json.RawMessage) {
	c, v, ok := a.volumeFor(w, r, "volume_extension:volume_admin_actions:force_delete")
	if !ok {
		return
	}
	n, err := a.db.CountSnapshots(r.Context(), v.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	if n > 0 {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s still has %d dependent snapshots.", v.ID, n))
		return
	}
	if err := a.startDelete(r, c, v, false, true); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) retype(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		NewType *string `json:"new_type"`
		Policy  *string `json:"migration_policy"`
	}
	if err := json.Unmarshal(arg, &req); err != nil || req.NewType == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-retype. Value: %s. 'new_type' is a required property", short(string(arg))))
		return
	}
	policy := rpcapi.PolicyNever
	if req.Policy != nil {
		if *req.Policy != rpcapi.PolicyNever && *req.Policy != rpcapi.PolicyOnDemand {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute migration_policy. Value: %s. '%s' is not one of ['on-demand', 'never']", *req.Policy, *req.Policy))
			return
		}
		policy = *req.Policy
	}
	c, v, ok := a.volumeFor(w, r, "volume:retype")
	if !ok {
		return
	}
	if v.GroupID != nil { // a volume of a group is not retyped alone (groups.go)
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Retype needs volume to be in available or in-use state, "+
			"not be part of an active migration or a consistency group, requested type has to be different that the "+
			"one from the volume, and for in-use volumes front-end qos specs cannot change."))
		return
	}
	ctx := r.Context()
	t, err := a.resolveType(ctx, c, *req.NewType)
	if err != nil {
		fail(w, r, err)
		return
	}
	// No key manager here: a type with encryption is refused as at create.
	if err := a.refuseEncrypted(ctx, t); err != nil {
		fail(w, r, err)
		return
	}
	// cinder's one conditional update: status, no migration under way,
	// another type, and the same front-end QoS for an in-use volume.
	qosOK, err := a.qosAllowsRetype(ctx, v, t)
	if err != nil {
		fail(w, r, err)
		return
	}
	busy := v.MigrationStatus != nil && (*v.MigrationStatus == "migrating" || *v.MigrationStatus == "starting")
	if (v.Status != "available" && v.Status != "in-use") || busy || t.ID == v.TypeID || !qosOK {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Retype needs volume to be in available or in-use state, "+
			"not be part of an active migration or a consistency group, requested type has to be different that the "+
			"one from the volume, and for in-use volumes front-end qos specs cannot change."))
		return
	}
	// The per-type quotas of the new type (the totals do not change).
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, v.ProjectID); err != nil {
			return err
		}
		if err := a.checkTypeQuota(ctx, tx, v.ProjectID, t.Name, v.Size); err != nil {
			return err
		}
		st, prev := "retyping", &v.Status
		_, err := tx.UpdateVolume(ctx, v.ID, []string{"available", "in-use"}, store.VolumeUpdate{Status: &st, PreviousStatus: &prev})
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	spec := rpcapi.RequestSpec{VolumeID: v.ID, Size: v.Size, VolumeTypeID: t.ID, VolumeTypeName: t.Name,
		ExtraSpecs: t.ExtraSpecs, AvailabilityZone: v.AvailabilityZone}
	if err := a.rpc.ScheduleRetype(auth.WithRPC(ctx), rpcapi.ScheduleRetype{VolumeID: v.ID, Policy: policy,
		RequestSpec: spec}); err != nil {
		_, _ = a.db.UpdateVolume(context.WithoutCancel(ctx), v.ID, []string{"retyping"}, store.VolumeUpdate{Status: &v.Status})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The scheduler is unavailable."))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) uploadImage(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		ImageName       *string `json:"image_name"`
		Force           any     `json:"force"`
		DiskFormat      *string `json:"disk_format"`
		ContainerFormat *string `json:"container_format"`
		Visibility      *string `json:"visibility"`
		Protected       *bool   `json:"protected"`
	}
	if err := json.Unmarshal(arg, &req); err != nil || req.ImageName == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-volume_upload_image. Value: %s. 'image_name' is a required property", short(string(arg))))
		return
	}
	c, v, ok := a.volumeFor(w, r, "volume_extension:volume_actions:upload_image")
	if !ok {
		return
	}
	disk := "raw"
	if req.DiskFormat != nil {
		disk = *req.DiskFormat
	}
	// cinder-volume converts the volume's data to the format asked for
	// (qemu-img), as upstream's upload_volume.
	if !contains([]string{"raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"}, disk) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute disk_format. Value: %s. '%s' is not one of ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop']", disk, disk))
		return
	}
	cf := "bare"
	if req.ContainerFormat != nil {
		cf = *req.ContainerFormat
	}
	// enable_force_upload is off in Zed: force is ignored.
	if v.Status != "available" {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s status must be available", v.ID))
		return
	}
	// Below 3.1 cinder sends Glance no visibility nor protected: the
	// image gets Glance's defaults (shared, unprotected).
	visibility, protected := "", false
	if microversion.Of(r).AtLeast(3, 1) {
		visibility = "private"
		if req.Visibility != nil {
			visibility = *req.Visibility
			if visibility == "public" {
				if err := a.authorize(c, "volume_extension:volume_actions:upload_public", ""); err != nil {
					fail(w, r, err)
					return
				}
			}
		}
		if req.Protected != nil {
			protected = *req.Protected
		}
	}
	ctx := r.Context()
	body := map[string]any{"name": *req.ImageName, "disk_format": disk, "container_format": cf}
	if visibility != "" {
		body["visibility"], body["protected"] = visibility, protected
	}
	for k, val := range v.ImageMetadata {
		switch k {
		case "image_id", "image_name", "checksum", "container_format", "disk_format", "min_disk", "min_ram", "size":
		default:
			body[k] = val
		}
	}
	im, err := a.glance.Create(ctx, body)
	if err != nil {
		fail(w, r, err)
		return
	}
	st := "uploading"
	if _, err := a.db.UpdateVolume(ctx, v.ID, []string{"available"}, store.VolumeUpdate{Status: &st}); err != nil {
		_ = a.glance.Delete(ctx, im.ID)
		fail(w, r, err)
		return
	}
	meta := rpcapi.ImageMeta{ID: im.ID, Name: im.Name, DiskFormat: disk, ContainerFormat: cf}
	if err := a.rpc.CopyVolumeToImage(auth.WithRPC(ctx), v.Host, v.ID, meta); err != nil {
		back := "available"
		_, _ = a.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: &back})
		_ = a.glance.Delete(ctx, im.ID)
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service is unavailable."))
		return
	}
	// cinder answers with the volume as it was (updated_at before this
	// call), its type as the whole database object, and the image's
	// protected and visibility as Glance made them.
	vt := map[string]any{"id": v.TypeID, "name": v.TypeName}
	if t, err := a.db.GetType(ctx, v.TypeID); err == nil {
		view := a.typeView(c, t)
		vt = map[string]any{"id": t.ID, "name": t.Name, "description": t.Description, "is_public": t.IsPublic,
			"extra_specs": t.ExtraSpecs, "qos_specs_id": view["qos_specs_id"], "created_at": timefmt.Naive(t.CreatedAt),
			"updated_at": timefmt.Nullable(timefmt.Naive, t.UpdatedAt), "deleted_at": nil, "deleted": false}
	}
	if visibility == "" {
		visibility = im.Visibility
	}
	out := map[string]any{"id": v.ID, "updated_at": timefmt.Nullable(timefmt.Naive, v.UpdatedAt), "status": "uploading",
		"display_description": v.Description, "size": v.Size, "volume_type": vt, "image_id": im.ID,
		"container_format": cf, "disk_format": disk, "image_name": im.Name, "protected": protected, "visibility": visibility}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"os-volume_upload_image": out})
}

func (a *API) initializeConnection(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	var req struct {
		Connector map[string]any `json:"connector"`
	}
	if err := json.Unmarshal(arg, &req); err != nil || req.Connector == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute os-initialize_connection. Value: %s. 'connector' is a required property", short(string(arg))))
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume_extension:volume_actions:initialize_connection")
	if !ok {
		return
	}
	if v.Host == "" {
		fail(w, r, fault.New(fault.Invalid, "Invalid volume: Volume %s has no host; it cannot be connected.", v.ID))
		return
	}
	info, err := a.rpc.InitializeConnection(auth.WithRPC(r.Context()), v.Host, v.ID, req.Connector)
	if err == nil && info.Data != nil {
		err = a.qosConnection(r.Context(), v, info.Data) // qos.go
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"connection_info": info})
}

func (a *API) terminateConnection(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	_, v, ok := a.volumeFor(w, r, "volume_extension:volume_actions:terminate_connection")
	if !ok {
		return
	}
	if v.Host != "" {
		if err := a.rpc.TerminateConnection(auth.WithRPC(r.Context()), v.Host, v.ID, nil); err != nil {
			fail(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// imageMetadataAction serves os-set_image_metadata ({"metadata": {...}},
// 200 with the result), os-unset_image_metadata ({"key": k}, 200) and
// os-show_image_metadata (200), cinder's volume_image_metadata extension.
func (a *API) imageMetadataAction(op string) func(http.ResponseWriter, *http.Request, json.RawMessage) {
	return func(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
		rule := map[string]string{"set": "volume_extension:volume_image_metadata:set",
			"unset": "volume_extension:volume_image_metadata:remove", "show": "volume_extension:volume_image_metadata:show"}[op]
		_, v, ok := a.volumeFor(w, r, rule)
		if !ok {
			return
		}
		md := map[string]string{}
		for k, val := range v.ImageMetadata {
			md[k] = val
		}
		switch op {
		case "show":
			httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": md})
			return
		case "set":
			var req struct {
				Metadata map[string]string `json:"metadata"`
			}
			if err := json.Unmarshal(arg, &req); err != nil || req.Metadata == nil {
				fail(w, r, fault.New(fault.Invalid, "Malformed request body."))
				return
			}
			if err := checkMetadata(req.Metadata); err != nil {
				fail(w, r, err)
				return
			}
			for k, val := range req.Metadata {
				md[k] = val
			}
		case "unset":
			var req struct {
				Key string `json:"key"`
			}
			if err := json.Unmarshal(arg, &req); err != nil || req.Key == "" {
				fail(w, r, fault.New(fault.Invalid, "Malformed request body."))
				return
			}
			if _, found := md[req.Key]; !found {
				fail(w, r, fault.New(fault.NotFound, "Glance metadata for volume %s with key %s cannot be found.", v.ID, req.Key))
				return
			}
			delete(md, req.Key)
		}
		if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{ImageMetadata: md}); err != nil {
			fail(w, r, err)
			return
		}
		if op == "set" {
			httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": md})
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}
