package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gostack/gostack/image/convert"
	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/staging"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/fault"
)

// stored is image data kept in the store, with what conversion changed.
type stored struct {
	rbd.Stored
	virtualSize int64  // 0: not known
	diskFormat  string // "" unless converted
}

// apply sets the image's data fields from what was stored; the image
// becomes active.
func (s stored) apply(im registry.Image) registry.Image {
	if s.diskFormat != "" {
		df, cf := s.diskFormat, "bare"
		im.DiskFormat, im.ContainerFormat = &df, &cf
	}
	if s.virtualSize > 0 {
		vs := s.virtualSize
		im.VirtualSize = &vs
	}
	return withData(im, s.Stored)
}

// storeStream stores the data of im read from r (size <= 0: unknown).
// Raw and other formats go to the store as they come; a convertible
// format (qcow2, vmdk, vhd, vhdx, vdi) is staged to a file, checked and
// converted to raw first. Nothing is left in the staging area or the
// store when it fails.
func (a *API) storeStream(ctx context.Context, im registry.Image, r io.Reader, size int64) (stored, error) {
	if !convert.Convertible(deref2(im.DiskFormat)) {
		s, err := a.store.Add(ctx, im.ID, r, size)
		return stored{Stored: s}, err
	}
	area, err := a.stagingArea()
	if err != nil {
		return stored{}, err
	}
	path, n, err := area.Temp(ctx, im.ID+".upload", r)
	if err != nil {
		return stored{}, err
	}
	defer os.Remove(path)
	if size > 0 && n != size {
		return stored{}, fmt.Errorf("image %s: read %d bytes of %d", im.ID, n, size)
	}
	return a.storeFile(ctx, im, path)
}

// storeFile stores the data of im kept in the file path, converting it
// to raw when its disk_format is convertible (glance's image_conversion
// with output_format raw): disk_format becomes raw, container_format
// bare, size and checksums those of the raw data, virtual_size what
// qemu-img reports. The converted file is always removed; path is left
// to the caller.
func (a *API) storeFile(ctx context.Context, im registry.Image, path string) (stored, error) {
	src, out := path, stored{}
	if declared := deref2(im.DiskFormat); convert.Convertible(declared) {
		info, err := convert.Inspect(ctx, path)
		if err != nil {
			return stored{}, err
		}
		if err := convert.Check(info, declared); err != nil {
			return stored{}, err
		}
		area, err := a.stagingArea()
		if err != nil {
			return stored{}, err
		}
		raw, err := area.TempPath(im.ID + ".raw")
		if err != nil {
			return stored{}, err
		}
		defer os.Remove(raw)
		if err := convert.ToRaw(ctx, path, info.Format, raw); err != nil {
			return stored{}, err
		}
		src = raw
		out.virtualSize, out.diskFormat = info.VirtualSize, "raw"
	}
	f, err := os.Open(src)
	if err != nil {
		return stored{}, fmt.Errorf("image %s data: %w", im.ID, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return stored{}, err
	}
	s, err := a.store.Add(ctx, im.ID, f, st.Size())
	if err != nil {
		return stored{}, err
	}
	out.Stored = s
	return out, nil
}

func (a *API) stagingArea() (*staging.Area, error) {
	if a.staging == nil {
		return nil, errors.Join(fault.New(fault.Unavailable, "The image service has no staging area for image data."), a.stagingErr)
	}
	return a.staging, nil
}

func deref2(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
