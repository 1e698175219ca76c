package schema

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestValidateImage(t *testing.T) {
	for _, tc := range []struct {
		body string
		want string // "" for valid
	}{
		{`{"name": "x", "disk_format": "raw", "container_format": "bare", "foo": "bar", "tags": ["a"]}`, ""},
		{`{"name": null, "min_disk": 3, "protected": true, "visibility": "shared"}`, ""},
		{`{"disk_format": "bogus"}`, "'bogus' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']"},
		{`{"visibility": "everyone"}`, "'everyone' is not one of ['community', 'public', 'private', 'shared']"},
		{`{"foo": 1}`, "1 is not of type 'string'"},
		{`{"min_ram": "1"}`, "'1' is not of type 'integer'"},
		{`{"protected": "yes"}`, "'yes' is not of type 'boolean'"},
		{`{"name": "` + strings.Repeat("n", 256) + `"}`, "is too long"},
		{`{"id": "abc"}`, "'abc' does not match '^([0-9a-fA-F]){8}-"},
		{`{"tags": [1]}`, "1 is not of type 'string'"},
		{`{"kernel_id": null}`, ""},
	} {
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(tc.body))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			t.Fatal(err)
		}
		err := ValidateImage(obj)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.body, err)
		case tc.want != "" && (fault.KindOf(err) != fault.Invalid || !strings.Contains(fault.MessageOf(err), tc.want)):
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestSchemaDocuments(t *testing.T) {
	var img, imgs map[string]any
	if err := json.Unmarshal(ImageJSON(), &img); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ImagesJSON(), &imgs); err != nil {
		t.Fatal(err)
	}
	if img["name"] != "image" || img["additionalProperties"] == nil || img["properties"] == nil {
		t.Errorf("image schema lacks name/properties/additionalProperties")
	}
	if !IsBase("disk_format") || IsBase("os_distro") || IsBase("foo") {
		t.Error("IsBase")
	}
}
