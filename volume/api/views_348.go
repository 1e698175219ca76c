package api

import (
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/volume/store"
)

// addDetail348 adds the volume detail fields of microversions 3.48 to
// 3.65, as cinder's v3 volume view: shared_targets and service_uuid
// (3.48; RBD connections share no target, and volumes record no service
// uuid here), cluster_name for admins (3.61, no clusters),
// volume_type_id (3.63) and consumes_quota (3.65, every volume here is a
// user's). encryption_key_id (3.64) only appears for encrypted volumes,
// which this service does not make.
func addDetail348(out map[string]any, mv microversion.Version, c caller, v store.Volume) {
	if mv.AtLeast(3, 48) {
		out["shared_targets"] = false
		out["service_uuid"] = nil
	}
	if mv.AtLeast(3, 61) && c.isAdmin() {
		out["cluster_name"] = nil
	}
	if mv.AtLeast(3, 63) {
		var id any
		if v.TypeID != "" {
			id = v.TypeID
		}
		out["volume_type_id"] = id
	}
	if mv.AtLeast(3, 65) {
		out["consumes_quota"] = true
	}
}
