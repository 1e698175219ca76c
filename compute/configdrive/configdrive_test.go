package configdrive

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func isoinfo(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("isoinfo", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("isoinfo %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestBuild builds a drive with genisoimage and reads it back with isoinfo
// (Rock Ridge and Joliet names, the label, the JSON documents).
func TestBuild(t *testing.T) {
	m := Metadata{
		UUID: "8f2a7a5e-0d8e-4a36-9d1c-6a3b6c3e0a11", Name: "vm 1", Hostname: "vm-1", LaunchIndex: 0,
		AvailabilityZone: "nova", ProjectID: "p1",
		Key:      &Key{Name: "k1", Type: "ssh", Data: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg k1"},
		Meta:     map[string]string{"role": "web"},
		UserData: []byte("#!/bin/sh\necho hi\n"),
	}
	iso := filepath.Join(t.TempDir(), "disk.config")
	if err := Build(context.Background(), m, iso, Options{}); err != nil {
		t.Fatal(err)
	}
	if d := isoinfo(t, "-d", "-i", iso); !strings.Contains(d, "Volume id: config-2") || !strings.Contains(d, "Rock Ridge signatures version 1 found") || !strings.Contains(d, "Joliet with UCS level 3 found") {
		t.Errorf("isoinfo -d:\n%s", d)
	}
	list := isoinfo(t, "-R", "-f", "-i", iso)
	for _, want := range []string{"/openstack/latest/meta_data.json", "/openstack/latest/user_data", "/openstack/latest/network_data.json",
		"/openstack/latest/vendor_data.json", "/openstack/latest/vendor_data2.json", "/openstack/2012-08-10/meta_data.json",
		"/openstack/2015-10-15/network_data.json", "/openstack/2020-10-14/meta_data.json"} {
		if !strings.Contains(list, want+"\n") {
			t.Errorf("no %s in:\n%s", want, list)
		}
	}
	if strings.Contains(list, "/openstack/2012-08-10/network_data.json") {
		t.Errorf("network_data.json before 2015-10-15:\n%s", list)
	}
	if j := isoinfo(t, "-J", "-f", "-i", iso); !strings.Contains(j, "/openstack/latest/meta_data.json") {
		t.Errorf("Joliet names:\n%s", j)
	}
	var md map[string]any
	raw := isoinfo(t, "-R", "-x", "/openstack/latest/meta_data.json", "-i", iso)
	if err := json.Unmarshal([]byte(raw), &md); err != nil {
		t.Fatalf("meta_data.json: %v\n%s", err, raw)
	}
	want := map[string]any{
		"uuid": m.UUID, "name": "vm 1", "hostname": "vm-1", "launch_index": float64(0), "availability_zone": "nova",
		"project_id": "p1", "meta": map[string]any{"role": "web"},
		"public_keys": map[string]any{"k1": m.Key.Data},
		"keys":        []any{map[string]any{"name": "k1", "type": "ssh", "data": m.Key.Data}},
		"devices":     []any{}, "dedicated_cpus": []any{},
	}
	seed, _ := md["random_seed"].(string)
	delete(md, "random_seed")
	if len(seed) != 684 {
		t.Errorf("random_seed %q", seed)
	}
	if !reflect.DeepEqual(md, want) {
		t.Errorf("meta_data.json =\n%v\nwant\n%v", md, want)
	}
	if ud := isoinfo(t, "-R", "-x", "/openstack/latest/user_data", "-i", iso); ud != string(m.UserData) {
		t.Errorf("user_data %q", ud)
	}
	if nd := isoinfo(t, "-R", "-x", "/openstack/latest/network_data.json", "-i", iso); nd != `{"links":[],"networks":[],"services":[]}` {
		t.Errorf("network_data.json %q", nd)
	}
	var old map[string]any
	if err := json.Unmarshal([]byte(isoinfo(t, "-R", "-x", "/openstack/2012-08-10/meta_data.json", "-i", iso)), &old); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"random_seed", "project_id", "devices"} {
		if _, ok := old[k]; ok {
			t.Errorf("2012-08-10 meta_data.json has %s: %v", k, old)
		}
	}
}

func TestFilesWithoutKeyOrUserData(t *testing.T) {
	files, err := Files(Metadata{UUID: "u", Hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := files["openstack/latest/user_data"]; ok {
		t.Error("user_data written without user data")
	}
	var md map[string]any
	if err := json.Unmarshal(files["openstack/latest/meta_data.json"], &md); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"public_keys", "keys", "meta"} {
		if _, ok := md[k]; ok {
			t.Errorf("meta_data.json has %s: %v", k, md)
		}
	}
	if md["availability_zone"] != nil {
		t.Errorf("availability_zone %v, want null", md["availability_zone"])
	}
}

func TestBuildFailureLeavesNothing(t *testing.T) {
	iso := filepath.Join(t.TempDir(), "x.iso")
	err := Build(context.Background(), Metadata{UUID: "u"}, iso, Options{MkisofsCmd: "no-such-mkisofs"})
	if err == nil || !strings.Contains(err.Error(), "genisoimage") {
		t.Fatalf("err = %v", err)
	}
	if _, serr := exec.Command("test", "-e", iso).CombinedOutput(); serr == nil {
		t.Error("output left behind")
	}
}

// BenchmarkBuild measures building a config drive with genisoimage (what a
// boot with --config-drive adds before the drive's RBD import).
func BenchmarkBuild(b *testing.B) {
	m := Metadata{UUID: "8f2a7a5e-0d8e-4a36-9d1c-6a3b6c3e0a11", Name: "vm", Hostname: "vm",
		Key: &Key{Name: "k", Type: "ssh", Data: "ssh-ed25519 AAAA k"}, UserData: []byte("#!/bin/sh\n")}
	iso := filepath.Join(b.TempDir(), "disk.config")
	for b.Loop() {
		if err := Build(context.Background(), m, iso, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
