package virt

import (
	"encoding/json"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestVolumeConnectionFrom(t *testing.T) {
	var data map[string]any
	_ = json.Unmarshal([]byte(`{"name":"volumes/volume-1","hosts":["10.0.0.1","10.0.0.2"],"ports":["6789","6789"],
		"cluster_name":"ceph","auth_enabled":true,"auth_username":"cinder","secret_type":"ceph",
		"secret_uuid":"u","volume_id":"1","discard":true,"access_mode":"rw"}`), &data)
	c, err := VolumeConnectionFrom("rbd", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "volumes/volume-1" || len(c.Hosts) != 2 || c.Ports[1] != "6789" || !c.AuthEnabled ||
		c.AuthUsername != "cinder" || c.SecretUUID != "u" || c.VolumeID != "1" || !c.Discard || c.ReadOnly {
		t.Fatalf("%+v", c)
	}
	if _, err := VolumeConnectionFrom("iscsi", data); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("iscsi: %v", err)
	}
	delete(data, "name")
	if _, err := VolumeConnectionFrom("rbd", data); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("no name: %v", err)
	}
}
