package api_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// writeRandom writes n random bytes at off into volumes/volume-<id> as the
// test's Ceph user, as a guest would.
func writeRandom(t testing.TB, id string, off int64, n int) {
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
	_, _ = rand.Read(buf)
	if _, err := img.WriteAt(buf, off); err != nil {
		t.Fatalf("write volume-%s: %v", id, err)
	}
	if err := img.Flush(ctx); err != nil {
		t.Fatalf("flush volume-%s: %v", id, err)
	}
}

// rbdHash is the SHA-256 of `rbd export volumes/volume-<id>`'s first
// size bytes.
func rbdHash(t testing.TB, id string, size int64) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "export")
	testenv.RBD(t, "export", "--no-progress", "volumes/volume-"+id, f)
	defer os.Remove(f)
	r, err := os.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := sha256.New()
	if n, err := io.Copy(h, io.LimitReader(r, size)); err != nil || n != size {
		t.Fatalf("export of volume-%s: %d bytes, %v", id, n, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// waitBackup polls a backup until its status is one of want.
func (s *session) waitBackup(id string, want ...string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		code, out := s.do("GET", "/backups/"+id, "", nil)
		b, _ := out["backup"].(map[string]any)
		for _, w := range want {
			if code == 200 && b["status"] == w {
				return b
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("backup %s: %d %v, want status %v", id, code, b, want)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// restore runs `openstack volume backup restore`. python-openstackclient
// 6.0 sends the request, then fails to print the answer ("cannot unpack
// non-iterable VolumeBackupsRestore object", fixed in later releases):
// that failure alone is accepted.
func (c client) restore(args ...string) {
	c.t.Helper()
	out, err := c.run(append([]string{"volume", "backup", "restore"}, args...)...)
	if err != nil && !strings.Contains(out, "cannot unpack non-iterable VolumeBackupsRestore object") {
		c.t.Fatalf("openstack volume backup restore %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestOpenStackClientBackups drives cinder-backup with the real client as
// a member of a fresh project: full and incremental backups of a volume
// holding random data, restores to a new and to an existing volume
// compared byte for byte with the source, list/show/delete, the quota, the
// in-use and dependency rules, and the RBD images left in pool backups.
func TestOpenStackClientBackups(t *testing.T) {
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := func(s string) string { return "oscb-" + s + "-" + sfx }
	admin := client{t: t}
	u, project := newProject(t, admin, name("proj"))
	api := adminSession(t)
	var cleanups []func()
	t.Cleanup(func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	})
	forceDelVol := func(id string) func() {
		return func() {
			if code, _ := api.do("GET", "/volumes/"+id, "", nil); code != 404 {
				api.do("POST", "/volumes/"+id+"/action", "", map[string]any{"os-force_delete": map[string]any{}})
			}
		}
	}
	forceDelBackup := func(id string) func() {
		return func() {
			if code, _ := api.do("GET", "/backups/"+id, "", nil); code != 404 {
				api.do("POST", "/backups/"+id+"/action", "", map[string]any{"os-force_delete": map[string]any{}})
			}
		}
	}

	// The service is up.
	var svcs []map[string]any
	_ = json.Unmarshal([]byte(admin.osc("volume", "service", "list", "-f", "json")), &svcs)
	up := false
	for _, s := range svcs {
		up = up || (s["Binary"] == "cinder-backup" && s["State"] == "up" && s["Status"] == "enabled")
	}
	if !up {
		t.Fatalf("volume service list shows no cinder-backup up: %v", svcs)
	}

	// A volume with data at its start, middle and end.
	vol := u.json("volume", "create", "--size", "1", name("src"))["id"].(string)
	cleanups = append(cleanups, forceDelVol(vol))
	api.wait("volumes", vol, "available")
	writeRandom(t, vol, 0, 4<<20)
	writeRandom(t, vol, 512<<20, 3<<20+4096)
	writeRandom(t, vol, 1<<30-1<<20, 1<<20)
	const gib = 1 << 30
	hashFull := rbdHash(t, vol, gib)

	// Full backup.
	start := time.Now()
	full := u.json("volume", "backup", "create", "--name", name("full"), "--description", "first", vol)["id"].(string)
	cleanups = append(cleanups, forceDelBackup(full))
	shown := api.waitBackup(full, "available", "error")
	t.Logf("full backup of a 1 GiB volume with 8 MiB of data: %v", time.Since(start))
	if shown["status"] != "available" || shown["size"] != float64(1) || shown["container"] != "backups" ||
		shown["is_incremental"] != false || shown["volume_id"] != vol {
		t.Fatalf("backup show: %v", shown)
	}
	api.wait("volumes", vol, "available")
	image := "volume-" + vol + ".backup." + full
	if ls := testenv.RBD(t, "ls", "backups"); !strings.Contains(ls, image) {
		t.Errorf("rbd ls backups does not list %s:\n%s", image, ls)
	}
	if snaps := testenv.RBD(t, "snap", "ls", "backups/"+image); !strings.Contains(snaps, "backup."+full+".snap.") {
		t.Errorf("backup image has no snapshot of the backup:\n%s", snaps)
	}
	if got := u.json("volume", "backup", "show", full); got["name"] != name("full") || got["description"] != "first" || got["status"] != "available" {
		t.Errorf("volume backup show: %v", got)
	}

	// 3.9 name/description, 3.43 metadata.
	u.osc("--os-volume-api-version", "3.43", "volume", "backup", "set", "--name", name("full2"), "--description", "second",
		"--property", "k=v", full)
	got := u.json("--os-volume-api-version", "3.43", "volume", "backup", "show", full)
	if got["name"] != name("full2") || got["description"] != "second" || !strings.Contains(toJSON(got), `"k":"v"`) {
		t.Errorf("volume backup show after set: %v", got)
	}
	if out, err := u.run("--os-volume-api-version", "3.8", "volume", "backup", "set", "--name", "x", full); err == nil {
		t.Errorf("backup set at 3.8 succeeded:\n%s", out)
	}

	// Incremental backup after a change.
	writeRandom(t, vol, 100<<20, 2<<20)
	hashInc := rbdHash(t, vol, gib)
	if hashInc == hashFull {
		t.Fatal("the write did not change the volume")
	}
	inc := u.json("volume", "backup", "create", "--incremental", "--name", name("inc"), vol)["id"].(string)
	cleanups = append(cleanups, forceDelBackup(inc))
	if got := api.waitBackup(inc, "available", "error"); got["status"] != "available" || got["is_incremental"] != true {
		t.Fatalf("incremental backup: %v", got)
	}
	if got := api.must(200, "GET", "/backups/"+full, "", nil)["backup"].(map[string]any); got["has_dependent_backups"] != true {
		t.Errorf("full backup has_dependent_backups %v", got["has_dependent_backups"])
	}
	if ls := testenv.RBD(t, "ls", "backups"); strings.Contains(ls, "volume-"+vol+".backup."+inc) {
		t.Errorf("an incremental backup made its own image:\n%s", ls)
	}

	// List (as the member; the admin's own project does not see them).
	list := u.osc("volume", "backup", "list", "-f", "value", "-c", "ID")
	if !strings.Contains(list, full) || !strings.Contains(list, inc) {
		t.Errorf("volume backup list:\n%s", list)
	}
	if long := u.osc("volume", "backup", "list", "--long", "--volume", vol, "-f", "json"); !strings.Contains(long, `"Container": "backups"`) ||
		!strings.Contains(long, name("inc")) {
		t.Errorf("volume backup list --long:\n%s", long)
	}
	if list := admin.osc("volume", "backup", "list", "-f", "value", "-c", "ID"); strings.Contains(list, full) {
		t.Errorf("the admin's own list shows another project's backup")
	}

	// Restore the full backup to a new volume: the data of that moment.
	u.restore(full, name("restored"))
	newVol := u.json("volume", "show", name("restored"))["id"].(string)
	cleanups = append(cleanups, forceDelVol(newVol))
	api.waitBackup(full, "available")
	api.wait("volumes", newVol, "available")
	if got := rbdHash(t, newVol, gib); got != hashFull {
		t.Errorf("restored volume differs from the volume at the full backup")
	}

	// Restore the incremental one over an existing volume (--force).
	dst := u.json("volume", "create", "--size", "1", name("dst"))["id"].(string)
	cleanups = append(cleanups, forceDelVol(dst))
	api.wait("volumes", dst, "available")
	writeRandom(t, dst, 200<<20, 1<<20) // data the restore must overwrite
	if out, err := u.run("volume", "backup", "restore", inc, dst); err == nil {
		t.Errorf("restore over an existing volume without --force succeeded:\n%s", out)
	}
	u.restore("--force", inc, dst)
	api.waitBackup(inc, "available")
	api.wait("volumes", dst, "available")
	if got := rbdHash(t, dst, gib); got != hashInc {
		t.Errorf("volume restored from the incremental backup differs from the source")
	}

	// A backup being restored cannot be deleted.
	api.must(202, "POST", "/backups/"+full+"/restore", "", map[string]any{"restore": map[string]any{"volume_id": dst}})
	if code, body := api.do("DELETE", "/backups/"+full, "", nil); code != 400 {
		t.Errorf("delete while restoring: %d %v", code, body)
	}
	api.waitBackup(full, "available")
	api.wait("volumes", dst, "available")

	// Restoring into a volume that is too small is 400.
	big := u.json("volume", "create", "--size", "2", name("big"))["id"].(string)
	cleanups = append(cleanups, forceDelVol(big))
	api.wait("volumes", big, "available")
	bigB := u.json("volume", "backup", "create", big)["id"].(string)
	cleanups = append(cleanups, forceDelBackup(bigB))
	api.waitBackup(bigB, "available")
	code, body := api.do("POST", "/backups/"+bigB+"/restore", "", map[string]any{"restore": map[string]any{"volume_id": dst}})
	if code != 400 || !strings.Contains(toJSON(body), "volume size 1 is too small to restore backup of size 2") {
		t.Errorf("restore into a too small volume: %d %v", code, body)
	}
	u.osc("volume", "backup", "delete", bigB)
	api.waitGone("backups", bigB)

	// Quota: backups is counted; one more is refused with 413.
	if _, err := runAs(t, nil, "cinder", "quota-update", "--backups", "2", project); err != nil {
		t.Fatal("cinder quota-update --backups failed")
	}
	if q, _ := runAs(t, nil, "cinder", "quota-usage", project); !regexp.MustCompile(`\| backups\s+\| 2\s+\|`).MatchString(q) {
		t.Errorf("quota-usage does not count 2 backups:\n%s", q)
	}
	if out, err := u.run("volume", "backup", "create", vol); err == nil || !strings.Contains(out, "BackupLimitExceeded") || !strings.Contains(out, "HTTP 413") {
		t.Errorf("backup over quota: %v\n%s", err, out)
	}
	runAs(t, nil, "cinder", "quota-update", "--backups", "10", project)

	// In-use volumes need --force.
	api.action(vol, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "in-use"}})
	if out, err := u.run("volume", "backup", "create", vol); err == nil || !strings.Contains(out, "must use the force flag") {
		t.Errorf("backup of an in-use volume without force: %v\n%s", err, out)
	}
	forced := u.json("volume", "backup", "create", "--force", vol)["id"].(string)
	cleanups = append(cleanups, forceDelBackup(forced))
	api.waitBackup(forced, "available")
	api.wait("volumes", vol, "in-use")
	api.action(vol, "", 202, map[string]any{"os-reset_status": map[string]any{"status": "available"}})
	u.osc("volume", "backup", "delete", forced)
	api.waitGone("backups", forced)

	// The full backup has a dependent: refused until that one is gone.
	if out, err := u.run("volume", "backup", "delete", full); err == nil || !strings.Contains(out, "Incremental backups exist") {
		t.Errorf("delete of a backup with an incremental one: %v\n%s", err, out)
	}
	u.osc("volume", "backup", "delete", inc)
	api.waitGone("backups", inc)
	if snaps := testenv.RBD(t, "snap", "ls", "backups/"+image); strings.Contains(snaps, "backup."+inc) {
		t.Errorf("the incremental backup's snapshot outlived it:\n%s", snaps)
	}
	u.osc("volume", "backup", "delete", full)
	api.waitGone("backups", full)
	if ls := testenv.RBD(t, "ls", "backups"); strings.Contains(ls, "volume-"+vol) {
		t.Errorf("deleted backups left images in pool backups:\n%s", ls)
	}
	if snaps := testenv.RBD(t, "snap", "ls", "volumes/volume-"+vol); strings.Contains(snaps, "backup.") {
		t.Errorf("deleted backups left snapshots on the volume:\n%s", snaps)
	}

	// A volume with backups can be deleted; its backups stay restorable.
	last := u.json("volume", "backup", "create", vol)["id"].(string)
	cleanups = append(cleanups, forceDelBackup(last))
	api.waitBackup(last, "available")
	u.osc("volume", "delete", vol)
	api.waitGone("volumes", vol)
	u.restore(last, name("again"))
	again := u.json("volume", "show", name("again"))["id"].(string)
	cleanups = append(cleanups, forceDelVol(again))
	api.wait("volumes", again, "available")
	if got := rbdHash(t, again, gib); got != hashInc {
		t.Errorf("restore of a deleted volume's backup differs")
	}
	u.osc("volume", "backup", "delete", last)
	api.waitGone("backups", last)
}

// TestBackupFailures: a backup whose source cannot be read ends in error
// with a reason and a user message, leaving nothing in pool backups; bad
// requests get upstream's 400/404.
func TestBackupFailures(t *testing.T) {
	api := adminSession(t)
	vol := api.newVolume(map[string]any{"size": 1, "name": "backup-fail"})
	api.waitVolume(vol, "available")

	// Bad requests.
	for _, c := range []struct {
		body map[string]any
		want int
		msg  string
	}{
		{map[string]any{"backup": map[string]any{}}, 400, "'volume_id' is a required property"},
		{map[string]any{"backup": map[string]any{"volume_id": "nope"}}, 400, "is not a 'uuid'"},
		{map[string]any{"backup": map[string]any{"volume_id": "8f7e6d5c-0000-4000-8000-000000000000"}}, 404, "could not be found"},
		{map[string]any{"backup": map[string]any{"volume_id": vol, "incremental": true}}, 400, "No backups available to do an incremental backup"},
		{map[string]any{"backup": map[string]any{"volume_id": vol, "force": "maybe"}}, 400, "is not of type 'boolean'"},
	} {
		code, body := api.do("POST", "/backups", "", c.body)
		if code != c.want || !strings.Contains(toJSON(body), c.msg) {
			t.Errorf("POST /backups %v: %d %v, want %d %q", c.body, code, body, c.want, c.msg)
		}
	}
	if code, _ := api.do("GET", "/backups/8f7e6d5c-0000-4000-8000-000000000000", "", nil); code != 404 {
		t.Errorf("GET of a missing backup: %d", code)
	}
	if code, _ := api.do("PUT", "/backups/8f7e6d5c-0000-4000-8000-000000000000", "", map[string]any{"backup": map[string]any{"name": "x"}}); code != 404 {
		t.Errorf("PUT /backups below 3.9: %d, want 404", code)
	}

	// The volume's RBD image is gone behind Cinder's back.
	testenv.RBD(t, "rm", "--no-progress", "volumes/volume-"+vol)
	out := api.must(202, "POST", "/backups", "", map[string]any{"backup": map[string]any{"volume_id": vol, "name": "doomed"}})
	id := out["backup"].(map[string]any)["id"].(string)
	t.Cleanup(func() {
		api.do("POST", "/backups/"+id+"/action", "", map[string]any{"os-force_delete": map[string]any{}})
	})
	b := api.waitBackup(id, "error", "available")
	if b["status"] != "error" || b["fail_reason"] == nil || b["fail_reason"] == "" {
		t.Fatalf("backup of a missing RBD image: %v", b)
	}
	if v := api.waitVolume(vol, "available"); v["status"] != "available" {
		t.Errorf("volume after a failed backup: %v", v["status"])
	}
	msgs := api.must(200, "GET", "/messages?resource_uuid="+id, "3.3", nil)
	if !strings.Contains(toJSON(msgs), "create backup:Backup driver failed to create backup.") {
		t.Errorf("no user message for the failed backup: %v", msgs)
	}
	if ls := testenv.RBD(t, "ls", "backups"); strings.Contains(ls, id) || strings.Contains(ls, "volume-"+vol) {
		t.Errorf("a failed backup left an image in pool backups:\n%s", ls)
	}
	// Restore of a backup in error is refused; deleting it works.
	if code, body := api.do("POST", "/backups/"+id+"/restore", "", map[string]any{"restore": map[string]any{}}); code != 400 ||
		!strings.Contains(toJSON(body), "Backup status must be available") {
		t.Errorf("restore of a backup in error: %d %v", code, body)
	}
	// Admin actions: reset_status takes available or error only.
	if code, _ := api.do("POST", "/backups/"+id+"/action", "", map[string]any{"os-reset_status": map[string]any{"status": "creating"}}); code != 400 {
		t.Errorf("os-reset_status creating: %d, want 400", code)
	}
	api.must(202, "DELETE", "/backups/"+id, "", nil)
	api.waitGone("backups", id)
}

// TestBackupExportImport: an exported record imported under another id
// (as tempest does) points at the same data and restores.
func TestBackupExportImport(t *testing.T) {
	api := adminSession(t)
	vol := api.newVolume(map[string]any{"size": 1, "name": "backup-export"})
	api.waitVolume(vol, "available")
	writeRandom(t, vol, 0, 1<<20)
	want := rbdHash(t, vol, 1<<30)
	out := api.must(202, "POST", "/backups", "", map[string]any{"backup": map[string]any{"volume_id": vol}})
	id := out["backup"].(map[string]any)["id"].(string)
	t.Cleanup(func() { api.do("DELETE", "/backups/"+id, "", nil) })
	api.waitBackup(id, "available")
	rec := api.must(200, "GET", "/backups/"+id+"/export_record", "", nil)["backup-record"].(map[string]any)
	if svc, _ := rec["backup_service"].(string); !strings.HasPrefix(svc, "cinder.backup.drivers") {
		t.Errorf("backup_service %q", svc)
	}
	raw, err := base64.StdEncoding.DecodeString(rec["backup_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("backup_url is not base64 JSON: %v", err)
	}
	if code, _ := api.do("POST", "/backups/import_record", "", map[string]any{"backup-record": rec}); code != 400 {
		t.Errorf("import of an existing backup id: %d, want 400", code)
	}
	newID := "0e6d2b1c-7a4f-4c3e-9b8a-" + fmt.Sprintf("%012d", time.Now().UnixNano()%1e12)
	m["id"] = newID
	b, _ := json.Marshal(m)
	imp := api.must(201, "POST", "/backups/import_record", "", map[string]any{"backup-record": map[string]any{
		"backup_service": rec["backup_service"], "backup_url": base64.StdEncoding.EncodeToString(b)}})
	if imp["backup"].(map[string]any)["id"] != newID {
		t.Fatalf("import answered %v", imp)
	}
	t.Cleanup(func() { api.do("DELETE", "/backups/"+newID, "", nil) })
	api.waitBackup(newID, "available")
	res := api.must(202, "POST", "/backups/"+newID+"/restore", "", map[string]any{"restore": map[string]any{}})["restore"].(map[string]any)
	nv := res["volume_id"].(string)
	t.Cleanup(func() { api.do("DELETE", "/volumes/"+nv, "", nil) })
	api.waitBackup(newID, "available")
	api.waitVolume(nv, "available")
	if got := rbdHash(t, nv, 1<<30); got != want {
		t.Errorf("volume restored from the imported record differs")
	}
}
