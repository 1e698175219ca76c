package api_test

import (
	"strings"
	"testing"
	"time"
)

// TestOpenStackClientGroups drives generic volume groups with the real
// clients (python-openstackclient 6.0 and cinderclient 9.1 at 3.14+):
// group types as the admin, then a group, a volume in it, a group
// snapshot and the deletes as a member of a fresh project. OSC 6.0's
// `volume group show`, `volume group snapshot show` and `volume group
// type show` fail in the client itself ("'GroupManager' object has no
// attribute 'show'", "'Namespace' object has no attribute 'group'"), so
// the shows go through the cinder CLI.
func TestOpenStackClientGroups(t *testing.T) {
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	name := func(s string) string { return "oscg-" + s + "-" + sfx }
	admin := client{t: t}
	u, _ := newProject(t, admin, name("proj"))
	v := func(args ...string) []string { return append([]string{"--os-volume-api-version", "3.14"}, args...) }
	cinder := func(args ...string) string {
		out, err := runAs(t, u.env, "cinder", append([]string{"--os-volume-api-version", "3.25"}, args...)...)
		if err != nil {
			t.Fatalf("cinder %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	gt := admin.json(v("volume", "group", "type", "create", name("gt"))...)
	t.Cleanup(func() { _, _ = admin.run(v("volume", "group", "type", "delete", name("gt"))...) })
	if gt["Name"] != name("gt") || gt["Is Public"] != true {
		t.Errorf("group type: %v", gt)
	}
	admin.osc(v("volume", "group", "type", "set", "--property", "color=blue", name("gt"))...)
	if out := admin.osc(v("volume", "group", "type", "list")...); !strings.Contains(out, name("gt")) || !strings.Contains(out, "'color': 'blue'") {
		t.Errorf("group type list:\n%s", out)
	}
	admin.osc("volume", "type", "create", name("vt"))
	t.Cleanup(func() { _, _ = admin.run("volume", "type", "delete", name("vt")) })

	g := u.json(v("volume", "group", "create", "--name", name("g"), name("gt"), name("vt"))...)
	gid, _ := g["ID"].(string)
	t.Cleanup(func() { _, _ = u.run(v("volume", "group", "delete", "--force", gid)...) })
	if g["Status"] != "available" || g["Name"] != name("g") {
		t.Errorf("group create: %v", g)
	}
	if out := u.osc(v("volume", "group", "list")...); !strings.Contains(out, gid) || !strings.Contains(out, "available") {
		t.Errorf("group list:\n%s", out)
	}
	u.osc(v("volume", "group", "set", "--name", name("g2"), "--description", "renamed", gid)...)
	vol := u.json("volume", "create", "--size", "1", "--type", name("vt"), name("v"))["id"].(string)
	u.waitStatus(volume, vol, "available")
	cinder("group-update", "--add-volumes", vol, gid)
	if out := cinder("group-show", "--list-volume", "True", gid); !strings.Contains(out, vol) || !strings.Contains(out, name("g2")) || !strings.Contains(out, "renamed") {
		t.Errorf("group-show after adding the volume:\n%s", out)
	}
	if out, err := u.run("volume", "delete", vol); err == nil || !strings.Contains(out, "belong to a group") {
		t.Errorf("deleting a volume of a group: %v\n%s", err, out)
	}

	gs := u.json(v("volume", "group", "snapshot", "create", "--name", name("gs"), gid)...)
	gsid, _ := gs["ID"].(string)
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(u.osc(v("volume", "group", "snapshot", "list")...), "available") {
		if time.Now().After(deadline) {
			t.Fatalf("group snapshot %s never available", gsid)
		}
		time.Sleep(500 * time.Millisecond)
	}
	snaps := u.osc(v("volume", "snapshot", "list", "--long")...)
	if !strings.Contains(snaps, name("gs")) || !strings.Contains(snaps, name("v")) {
		t.Errorf("the group snapshot's snapshot of the volume:\n%s", snaps)
	}
	u.osc(v("volume", "group", "snapshot", "delete", gsid)...)
	for strings.Contains(u.osc(v("volume", "group", "snapshot", "list")...), gsid) {
		if time.Now().After(deadline) {
			t.Fatalf("group snapshot %s never deleted", gsid)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if out, err := u.run(v("volume", "group", "delete", gid)...); err == nil || !strings.Contains(out, "delete-volumes flag is required") {
		t.Errorf("deleting a group with volumes without --force: %v\n%s", err, out)
	}
	u.osc(v("volume", "group", "delete", "--force", gid)...)
	u.waitGone(volume, vol)
	for strings.Contains(u.osc(v("volume", "group", "list")...), gid) {
		if time.Now().After(deadline) {
			t.Fatalf("group %s never deleted", gid)
		}
		time.Sleep(500 * time.Millisecond)
	}
	admin.osc(v("volume", "group", "type", "delete", name("gt"))...)
}
