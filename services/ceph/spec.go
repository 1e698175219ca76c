package ceph

import (
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Spec names an RBD image, or one of its snapshots when Snap is set.
type Spec struct {
	Pool  string
	Image string
	Snap  string
}

// ImageSpec returns the spec of an image.
func ImageSpec(pool, image string) Spec { return Spec{Pool: pool, Image: image} }

// SnapSpec returns the spec of an image's snapshot.
func SnapSpec(pool, image, snap string) Spec { return Spec{Pool: pool, Image: image, Snap: snap} }

// String renders the spec as rbd(8) does: pool/image or pool/image@snap.
func (s Spec) String() string {
	if s.Snap == "" {
		return s.Pool + "/" + s.Image
	}
	return s.Pool + "/" + s.Image + "@" + s.Snap
}

// WithSnap returns the spec of the image's snapshot snap.
func (s Spec) WithSnap(snap string) Spec { s.Snap = snap; return s }

// Base returns the spec of the image itself, without the snapshot.
func (s Spec) Base() Spec { s.Snap = ""; return s }

// ParseSpec parses pool/image or pool/image@snap.
func ParseSpec(text string) (Spec, error) {
	pool, rest, ok := strings.Cut(text, "/")
	if !ok {
		return Spec{}, fault.New(fault.Invalid, "RBD image spec %q is not pool/image[@snap]", text)
	}
	image, snap, hasSnap := strings.Cut(rest, "@")
	s := Spec{Pool: pool, Image: image, Snap: snap}
	if err := s.validImage(); err != nil {
		return Spec{}, err
	}
	if hasSnap && snap == "" {
		return Spec{}, fault.New(fault.Invalid, "RBD image spec %q has an empty snapshot name", text)
	}
	return s, nil
}

// validImage checks that the spec names an image (a snapshot is allowed).
func (s Spec) validImage() error {
	if s.Pool == "" || s.Image == "" {
		return fault.New(fault.Invalid, "RBD image spec %q needs a pool and an image name", s.String())
	}
	if strings.ContainsAny(s.Pool, "/@") || strings.ContainsAny(s.Image, "/@") || strings.Contains(s.Snap, "/") {
		return fault.New(fault.Invalid, "RBD image spec %q contains '/' or '@' in a name", s.String())
	}
	return nil
}

// validSnap checks that the spec names a snapshot.
func (s Spec) validSnap() error {
	if err := s.validImage(); err != nil {
		return err
	}
	if s.Snap == "" {
		return fault.New(fault.Invalid, "RBD spec %q names no snapshot", s.String())
	}
	return nil
}

// validPlain checks that the spec names an image and no snapshot.
func (s Spec) validPlain() error {
	if err := s.validImage(); err != nil {
		return err
	}
	if s.Snap != "" {
		return fault.New(fault.Invalid, "RBD spec %q names a snapshot where an image is expected", s.String())
	}
	return nil
}
