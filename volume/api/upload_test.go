package api_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// TestUploadToImage: os-volume_upload_image as Zed's. At 3.0 the image
// gets Glance's default visibility (shared) and the answer carries the
// volume's previous updated_at, its whole type, protected and visibility;
// other disk formats than raw are made by cinder-volume with qemu-img
// (here Glance then stores them raw again); a bad format and a volume
// that is not available are cinder's 400s.
func TestUploadToImage(t *testing.T) {
	raw := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	s := adminSession(t)
	osc := client{t: t}
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	img := osc.json("image", "create", "--file", raw, "--disk-format", "raw", "--container-format", "bare", "upl-src-"+sfx)
	t.Cleanup(func() { _, _ = osc.run("image", "delete", img["id"].(string)) })
	id := s.newVolume(map[string]any{"size": 1, "imageRef": img["id"]})
	before := s.waitVolume(id, "available")

	out := s.action(id, "", 202, map[string]any{"os-volume_upload_image": map[string]any{"image_name": "upl-" + sfx,
		"disk_format": "qcow2", "force": false}})
	up, _ := out["os-volume_upload_image"].(map[string]any)
	imgID, _ := up["image_id"].(string)
	if imgID != "" {
		t.Cleanup(func() { _, _ = osc.run("image", "delete", imgID) })
	}
	vt, _ := up["volume_type"].(map[string]any)
	if up["visibility"] != "shared" || up["protected"] != false || up["updated_at"] != before["updated_at"] ||
		up["disk_format"] != "qcow2" || vt["name"] != "__DEFAULT__" || vt["deleted"] != false || vt["description"] == nil {
		t.Errorf("upload answer: %v", up)
	}
	s.waitVolume(id, "available")
	deadline := time.Now().Add(2 * time.Minute)
	var shown map[string]any
	for {
		shown = osc.json("image", "show", imgID)
		if shown["status"] == "active" || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	if shown["status"] != "active" || shown["visibility"] != "shared" {
		t.Fatalf("image from the volume: %v", shown)
	}
	file := filepath.Join(t.TempDir(), "img")
	osc.osc("image", "save", "--file", file, imgID)
	got, _ := os.ReadFile(file)
	want, _ := os.ReadFile(raw)
	if len(got) != 1<<30 || !bytes.Equal(got[:len(want)], want) {
		t.Errorf("image data: %d bytes, starts with the source image's: %v", len(got), len(got) >= len(want) && bytes.Equal(got[:len(want)], want))
	}

	out = s.action(id, "", 400, map[string]any{"os-volume_upload_image": map[string]any{"image_name": "x", "disk_format": "iso"}})
	if m, _ := faultMessage(out); m != "Invalid input for field/attribute disk_format. Value: iso. 'iso' is not one of ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop']" {
		t.Errorf("bad disk format: %q", m)
	}
	s.action(id, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "error"}})
	out = s.action(id, "", 400, map[string]any{"os-volume_upload_image": map[string]any{"image_name": "x", "force": true}})
	if m, _ := faultMessage(out); m != fmt.Sprintf("Invalid volume: Volume %s status must be available", id) {
		t.Errorf("upload of a volume in error: %q", m)
	}
}
