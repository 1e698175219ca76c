package convert_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gostack/gostack/image/convert"
	"github.com/gostack/gostack/services/fault"
)

func TestCheck(t *testing.T) {
	info := func(format string, mod func(*convert.Info)) convert.Info {
		i := convert.Info{Format: format, VirtualSize: 1 << 20}
		if mod != nil {
			mod(&i)
		}
		return i
	}
	for _, c := range []struct {
		name     string
		info     convert.Info
		declared string
		refused  string // part of the message; "" accepted
	}{
		{"qcow2", info("qcow2", nil), "qcow2", ""},
		{"vhd is vpc", info("vpc", nil), "vhd", ""},
		{"raw declared qcow2", info("raw", nil), "qcow2", "not in the declared disk_format qcow2 (qemu-img finds raw)"},
		{"qcow2 declared vmdk", info("qcow2", nil), "vmdk", "declared disk_format vmdk"},
		{"backing file", info("qcow2", func(i *convert.Info) { i.BackingFile = "/etc/passwd" }), "qcow2", "backing file"},
		{"data file", info("qcow2", func(i *convert.Info) { i.Specific.Data.DataFile = "/dev/sda" }), "qcow2", "external data file"},
		{"vmdk monolithicFlat", info("vmdk", func(i *convert.Info) { i.Specific.Data.CreateType = "monolithicFlat" }), "vmdk", `create-type "monolithicFlat"`},
		{"vmdk streamOptimized", info("vmdk", func(i *convert.Info) { i.Specific.Data.CreateType = "streamOptimized" }), "vmdk", ""},
	} {
		err := convert.Check(c.info, c.declared)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.refused != "" && (err == nil || !strings.Contains(fault.MessageOf(err), c.refused) || fault.KindOf(err) != fault.Invalid):
			t.Errorf("%s: %v, want 400 with %q", c.name, err, c.refused)
		}
	}
	for _, f := range []string{"qcow2", "vmdk", "vhd", "vhdx", "vdi"} {
		if !convert.Convertible(f) {
			t.Errorf("%s not convertible", f)
		}
	}
	for _, f := range []string{"raw", "iso", "ami", "ploop", ""} {
		if convert.Convertible(f) {
			t.Errorf("%s convertible", f)
		}
	}
}

// TestInspectAndConvert runs the real qemu-img on a small qcow2.
func TestInspectAndConvert(t *testing.T) {
	dir := t.TempDir()
	raw, q := filepath.Join(dir, "a.raw"), filepath.Join(dir, "a.qcow2")
	data := []byte(strings.Repeat("gostack!", 1<<16)) // 512 KiB
	if err := os.WriteFile(raw, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, q).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v\n%s", err, out)
	}
	info, err := convert.Inspect(context.Background(), q)
	if err != nil || info.Format != "qcow2" || info.VirtualSize != int64(len(data)) {
		t.Fatalf("inspect: %+v, %v", info, err)
	}
	out := filepath.Join(dir, "b.raw")
	if err := convert.ToRaw(context.Background(), q, "qcow2", out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if string(got) != string(data) {
		t.Errorf("converted data differs (%d bytes)", len(got))
	}
	if _, err := convert.Inspect(context.Background(), filepath.Join(dir, "missing")); fault.KindOf(err) != fault.Invalid {
		t.Errorf("inspect of a missing file: %v", err)
	}
}
