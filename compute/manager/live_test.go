package manager

import (
	"testing"

	"github.com/gostack/gostack/compute/objects"
)

// volumeSpecs reads Cinder's connection info in both shapes: nested
// under "data" (Cinder's answer) and flat (as the attach stores it).
func TestVolumeSpecs(t *testing.T) {
	flat := `{"driver_volume_type":"rbd","name":"volumes/volume-v1","hosts":["127.0.0.1"],"ports":["6789"],` +
		`"auth_enabled":true,"auth_username":"cinder","secret_type":"ceph","secret_uuid":"s-1","volume_id":"v1"}`
	nested := `{"driver_volume_type":"rbd","data":{"name":"volumes/volume-v2","auth_enabled":true,"auth_username":"cinder","secret_uuid":"s-2"}}`
	bdms := []objects.BlockDeviceMapping{
		{VolumeID: "v1", DeviceName: "/dev/vdb", ConnectionInfo: flat},
		{VolumeID: "v2", DeviceName: "/dev/vdc", ConnectionInfo: nested},
		{VolumeID: "v3", ConnectionInfo: ""},                                         // image disk: no connection
		{VolumeID: "v4", ConnectionInfo: `{"driver_volume_type":"iscsi","data":{}}`}, // not RBD
	}
	got := volumeSpecs(bdms)
	if len(got) != 2 {
		t.Fatalf("volumeSpecs = %+v, want the two RBD volumes", got)
	}
	if got[0].VolumeID != "v1" || got[0].Name != "volumes/volume-v1" || got[0].SecretUUID != "s-1" || got[0].AuthUsername != "cinder" || got[0].Device != "/dev/vdb" {
		t.Errorf("flat connection info: %+v", got[0])
	}
	if got[1].VolumeID != "v2" || got[1].Name != "volumes/volume-v2" || got[1].SecretUUID != "s-2" {
		t.Errorf("nested connection info: %+v", got[1])
	}
}
