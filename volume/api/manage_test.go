package api_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// rbdImage makes an RBD image of size bytes in the volumes pool, outside
// Cinder, with random data at its start; it returns the hash of that data.
// The image (under either name) is removed when the test ends.
func rbdImage(t *testing.T, name string, size uint64, n int, alsoNamed func() string) string {
	t.Helper()
	conf, user := testenv.Ceph(t)
	ctx := context.Background()
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatalf("ceph: %v", err)
	}
	t.Cleanup(func() {
		for _, nm := range []string{name, alsoNamed()} {
			if nm != "" {
				_ = c.Remove(context.Background(), ceph.ImageSpec("volumes", nm), ceph.RemoveOptions{})
			}
		}
		c.Close()
	})
	spec := ceph.ImageSpec("volumes", name)
	if err := c.Create(ctx, spec, size, ceph.CreateOptions{}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	img, err := c.Open(ctx, spec)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer img.Close()
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	if _, err := img.WriteAt(buf, 0); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	if err := img.Flush(ctx); err != nil {
		t.Fatalf("flush %s: %v", name, err)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// TestManageUnmanage takes an RBD image made outside Cinder into Cinder's
// care with the real cinder client (OSC 6 has no manage command; cinder
// manage posts os-volume-manage) and lets it go again: the image is listed
// as safe to manage, becomes volume-<id> with its size rounded up to GiB
// and its data, counts in the quota, and after os-unmanage the row is gone
// and the image stays. Refusals as cinder's: another project's member
// (403), an unknown host, an already managed volume (400); an unknown
// image ends in error_managing.
func TestManageUnmanage(t *testing.T) {
	api := adminSession(t)
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	probe := api.newVolume(map[string]any{"size": 1, "name": "manage-probe-" + sfx})
	pv := api.waitVolume(probe, "available")
	host := pv["os-vol-host-attr:host"].(string)
	backend := strings.SplitN(host, "#", 2)[0]

	name := "manage-" + sfx
	var managed string
	hash := rbdImage(t, name, 1100<<20, 1<<20, func() string {
		if managed == "" {
			return ""
		}
		return "volume-" + managed
	})

	list := func() map[string]map[string]any {
		out := api.must(200, "GET", "/manageable_volumes/detail?host="+backend, "3.8", nil)
		m := map[string]map[string]any{}
		for _, e := range out["manageable-volumes"].([]any) {
			e := e.(map[string]any)
			m[e["reference"].(map[string]any)["source-name"].(string)] = e
		}
		return m
	}
	l := list()
	if e := l[name]; e == nil || e["safe_to_manage"] != true || e["size"] != 2.0 || e["cinder_id"] != nil {
		t.Errorf("manageable %s: %v, want safe, size 2", name, e)
	}
	if e := l["volume-"+probe]; e == nil || e["safe_to_manage"] != false || e["reason_not_safe"] != "already managed" || e["cinder_id"] != probe {
		t.Errorf("manageable volume-%s: %v, want unsafe, already managed", probe, e)
	}
	if code, _ := api.do("GET", "/manageable_volumes?host="+backend, "3.7", nil); code != 404 {
		t.Errorf("manageable_volumes at 3.7: %d, want 404", code)
	}

	usage := func() (float64, float64) {
		q := api.must(200, "GET", "/os-quota-sets/"+api.project+"?usage=true", "", nil)["quota_set"].(map[string]any)
		return q["volumes"].(map[string]any)["in_use"].(float64), q["gigabytes"].(map[string]any)["in_use"].(float64)
	}
	vols0, gb0 := usage()

	out, err := tryCLI(t, "cinder", "manage", "--name", "managed-"+sfx, host, name)
	if err != nil {
		t.Fatalf("cinder manage: %v\n%s", err, out)
	}
	managed = regexp.MustCompile(`\|\s+id\s+\|\s+([0-9a-f-]{36})`).FindStringSubmatch(out)[1]
	v := api.waitVolume(managed, "available", "error")
	if v["status"] != "available" || v["size"] != 2.0 || v["name"] != "managed-"+sfx || v["os-vol-host-attr:host"] != host {
		t.Fatalf("managed volume: %v", v)
	}
	if got := headHash(t, managed, 1<<20); got != hash {
		t.Errorf("managed volume's data changed")
	}
	if l := list(); l[name] != nil || l["volume-"+managed]["cinder_id"] != managed {
		t.Errorf("after manage: %v / %v", l[name], l["volume-"+managed])
	}
	if vols, gb := usage(); vols != vols0+1 || gb != gb0+2 {
		t.Errorf("quota in use after manage: %v volumes %v GiB, want %v %v", vols, gb, vols0+1, gb0+2)
	}

	// Refusals.
	manage := func(body map[string]any) (int, string) {
		code, out := api.do("POST", "/manageable_volumes", "3.8", map[string]any{"volume": body})
		return code, errMessage(out)
	}
	if code, msg := manage(map[string]any{"host": "nohost@none#p", "ref": map[string]any{"source-name": "x"}}); code != 400 || msg != "Host 'nohost@none#p' not found" {
		t.Errorf("manage on an unknown host: %d %q", code, msg)
	}
	if code, msg := manage(map[string]any{"host": host, "ref": map[string]any{"source-name": "volume-" + managed}}); code != 400 || msg != "Invalid volume: Unable to manage existing volume. The volume is already managed" {
		t.Errorf("manage of a managed volume: %d %q", code, msg)
	}
	if code, msg := manage(map[string]any{"ref": map[string]any{"source-name": "x"}}); code != 400 || msg != "Invalid input received: Host field is missing." {
		t.Errorf("manage without a host: %d %q", code, msg)
	}
	code, bad := api.do("POST", "/os-volume-manage", "", map[string]any{"volume": map[string]any{"host": host, "ref": map[string]any{"source-name": "no-such-" + sfx}}})
	if code != 202 {
		t.Fatalf("manage of an unknown image: %d %v", code, bad)
	}
	badID := bad["volume"].(map[string]any)["id"].(string)
	// Users see managing as creating and error_managing as error, as
	// cinder's views show them.
	if st := bad["volume"].(map[string]any)["status"]; st != "creating" {
		t.Errorf("manage answered status %v, want creating", st)
	}
	if v := api.waitVolume(badID, "error", "available"); v["status"] != "error" {
		t.Errorf("manage of an unknown image: %v", v["status"])
	}
	api.must(202, "DELETE", "/volumes/"+badID, "", nil)
	api.waitGone("volumes", badID)

	member, _ := newProject(t, client{t: t}, "manage-"+sfx)
	if out, err := runAs(t, member.env, "cinder", "manage", host, "x"); err == nil || !strings.Contains(out, "volume_extension:volume_manage") {
		t.Errorf("cinder manage as a member: %v\n%s", err, out)
	}
	if out, err := runAs(t, member.env, "cinder", "manageable-list", backend); err == nil || !strings.Contains(out, "volume_extension:list_manageable") {
		t.Errorf("cinder manageable-list as a member: %v\n%s", err, out)
	}

	// Unmanage: the row goes, the image stays with its data.
	if out, err := tryCLI(t, "cinder", "unmanage", managed); err != nil {
		t.Fatalf("cinder unmanage: %v\n%s", err, out)
	}
	api.waitGone("volumes", managed)
	if got := headHash(t, managed, 1<<20); got != hash {
		t.Errorf("unmanaged image's data changed")
	}
	if vols, gb := usage(); vols != vols0 || gb != gb0 {
		t.Errorf("quota in use after unmanage: %v volumes %v GiB, want %v %v", vols, gb, vols0, gb0)
	}
	if e := list()["volume-"+managed]; e == nil || e["safe_to_manage"] != true {
		t.Errorf("unmanaged image in the manageable list: %v", e)
	}
}
