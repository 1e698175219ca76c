package rbd

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// Snap is the name of the snapshot every stored image has, glance_store's
// DEFAULT_SNAPNAME.
const Snap = "snap"

// Location is where an image's data is: rbd://FSID/POOL/IMAGE/SNAP
// (glance_store's rbd StoreLocation).
type Location struct {
	FSID, Pool, Image, Snap string
}

// String renders the location as glance_store's get_uri does.
func (l Location) String() string {
	return fmt.Sprintf("rbd://%s/%s/%s/%s",
		url.PathEscape(l.FSID), url.PathEscape(l.Pool), url.PathEscape(l.Image), url.PathEscape(l.Snap))
}

// Spec is the RBD image (or snapshot, when the location has one) the
// location names.
func (l Location) Spec() ceph.Spec {
	return ceph.Spec{Pool: l.Pool, Image: l.Image, Snap: l.Snap}
}

// ParseLocation reads an rbd:// location. Like glance_store it accepts the
// four-part form and the legacy one-part form rbd://IMAGE, which the caller
// resolves against its pool.
func ParseLocation(uri string) (Location, error) {
	rest, ok := strings.CutPrefix(uri, "rbd://")
	if !ok {
		return Location{}, fault.New(fault.Invalid, "URI %q must start with rbd://.", uri)
	}
	parts := strings.Split(rest, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return Location{}, fault.New(fault.Invalid, "URI %q has an invalid or empty component.", uri)
		}
		parts[i] = u
	}
	switch len(parts) {
	case 1:
		return Location{Image: parts[0]}, nil
	case 4:
		return Location{FSID: parts[0], Pool: parts[1], Image: parts[2], Snap: parts[3]}, nil
	}
	return Location{}, fault.New(fault.Invalid, "URI %q must have 1 or 4 components.", uri)
}
