package api

import (
	"net/http"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

func links(r *http.Request, project, collection, id string) []link {
	base := httpapi.BaseURL(r)
	return []link{
		{Href: base + "/v3/" + project + "/" + collection + "/" + id, Rel: "self"},
		{Href: base + "/" + project + "/" + collection + "/" + id, Rel: "bookmark"},
	}
}

func volumeSummary(r *http.Request, v store.Volume) map[string]any {
	return map[string]any{"id": v.ID, "name": v.Name, "links": links(r, v.ProjectID, "volumes", v.ID)}
}

// volumeDetail is cinder's detail view with the extended attributes the
// caller's policy allows (host, tenant, migration status, image metadata).
func (a *API) volumeDetail(r *http.Request, c caller, v store.Volume, atts []store.Attachment) map[string]any {
	bootable := "false"
	if v.Bootable {
		bootable = "true"
	}
	// cinder's add_visible_admin_metadata: readonly and attached_mode
	// show among the volume's metadata.
	md := map[string]string{}
	for k, val := range v.Metadata {
		md[k] = val
	}
	for _, k := range []string{"readonly", "attached_mode"} {
		if val, ok := v.AdminMetadata[k]; ok {
			md[k] = val
		}
	}
	attachments := volumeAttachments(c, atts)
	out := map[string]any{
		"id": v.ID, "status": userStatus(v.Status), "size": v.Size, "availability_zone": v.AvailabilityZone,
		"created_at": timefmt.Naive(v.CreatedAt), "updated_at": timefmt.Nullable(timefmt.Naive, v.UpdatedAt),
		"name": v.Name, "description": v.Description, "volume_type": v.TypeName,
		"snapshot_id": v.SnapshotID, "source_volid": v.SourceVolID, "metadata": md,
		"links": links(r, v.ProjectID, "volumes", v.ID), "user_id": v.UserID, "bootable": bootable,
		"encrypted": false, "replication_status": nil, "consistencygroup_id": nil, "multiattach": v.Multiattach,
		"attachments": attachments,
	}
	if c.isAdmin() {
		out["migration_status"] = v.MigrationStatus
	}
	mv := microversion.Of(r)
	if mv.AtLeast(3, 13) {
		out["group_id"] = v.GroupID
	}
	if mv.AtLeast(3, 21) && c.isAdmin() {
		out["provider_id"] = nil
	}
	addDetail348(out, mv, c, v) // 3.48 - 3.65, views_348.go
	if a.allowed(c, "volume_extension:volume_host_attribute", v.ProjectID) {
		var host any
		if v.Host != "" {
			host = v.Host
		}
		out["os-vol-host-attr:host"] = host
	}
	if a.allowed(c, "volume_extension:volume_tenant_attribute", v.ProjectID) {
		out["os-vol-tenant-attr:tenant_id"] = v.ProjectID
	}
	if a.allowed(c, "volume_extension:volume_mig_status_attribute", v.ProjectID) {
		out["os-vol-mig-status-attr:migstat"] = v.MigrationStatus
		out["os-vol-mig-status-attr:name_id"] = nil
	}
	if len(v.ImageMetadata) > 0 && a.allowed(c, "volume_extension:volume_image_metadata:show", v.ProjectID) {
		out["volume_image_metadata"] = v.ImageMetadata
	}
	return out
}

func (a *API) snapshotView(r *http.Request, c caller, s store.Snapshot) map[string]any {
	return a.snapshotViewExt(r, c, s, true)
}

// snapshotViewExt is the snapshot view; ext adds the extended snapshot
// attributes, which cinder shows on show and detail only.
func (a *API) snapshotViewExt(r *http.Request, c caller, s store.Snapshot, ext bool) map[string]any {
	out := map[string]any{
		"id": s.ID, "created_at": timefmt.Naive(s.CreatedAt), "updated_at": timefmt.Nullable(timefmt.Naive, s.UpdatedAt),
		"name": s.Name, "description": s.Description, "volume_id": s.VolumeID, "status": s.Status,
		"size": s.VolumeSize, "metadata": s.Metadata,
	}
	if ext && a.allowed(c, "volume_extension:extended_snapshot_attributes", s.ProjectID) {
		out["os-extended-snapshot-attributes:progress"] = s.Progress
		out["os-extended-snapshot-attributes:project_id"] = s.ProjectID
	}
	if microversion.Of(r).AtLeast(3, 14) {
		out["group_snapshot_id"] = s.GroupSnapshotID
	}
	if microversion.Of(r).AtLeast(3, 41) {
		out["user_id"] = s.UserID
	}
	if microversion.Of(r).AtLeast(3, 65) {
		out["consumes_quota"] = true
	}
	return out
}

func (a *API) typeView(c caller, t store.VolumeType) map[string]any {
	out := map[string]any{
		"id": t.ID, "name": t.Name, "description": t.Description, "is_public": t.IsPublic,
		"os-volume-type-access:is_public": t.IsPublic,
	}
	if a.allowed(c, "volume_extension:access_types_extra_specs", "") {
		out["extra_specs"] = t.ExtraSpecs
	} else {
		// Non-admins see the specs users may rely on (cinder's user
		// visible extra specs).
		es := map[string]string{}
		for _, k := range []string{"multiattach", "RESKEY:availability_zones", "replication_enabled"} {
			if v, ok := t.ExtraSpecs[k]; ok {
				es[k] = v
			}
		}
		out["extra_specs"] = es
	}
	if a.allowed(c, "volume_extension:access_types_qos_specs_id", "") {
		out["qos_specs_id"] = t.QosSpecsID
	}
	return out
}

// volumeCreated is the view POST /volumes and PUT /volumes/{id} answer:
// cinder's extensions (host, tenant, migration status, image metadata)
// decorate show and list only.
func (a *API) volumeCreated(r *http.Request, c caller, v store.Volume) map[string]any {
	out := a.volumeDetail(r, c, v, nil)
	for _, k := range []string{"os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id", "os-vol-mig-status-attr:migstat",
		"os-vol-mig-status-attr:name_id", "volume_image_metadata"} {
		delete(out, k)
	}
	return out
}

// userStatus is the status a user sees: the managing states are shown as
// the create, error and delete they stand for, as cinder's views do (its
// bug 1504007 added them without changing the API).
func userStatus(st string) string {
	switch st {
	case "managing":
		return "creating"
	case "error_managing":
		return "error"
	}
	return st
}
