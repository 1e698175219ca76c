package libvirt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

const gib = 1 << 30

// Disk names in the pool, as nova's Rbd image backend names them.
func rootDiskName(uuid string) string      { return uuid + "_disk" }
func ephemeralDiskName(uuid string) string { return uuid + "_disk.eph0" }
func swapDiskName(uuid string) string      { return uuid + "_disk.swap" }

// flavorTooSmall is nova's FlavorDiskSmallerThanImage.
func flavorTooSmall(flavorBytes, imageBytes uint64) error {
	return fault.New(fault.Invalid,
		"Flavor's disk is too small for requested image. Flavor disk is %d bytes, image is %d bytes.",
		flavorBytes, imageBytes)
}

// inCluster reports whether the image's location is a snapshot in this
// deployment's cluster, so that the root disk can be a clone of it.
func (d *Driver) inCluster(ctx context.Context, img virt.Image) bool {
	loc := img.Location
	if loc == nil || loc.Pool == "" || loc.Image == "" || loc.Snap == "" {
		return false
	}
	// Only raw data can be a root disk as it is (nova's is_cloneable).
	if img.DiskFormat != "" && img.DiskFormat != "raw" {
		return false
	}
	if loc.FSID == "" {
		return true
	}
	fsid, err := d.ceph.FSID(ctx)
	return err == nil && strings.EqualFold(fsid, loc.FSID)
}

// createdDisks records the disks a spawn made, to remove them if it fails.
type createdDisks []ceph.Spec

// makeRootDisk makes <uuid>_disk: a clone of the image's snapshot when it
// is in this cluster, else the image's data streamed in; then grows it to
// the flavor's root size.
func (d *Driver) makeRootDisk(ctx context.Context, spec virt.InstanceSpec, made *createdDisks) (ceph.Spec, error) {
	child := ceph.ImageSpec(d.s.Pool, rootDiskName(spec.UUID))
	return child, d.makeImageDisk(ctx, spec, child, made)
}

// makeImageDisk makes child from spec's image, grown to spec.RootGB.
func (d *Driver) makeImageDisk(ctx context.Context, spec virt.InstanceSpec, child ceph.Spec, made *createdDisks) error {
	want := uint64(spec.RootGB) * gib
	var size uint64
	if d.inCluster(ctx, spec.Image) {
		loc := spec.Image.Location
		parent := ceph.SnapSpec(loc.Pool, loc.Image, loc.Snap)
		var err error
		if size, err = d.ceph.Size(ctx, parent); err != nil {
			if fault.KindOf(err) == fault.NotFound {
				return fault.Wrap(err, fault.Invalid,
					"The data of image %s is not in the Ceph cluster (%s is missing).", spec.Image.ID, parent)
			}
			return err
		}
		if want > 0 && want < size {
			return flavorTooSmall(want, size)
		}
		if err := d.ceph.Clone(ctx, parent, child, ceph.CreateOptions{}); err != nil {
			return err
		}
		*made = append(*made, child)
	} else {
		if spec.Image.SizeBytes > 0 && want > 0 && want < uint64(spec.Image.SizeBytes) && isRaw(spec.Image.DiskFormat) {
			return flavorTooSmall(want, uint64(spec.Image.SizeBytes))
		}
		n, err := d.importImage(ctx, spec, child, made)
		if err != nil {
			return err
		}
		size = n
		if want > 0 && want < size {
			return flavorTooSmall(want, size)
		}
	}
	if want > size {
		if err := d.ceph.Resize(ctx, child, want, ceph.ResizeOptions{}); err != nil {
			return err
		}
	}
	return nil
}

func isRaw(format string) bool { return format == "" || format == "raw" }

// importImage streams an image from outside the cluster into child: raw
// data directly, other formats through a local conversion to raw
// (qemu-img), copied in sparsely. It returns the disk's size.
func (d *Driver) importImage(ctx context.Context, spec virt.InstanceSpec, child ceph.Spec, made *createdDisks) (uint64, error) {
	if spec.Image.Fetch == nil {
		return 0, fault.New(fault.Invalid,
			"Image %s is not in this deployment's Ceph cluster and the compute host was given no way to download it.", spec.Image.ID)
	}
	rc, n, err := spec.Image.Fetch(ctx, spec.Image.ID)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	if isRaw(spec.Image.DiskFormat) {
		size, err := d.ceph.Import(ctx, child, rc, ceph.ImportOptions{Size: n})
		if err != nil {
			return 0, err
		}
		*made = append(*made, child)
		return uint64(size), nil
	}
	switch spec.Image.DiskFormat {
	case "qcow2", "vmdk", "vdi", "vhd", "vhdx":
	default:
		return 0, fault.New(fault.Invalid, "Image %s has disk_format %q, which cannot be converted to a root disk.", spec.Image.ID, spec.Image.DiskFormat)
	}
	dir := d.instanceDir(spec.UUID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fault.Wrap(err, fault.Unavailable, "Cannot create %s.", dir)
	}
	src := filepath.Join(dir, "image.part")
	dst := filepath.Join(dir, "image.raw")
	defer os.Remove(src)
	defer os.Remove(dst)
	f, err := os.Create(src)
	if err != nil {
		return 0, fault.Wrap(err, fault.Unavailable, "Cannot write %s.", src)
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return 0, fault.Wrap(err, fault.Unavailable, "Downloading image %s failed.", spec.Image.ID)
	}
	if err := f.Close(); err != nil {
		return 0, fault.Wrap(err, fault.Unavailable, "Cannot write %s.", src)
	}
	fmtName := spec.Image.DiskFormat
	if fmtName == "vhd" {
		fmtName = "vpc"
	}
	out, err := exec.CommandContext(ctx, "qemu-img", "convert", "-f", fmtName, "-O", "raw", src, dst).CombinedOutput()
	if err != nil {
		return 0, fault.Wrap(fmt.Errorf("qemu-img convert: %w: %s", err, strings.TrimSpace(string(out))), fault.Invalid,
			"Image %s is not a valid %s image.", spec.Image.ID, spec.Image.DiskFormat)
	}
	size, err := d.importSparse(ctx, dst, child, made)
	return size, err
}

// importSparse creates spec at the file's size and copies only the file's
// data extents into it, so a mostly empty file stays thin in RBD.
func (d *Driver) importSparse(ctx context.Context, path string, spec ceph.Spec, made *createdDisks) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fault.Wrap(err, fault.Internal, "Cannot read %s.", path)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fault.Wrap(err, fault.Internal, "Cannot read %s.", path)
	}
	size := uint64(st.Size())
	if err := d.ceph.Create(ctx, spec, size, ceph.CreateOptions{}); err != nil {
		return 0, err
	}
	*made = append(*made, spec)
	img, err := d.ceph.Open(ctx, spec)
	if err != nil {
		return 0, err
	}
	copyErr := copyExtents(ctx, f, st.Size(), img)
	closeErr := img.Close()
	if err := errors.Join(copyErr, closeErr); err != nil {
		return 0, err
	}
	return size, nil
}

// Whence values of lseek(2) for sparse files.
const (
	seekData = 3
	seekHole = 4
)

// copyExtents copies f's data extents (SEEK_DATA/SEEK_HOLE) to w at the
// same offsets.
func copyExtents(ctx context.Context, f *os.File, size int64, w io.WriterAt) error {
	buf := make([]byte, 4<<20)
	var off int64
	for off < size {
		if err := ctx.Err(); err != nil {
			return fault.Wrap(err, fault.Unavailable, "Copying %s was cancelled.", f.Name())
		}
		start, err := f.Seek(off, seekData)
		if err != nil {
			break // ENXIO: no data past off
		}
		end, err := f.Seek(start, seekHole)
		if err != nil {
			end = size
		}
		for pos := start; pos < end; {
			n := min(int64(len(buf)), end-pos)
			if _, err := f.ReadAt(buf[:n], pos); err != nil && err != io.EOF {
				return fault.Wrap(err, fault.Internal, "Cannot read %s.", f.Name())
			}
			if _, err := w.WriteAt(buf[:n], pos); err != nil {
				return err
			}
			pos += n
		}
		off = end
	}
	return nil
}

// makeEphemeralDisk makes <uuid>_disk.eph0 with an empty file system
// labelled ephemeral0, as nova does (ext4 for os_type linux, else vfat).
func (d *Driver) makeEphemeralDisk(ctx context.Context, spec virt.InstanceSpec, made *createdDisks) (ceph.Spec, error) {
	target := ceph.ImageSpec(d.s.Pool, ephemeralDiskName(spec.UUID))
	dir := d.instanceDir(spec.UUID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return target, fault.Wrap(err, fault.Unavailable, "Cannot create %s.", dir)
	}
	path := filepath.Join(dir, "disk.eph0.part")
	defer os.Remove(path)
	f, err := os.Create(path)
	if err != nil {
		return target, fault.Wrap(err, fault.Unavailable, "Cannot write %s.", path)
	}
	err = f.Truncate(int64(spec.EphemeralGB) * gib)
	f.Close()
	if err != nil {
		return target, fault.Wrap(err, fault.Unavailable, "Cannot write %s.", path)
	}
	var cmd *exec.Cmd
	if spec.Image.Properties.OSType == "linux" {
		cmd = exec.CommandContext(ctx, "mkfs.ext4", "-q", "-F", "-L", "ephemeral0", path)
	} else {
		cmd = exec.CommandContext(ctx, "mformat", "-i", path, "-v", "ephemeral0", "-F", "::")
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return target, fault.Wrap(fmt.Errorf("%s: %w: %s", cmd.Path, err, strings.TrimSpace(string(out))), fault.Internal,
			"Cannot make the ephemeral disk's file system.")
	}
	_, err = d.importSparse(ctx, path, target, made)
	return target, err
}

// makeSwapDisk makes <uuid>_disk.swap with a swap signature (mkswap's
// header written directly: the rest of the disk stays thin).
func (d *Driver) makeSwapDisk(ctx context.Context, spec virt.InstanceSpec, made *createdDisks) (ceph.Spec, error) {
	target := ceph.ImageSpec(d.s.Pool, swapDiskName(spec.UUID))
	size := uint64(spec.SwapMiB) << 20
	header, err := SwapHeader(size, "")
	if err != nil {
		return target, err
	}
	if err := d.ceph.Create(ctx, target, size, ceph.CreateOptions{}); err != nil {
		return target, err
	}
	*made = append(*made, target)
	img, err := d.ceph.Open(ctx, target)
	if err != nil {
		return target, err
	}
	_, werr := img.WriteAt(header, 0)
	cerr := img.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return target, err
	}
	return target, nil
}

// removeDisks removes every disk of the instance in the pool (any image
// named <uuid>_*, as nova's _cleanup_rbd does), also those a crashed spawn
// left behind. A disk already gone is not an error.
func (d *Driver) removeDisks(ctx context.Context, uuid string) error {
	names, err := d.ceph.ListImages(ctx, d.s.Pool)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if !strings.HasPrefix(n, uuid+"_") {
			continue
		}
		err := d.removeDisk(ctx, ceph.ImageSpec(d.s.Pool, n))
		if err != nil && fault.KindOf(err) != fault.NotFound {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeMade removes the disks a failed spawn made, newest first.
func (d *Driver) removeMade(ctx context.Context, made createdDisks) error {
	var errs []error
	for i := len(made) - 1; i >= 0; i-- {
		err := d.removeDisk(ctx, made[i])
		if err != nil && fault.KindOf(err) != fault.NotFound {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeRetry retries a removal that failed unexpectedly: right after its
// guest died, librbd can fail to take over the dead QEMU's exclusive lock
// (seen as ESTALE) until the OSDs notice. A busy image is retried inside
// ceph.Remove already.
var removeRetry = ceph.Backoff{Attempts: 5, Initial: 500 * time.Millisecond, Max: 4 * time.Second}

// removeDisk removes one disk with its snapshots.
func (d *Driver) removeDisk(ctx context.Context, spec ceph.Spec) error {
	return removeRetry.Do(ctx, func() error {
		return d.ceph.Remove(ctx, spec, ceph.RemoveOptions{PurgeSnapshots: true})
	}, func(err error) bool { return fault.KindOf(err) == fault.Internal })
}
