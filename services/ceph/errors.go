package ceph

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/gostack/gostack/services/fault"
)

// errnoOf returns the errno carried by a go-ceph error (which exposes
// ErrorCode, negative or positive) or by a syscall.Errno in err's chain.
func errnoOf(err error) (syscall.Errno, bool) {
	var coded interface{ ErrorCode() int }
	if errors.As(err, &coded) {
		n := coded.ErrorCode()
		if n < 0 {
			n = -n
		}
		return syscall.Errno(n), n != 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return e, true
	}
	return 0, false
}

// isErrno reports whether err carries the errno.
func isErrno(err error, want syscall.Errno) bool {
	got, ok := errnoOf(err)
	return ok && got == want
}

// unreachable lists the errnos that mean the cluster could not be reached or
// did not answer in time.
var unreachable = map[syscall.Errno]bool{
	syscall.ETIMEDOUT:    true,
	syscall.ENOTCONN:     true,
	syscall.ECONNREFUSED: true,
	syscall.ECONNRESET:   true,
	syscall.ECONNABORTED: true,
	syscall.ESHUTDOWN:    true,
	syscall.EHOSTUNREACH: true,
	syscall.ENETUNREACH:  true,
	syscall.EPIPE:        true,
}

// where describes a cluster for messages: monitors, configuration file and
// cephx user, never the key.
type where struct {
	monHost string
	conf    string
	user    string
	timeout string
}

func (w where) String() string {
	mon := w.monHost
	if mon == "" {
		mon = "(none configured)"
	}
	return fmt.Sprintf("monitors %s, conf %s, user client.%s", mon, orDefault(w.conf), w.user)
}

// classify turns an error from doing action ("remove", "open", ...) on
// subject ("image vms/x_disk", "pool images") into a fault, once. An error
// that already is a fault passes through unchanged.
func (w where) classify(err error, action, subject string) error {
	if err == nil {
		return nil
	}
	var f *fault.Error
	if errors.As(err, &f) {
		return err
	}
	cause := fmt.Errorf("rbd %s %s: %w", action, subject, err)
	n, ok := errnoOf(err)
	if !ok {
		return fault.Wrap(cause, fault.Internal, "Ceph could not %s %s.", action, subject)
	}
	switch {
	case n == syscall.ENOENT:
		return fault.Wrap(cause, fault.NotFound, "RBD %s does not exist.", subject)
	case n == syscall.EEXIST:
		return fault.Wrap(cause, fault.Conflict, "RBD %s already exists.", subject)
	case n == syscall.EBUSY:
		return fault.Wrap(cause, fault.Conflict, "RBD %s is busy and cannot %s now; try again later.", subject, action)
	case n == syscall.ENOTEMPTY:
		return fault.Wrap(cause, fault.Conflict, "RBD %s still has snapshots; remove them first.", subject)
	case unreachable[n]:
		return fault.Wrap(cause, fault.Unavailable,
			"The Ceph cluster did not answer in time (%s) to %s %s: check that the monitors and OSDs are up and reachable (%s).",
			w.timeout, action, subject, w)
	case n == syscall.EPERM || n == syscall.EACCES:
		return fault.Wrap(cause, fault.Unavailable,
			"Ceph refused to %s %s for client.%s: check the user's cephx key and caps (%s).", action, subject, w.user, w)
	case n == syscall.ENOSPC:
		return fault.Wrap(cause, fault.Unavailable, "The Ceph cluster is full: could not %s %s.", action, subject)
	case n == syscall.EDQUOT:
		return fault.Wrap(cause, fault.OverLimit, "The Ceph pool quota is exhausted: could not %s %s.", action, subject)
	case n == syscall.EROFS:
		return fault.Wrap(cause, fault.Conflict, "RBD %s is read-only (a snapshot or a read-only open): cannot %s it.", subject, action)
	default:
		return fault.Wrap(cause, fault.Internal, "Ceph could not %s %s.", action, subject)
	}
}

// describe names a spec for messages: "image vms/x" or "snapshot images/x@snap".
func describe(s Spec) string {
	if s.Snap != "" {
		return "snapshot " + s.String()
	}
	return "image " + s.String()
}

// inUse is the Conflict for an image that another client has open.
func inUse(cause error, s Spec, watchers []string) error {
	return fault.Wrap(cause, fault.Conflict,
		"RBD image %s is in use by a running guest or another client (%d watcher(s): %s); stop or detach it first.",
		s.Base(), len(watchers), joinShort(watchers, 3))
}

// hasClones is the Conflict for a snapshot that clones depend on.
func hasClones(cause error, snap Spec, children []Spec) error {
	names := make([]string, len(children))
	for i, c := range children {
		names[i] = c.String()
	}
	return fault.Wrap(cause, fault.Conflict,
		"RBD snapshot %s has clones (%s); flatten or delete them first.", snap, joinShort(names, 3))
}

// joinShort joins up to max items and says how many more there are.
func joinShort(items []string, max int) string {
	if len(items) == 0 {
		return "unknown"
	}
	out := ""
	for i, s := range items {
		if i == max {
			return fmt.Sprintf("%s and %d more", out, len(items)-max)
		}
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
