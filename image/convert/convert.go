package convert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Convertible reports whether images declared with diskFormat are
// converted to raw before they are stored.
func Convertible(diskFormat string) bool {
	_, ok := qemuFormats[diskFormat]
	return ok
}

// qemuFormats maps glance's disk_format to the name qemu-img reports.
var qemuFormats = map[string]string{
	"qcow2": "qcow2",
	"vmdk":  "vmdk",
	"vhd":   "vpc",
	"vhdx":  "vhdx",
	"vdi":   "vdi",
}

// VMDKAllowedTypes are the VMDK create-types accepted, glance's default
// [image_format] vmdk_allowed_types: single-file types only.
var VMDKAllowedTypes = []string{"streamOptimized", "monolithicSparse"}

// Info is what qemu-img info tells of a file.
type Info struct {
	Format      string `json:"format"`
	VirtualSize int64  `json:"virtual-size"`
	BackingFile string `json:"backing-filename"`
	Specific    struct {
		Type string `json:"type"`
		Data struct {
			DataFile   string `json:"data-file"`
			CreateType string `json:"create-type"`
		} `json:"data"`
	} `json:"format-specific"`
}

// Limits of the qemu-img processes that read untrusted data (glance's
// QEMU_IMG_PROC_LIMITS: 1 GiB of address space, 30 s of CPU for info).
const (
	infoAddressSpace = 1 << 30
	infoCPUSeconds   = 30
)

// Inspect runs qemu-img info on path.
func Inspect(ctx context.Context, path string) (Info, error) {
	args := []string{"qemu-img", "info", "--output=json", path}
	if prlimit, err := exec.LookPath("prlimit"); err == nil {
		args = append([]string{prlimit, fmt.Sprintf("--as=%d", infoAddressSpace), fmt.Sprintf("--cpu=%d", infoCPUSeconds), "--"}, args...)
	}
	out, err := run(ctx, args...)
	if err != nil {
		return Info{}, fault.Wrap(err, fault.Invalid, "The image data could not be read as a disk image: %s", firstLine(err))
	}
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		return Info{}, fmt.Errorf("qemu-img info output: %w", err)
	}
	if info.Format == "" {
		return Info{}, fault.New(fault.Invalid, "The format of the image data could not be determined.")
	}
	return info, nil
}

// Check refuses data that is not of the declared disk format or that
// refers to other files: such an image cannot be converted safely.
func Check(info Info, declared string) error {
	want := qemuFormats[declared]
	switch {
	case want != "" && info.Format != want:
		return fault.New(fault.Invalid, "The image data is not in the declared disk_format %s (qemu-img finds %s); set the disk_format the data has.", declared, info.Format)
	case info.BackingFile != "":
		return fault.New(fault.Invalid, "Images with a backing file are not allowed; upload a self-contained image (qemu-img convert it first).")
	case info.Specific.Data.DataFile != "":
		return fault.New(fault.Invalid, "Images with an external data file are not allowed; upload a self-contained image.")
	case info.Format == "vmdk" && !contains(VMDKAllowedTypes, info.Specific.Data.CreateType):
		return fault.New(fault.Invalid, "VMDK images of create-type %q are not allowed; allowed: %s.", info.Specific.Data.CreateType, strings.Join(VMDKAllowedTypes, ", "))
	}
	return nil
}

// ToRaw converts src, of qemu format, into a new raw file dst.
func ToRaw(ctx context.Context, src, format, dst string) error {
	if _, err := run(ctx, "qemu-img", "convert", "-f", format, "-O", "raw", src, dst); err != nil {
		_ = os.Remove(dst)
		return fault.Wrap(err, fault.Invalid, "The image data could not be converted to raw: %s", firstLine(err))
	}
	return nil
}

// QemuFormat is the qemu-img name of a glance disk_format.
func QemuFormat(diskFormat string) string { return qemuFormats[diskFormat] }

func run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
