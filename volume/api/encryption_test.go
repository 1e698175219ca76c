package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/testenv"
)

// TestVolumeTypeEncryptionAPI walks /types/{id}/encryption over HTTP as
// tempest's test_volume_type_encryption_create_get_update_delete does,
// with cinder's validation, the 400s of a type in use, and the refusal
// of volumes of an encrypted type (no key manager here).
func TestVolumeTypeEncryptionAPI(t *testing.T) {
	s := adminSession(t)
	sfx := qosSuffix()
	tid := s.newType("enc-" + sfx)
	base := "/types/" + tid + "/encryption"

	if out := s.must(200, "GET", base, "", nil); len(out) != 0 {
		t.Errorf("encryption of a plain type: %v, want {}", out)
	}
	s.must(404, "GET", "/types/0d1f6f3c-7b55-4c1e-9a43-3b5d5a3b0f11/encryption", "", nil)
	for name, body := range map[string]map[string]any{
		"no provider":      {"control_location": "front-end"},
		"no location":      {"provider": "luks"},
		"bad location":     {"provider": "luks", "control_location": "middle"},
		"key_size string":  {"provider": "luks", "control_location": "front-end", "key_size": "abc"},
		"key_size below 0": {"provider": "luks", "control_location": "front-end", "key_size": -1},
		"cipher number":    {"provider": "luks", "control_location": "front-end", "cipher": 5},
	} {
		if code, out := s.do("POST", base, "", map[string]any{"encryption": body}); code != 400 {
			t.Errorf("%s: %d %v, want 400", name, code, out)
		}
	}

	want := map[string]any{"provider": "LuksEncryptor", "key_size": 256, "cipher": "aes-xts-plain64", "control_location": "front-end"}
	created := s.must(200, "POST", base, "", map[string]any{"encryption": want})["encryption"].(map[string]any)
	for k, v := range want {
		if fmt.Sprint(created[k]) != fmt.Sprint(v) {
			t.Errorf("created %s = %v, want %v", k, created[k], v)
		}
	}
	if created["volume_type_id"] != tid || len(fmt.Sprint(created["encryption_id"])) != 36 {
		t.Errorf("created: %v", created)
	}
	out := s.must(400, "POST", base, "", map[string]any{"encryption": want})
	if !strings.Contains(fmt.Sprint(out), "already exists") {
		t.Errorf("second encryption type: %v", out)
	}
	shown := s.must(200, "GET", base, "", nil)
	for k, v := range want {
		if fmt.Sprint(shown[k]) != fmt.Sprint(v) {
			t.Errorf("shown %s = %v, want %v", k, shown[k], v)
		}
	}
	if shown["encryption_id"] != created["encryption_id"] || shown["deleted"] != false || shown["created_at"] == nil {
		t.Errorf("shown: %v", shown)
	}

	upd := map[string]any{"key_size": "128", "provider": "SomeProvider", "control_location": "back-end"}
	got := s.must(200, "PUT", base+"/provider", "", map[string]any{"encryption": upd})["encryption"].(map[string]any)
	if got["key_size"] != float64(128) || got["provider"] != "SomeProvider" {
		t.Errorf("update answer: %v", got)
	}
	shown = s.must(200, "GET", base, "", nil)
	if shown["key_size"] != float64(128) || shown["control_location"] != "back-end" || shown["cipher"] != "aes-xts-plain64" {
		t.Errorf("after update: %v", shown)
	}
	if item := s.must(200, "GET", base+"/cipher", "", nil); fmt.Sprint(item) != "map[cipher:aes-xts-plain64]" {
		t.Errorf("encryption item cipher: %v", item)
	}
	s.must(404, "GET", base+"/no_such_key", "", nil)

	// No key manager: a volume of the type is refused, with the reason.
	code, out := s.do("POST", "/volumes", "", map[string]any{"volume": map[string]any{"size": 1, "volume_type": tid}})
	if code != 400 || !strings.Contains(fmt.Sprint(out), "key manager") {
		t.Errorf("volume of an encrypted type: %d %v, want 400 naming the key manager", code, out)
	}
	// Nor can a volume be retyped to it.
	var plain string
	t.Cleanup(func() { s.waitGone("volumes", plain) })
	plain = s.newVolume(map[string]any{"size": 1})
	code, out = s.do("POST", "/volumes/"+plain+"/action", "", map[string]any{"os-retype": map[string]any{"new_type": tid}})
	if code != 400 || !strings.Contains(fmt.Sprint(out), "key manager") {
		t.Errorf("retype to an encrypted type: %d %v, want 400 naming the key manager", code, out)
	}

	s.must(202, "DELETE", base+"/provider", "", nil)
	if out := s.must(200, "GET", base, "", nil); len(out) != 0 {
		t.Errorf("after delete: %v", out)
	}
	s.must(404, "DELETE", base+"/provider", "", nil)
	s.must(404, "PUT", base+"/provider", "", map[string]any{"encryption": upd})

	// A type with volumes cannot get, change or lose an encryption type.
	var vol string
	t.Cleanup(func() { s.waitGone("volumes", vol) }) // after the volume's delete, before its type's
	vol = s.newVolume(map[string]any{"size": 1, "volume_type": tid})
	out = s.must(400, "POST", base, "", map[string]any{"encryption": want})
	if !strings.Contains(fmt.Sprint(out), "Cannot create encryption specs. Volume type in use.") {
		t.Errorf("encryption type for a type in use: %v", out)
	}
	s.must(400, "DELETE", base+"/provider", "", nil)
}

// TestOpenStackClientVolumeTypeEncryption: `volume type create
// --encryption-*`, `volume type show --encryption-type`, `volume type set
// --encryption-*`, `volume type list --encryption-type` and `volume type
// unset --encryption-type`; `volume create` of the type fails with the
// key manager reason.
func TestOpenStackClientVolumeTypeEncryption(t *testing.T) {
	admin := testenv.OSC{T: t}
	vtype := "osc-enc-" + qosSuffix()
	created := admin.JSON("volume", "type", "create", "--encryption-provider", "luks", "--encryption-cipher", "aes-xts-plain64",
		"--encryption-key-size", "256", "--encryption-control-location", "front-end", vtype)
	t.Cleanup(func() { admin.Quietly("volume", "type", "delete", vtype) })
	enc := fmt.Sprint(created["encryption"])
	if !strings.Contains(enc, "luks") || !strings.Contains(enc, "aes-xts-plain64") || !strings.Contains(enc, "256") {
		t.Errorf("volume type create --encryption-*: %v", created)
	}
	show := admin.JSON("volume", "type", "show", "--encryption-type", vtype)
	enc = fmt.Sprint(show["encryption"])
	if !strings.Contains(enc, "provider:luks") || !strings.Contains(enc, "control_location:front-end") || !strings.Contains(enc, "key_size:256") {
		t.Errorf("volume type show --encryption-type: %v", show["encryption"])
	}
	admin.Run("volume", "type", "set", "--encryption-key-size", "512", vtype)
	if enc := fmt.Sprint(admin.JSON("volume", "type", "show", "--encryption-type", vtype)["encryption"]); !strings.Contains(enc, "key_size:512") {
		t.Errorf("after volume type set --encryption-key-size 512: %s", enc)
	}
	if list := admin.Run("volume", "type", "list", "--encryption-type", "-f", "value"); !strings.Contains(list, vtype) || !strings.Contains(list, "luks") {
		t.Errorf("volume type list --encryption-type:\n%s", list)
	}
	if out := admin.Fail("volume", "create", "--size", "1", "--type", vtype, "enc-vol"); !strings.Contains(out, "key manager") || !strings.Contains(out, "400") {
		t.Errorf("volume create of an encrypted type: %s", out)
	}
	admin.Run("volume", "type", "unset", "--encryption-type", vtype)
	if show := admin.JSON("volume", "type", "show", "--encryption-type", vtype); show["encryption"] != nil && fmt.Sprint(show["encryption"]) != "map[]" {
		t.Errorf("after volume type unset --encryption-type: %v", show["encryption"])
	}
}
