package libvirt

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// TestIOTuneFromConnection: Cinder's front-end QoS specs in a connection's
// data ("qos_specs", strings or the numbers of per-GB specs) become the
// volume disk's <iotune> in libvirt's order; keys nova does not apply are
// left out, and a disk without specs has no <iotune>.
func TestIOTuneFromConnection(t *testing.T) {
	var data map[string]any
	_ = json.Unmarshal([]byte(`{"name":"volumes/volume-1","hosts":["10.0.0.1"],"ports":["6789"],"volume_id":"1",
		"access_mode":"rw","qos_specs":{"read_iops_sec":"2000","total_bytes_sec_max":"4096000","write_bytes_sec":1048576,
		"size_iops_sec":"4096","iops_bytes":"500","consumer":"front-end"}}`), &data)
	vol, err := virt.VolumeConnectionFrom("rbd", data)
	if err != nil {
		t.Fatal(err)
	}
	if vol.QoS["write_bytes_sec"] != "1048576" || vol.QoS["read_iops_sec"] != "2000" {
		t.Fatalf("connection QoS: %v", vol.QoS)
	}
	x, err := DiskXML(Disk{Pool: "volumes", Image: "volume-1", Dev: "vdb", Serial: "1", QoS: vol.QoS})
	if err != nil {
		t.Fatal(err)
	}
	x = strings.Join(strings.Fields(x), "")
	want := "<iotune><write_bytes_sec>1048576</write_bytes_sec><read_iops_sec>2000</read_iops_sec>" +
		"<total_bytes_sec_max>4096000</total_bytes_sec_max><size_iops_sec>4096</size_iops_sec></iotune>"
	if !strings.Contains(x, want) || strings.Contains(x, "iops_bytes") || strings.Contains(x, "consumer") {
		t.Errorf("disk with QoS specs, want %s:\n%s", want, x)
	}
	if i, j := strings.Index(x, "</target>"), strings.Index(x, "<iotune>"); j < i {
		t.Errorf("<iotune> is not after <target>:\n%s", x)
	}

	delete(data, "qos_specs")
	data["qos_specs"] = nil // cinder's null: no front-end spec
	vol, err = virt.VolumeConnectionFrom("rbd", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, qos := range []map[string]string{vol.QoS, {"iops_bytes": "500"}} {
		x, err := DiskXML(Disk{Pool: "volumes", Image: "volume-1", Dev: "vdb", QoS: qos})
		if err != nil || strings.Contains(x, "iotune") {
			t.Errorf("disk with QoS %v: %v\n%s", qos, err, x)
		}
	}
}

// TestIOTuneRefusesNonNumbers: a limit that is not a whole non-negative
// number is an Invalid fault naming it, not a disk libvirt refuses.
func TestIOTuneRefusesNonNumbers(t *testing.T) {
	for _, v := range []string{"abc", "-1", "1.5", ""} {
		_, err := DiskXML(Disk{Pool: "volumes", Image: "volume-1", Dev: "vdb", QoS: map[string]string{"total_iops_sec": v}})
		if fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "total_iops_sec") {
			t.Errorf("total_iops_sec=%q: %v", v, err)
		}
	}
}
