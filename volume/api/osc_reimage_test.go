package api_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// TestReimage drives os-reimage (3.68) on the dev cloud's Cinder with the
// real cinder client: a volume made from one image gets another image's
// data (checked in its RBD image) and volume_image_metadata; 3.67 has no
// such action, an image bigger than the volume and a reserved volume
// are refused as cinder refuses them.
func TestReimage(t *testing.T) {
	raw := testenv.Require(t, "GOSTACK_TINY_IMAGE")
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := func(s string) string { return "reimage-" + s + "-" + sfx }
	admin := client{t: t}
	u, _ := newProject(t, admin, name("proj"))
	api := adminSession(t)
	var cleanups []func()
	t.Cleanup(func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	})
	dir := t.TempDir()

	imgA := u.json("image", "create", "--file", raw, "--disk-format", "raw", "--container-format", "bare", name("a"))["id"].(string)
	cleanups = append(cleanups, func() { _, _ = u.run("image", "delete", imgA) })
	// B: 4 MiB of random data, so the volume's first bytes tell whose
	// data it holds.
	dataB := make([]byte, 4<<20)
	_, _ = rand.Read(dataB)
	fileB := filepath.Join(dir, "b.raw")
	if err := os.WriteFile(fileB, dataB, 0o644); err != nil {
		t.Fatal(err)
	}
	sumB := sha256.Sum256(dataB)
	imgB := u.json("image", "create", "--file", fileB, "--disk-format", "raw", "--container-format", "bare", "--property", "reimage_test=b", name("b"))["id"].(string)
	cleanups = append(cleanups, func() { _, _ = u.run("image", "delete", imgB) })

	vol := u.json("volume", "create", "--image", imgA, "--size", "1", name("vol"))["id"].(string)
	cleanups = append(cleanups, func() {
		api.do("POST", "/volumes/"+vol+"/action", "", map[string]any{"os-force_delete": map[string]any{}})
	})
	v := api.wait("volumes", vol, "available")
	if md, _ := v["volume_image_metadata"].(map[string]any); md["image_id"] != imgA {
		t.Fatalf("volume from image A: volume_image_metadata %v", v["volume_image_metadata"])
	}
	if headHash(t, vol, len(dataB)) == hex.EncodeToString(sumB[:]) {
		t.Fatal("the volume holds image B's data before the reimage")
	}

	// Below 3.68 the action does not exist.
	body := map[string]any{"os-reimage": map[string]any{"image_id": imgB, "reimage_reserved": false}}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "3.67", body); code != 404 {
		t.Errorf("os-reimage at 3.67: %d %v, want 404", code, out)
	}
	// A missing image is a 404, a malformed id a 400.
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "3.68", map[string]any{"os-reimage": map[string]any{"image_id": "8d5a7d2e-0000-4000-8000-000000000000"}}); code != 404 {
		t.Errorf("os-reimage of a missing image: %d %v, want 404", code, out)
	}
	if code, out := api.do("POST", "/volumes/"+vol+"/action", "3.68", map[string]any{"os-reimage": map[string]any{"image_id": "nope"}}); code != 400 {
		t.Errorf("os-reimage of a malformed image id: %d %v, want 400", code, out)
	}

	// The real client at 3.68: the volume downloads, then holds B.
	start := time.Now()
	if out, err := tryCLI(t, "cinder", "--os-volume-api-version", "3.68", "reimage", vol, imgB); err != nil {
		t.Fatalf("cinder reimage: %v\n%s", err, out)
	}
	v = api.wait("volumes", vol, "available")
	t.Logf("reimage of a 1 GiB volume: %s", time.Since(start).Round(time.Millisecond))
	if got := headHash(t, vol, len(dataB)); got != hex.EncodeToString(sumB[:]) {
		t.Errorf("after the reimage the volume's first %d bytes hash to %s, image B's to %x", len(dataB), got, sumB)
	}
	md, _ := v["volume_image_metadata"].(map[string]any)
	if md["image_id"] != imgB || md["image_name"] != name("b") || md["reimage_test"] != "b" {
		t.Errorf("volume_image_metadata after the reimage: %v", md)
	}
	if v["size"] != float64(1) {
		t.Errorf("size after the reimage: %v", v["size"])
	}
	if info := testenv.RBD(t, "info", "volumes/volume-"+vol); !strings.Contains(info, "size 1 GiB") || strings.Contains(info, imgA) {
		t.Errorf("rbd info after the reimage:\n%s", info)
	}

	// A reserved volume needs reimage_reserved (Nova's rebuild sends it).
	att := api.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{
		"volume_uuid": vol, "instance_uuid": "6f0f6c0e-1f49-4a3c-9d4c-2f7a52c0a001"}})["attachment"].(map[string]any)
	code, out := api.do("POST", "/volumes/"+vol+"/action", "3.68", body)
	if msg := errMessage(out); code != 400 || !strings.Contains(msg, "status must be available or error, but current status is reserved") {
		t.Errorf("os-reimage of a reserved volume without reimage_reserved: %d %v", code, out)
	}
	api.must(200, "DELETE", "/attachments/"+att["id"].(string), "3.44", nil)
	api.wait("volumes", vol, "available")

	// An image bigger than the volume is refused and the volume stays.
	big := filepath.Join(dir, "big.raw")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1<<30 + 4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	imgBig := u.json("image", "create", "--file", big, "--disk-format", "raw", "--container-format", "bare", name("big"))["id"].(string)
	cleanups = append(cleanups, func() { _, _ = u.run("image", "delete", imgBig) })
	out2, err := tryCLI(t, "cinder", "--os-volume-api-version", "3.68", "reimage", vol, imgBig)
	if err == nil || !strings.Contains(out2, "Size of specified image 2GB is larger than volume size 1GB") || !strings.Contains(out2, "HTTP 400") {
		t.Errorf("cinder reimage with an image bigger than the volume: %v\n%s", err, out2)
	}
	if v := api.volume(vol); v["status"] != "available" {
		t.Errorf("after a refused reimage the volume is %v", v["status"])
	}
}

// headHash is the SHA-256 of the first n bytes of volumes/volume-<id>,
// read as the test's Ceph user.
func headHash(t testing.TB, id string, n int) string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	ctx := context.Background()
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatalf("ceph: %v", err)
	}
	defer c.Close()
	img, err := c.Open(ctx, ceph.ImageSpec("volumes", "volume-"+id))
	if err != nil {
		t.Fatalf("open volume-%s: %v", id, err)
	}
	defer img.Close()
	buf := make([]byte, n)
	if got, err := img.ReadAt(buf, 0); err != nil || got != n {
		t.Fatalf("read volume-%s: %d bytes, %v", id, got, err)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// errMessage is the message of a cinder error body.
func errMessage(out map[string]any) string {
	for _, v := range out {
		if m, ok := v.(map[string]any); ok {
			if s, ok := m["message"].(string); ok {
				return s
			}
		}
	}
	return ""
}
