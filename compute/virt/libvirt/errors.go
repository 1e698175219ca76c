package libvirt

import (
	"errors"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// lvErr returns the libvirt error in err's chain.
func lvErr(err error) (golibvirt.Error, bool) {
	var e golibvirt.Error
	if errors.As(err, &e) {
		return e, true
	}
	var p *golibvirt.Error
	if errors.As(err, &p) && p != nil {
		return *p, true
	}
	return golibvirt.Error{}, false
}

// hasCode reports whether err is a libvirt error with one of the codes.
func hasCode(err error, codes ...golibvirt.ErrorNumber) bool {
	e, ok := lvErr(err)
	if !ok {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// connectionLost reports whether err means the connection to libvirtd is
// gone (the driver then reconnects on its next call).
func connectionLost(err error) bool {
	return hasCode(err, golibvirt.ERR_NO_CONNECT, golibvirt.ERR_INVALID_CONN, golibvirt.ERR_RPC,
		golibvirt.ERR_SYSTEM_ERROR, golibvirt.ERR_AUTH_FAILED)
}

// classify turns a libvirt error from doing action on the instance uuid
// into a fault, once. Faults pass through unchanged.
func classify(err error, action, uuid string) error {
	if err == nil {
		return nil
	}
	var f *fault.Error
	if errors.As(err, &f) {
		return err
	}
	switch {
	case hasCode(err, golibvirt.ERR_NO_DOMAIN):
		return fault.Wrap(err, fault.NotFound, "Instance %s could not be found.", uuid)
	case hasCode(err, golibvirt.ERR_OPERATION_INVALID):
		return fault.Wrap(err, fault.Conflict, "Cannot %s instance %s in its current state.", action, uuid)
	case hasCode(err, golibvirt.ERR_OPERATION_TIMEOUT, golibvirt.ERR_AGENT_UNRESPONSIVE):
		return fault.Wrap(err, fault.Unavailable, "The hypervisor did not %s instance %s in time.", action, uuid)
	case connectionLost(err):
		return fault.Wrap(err, fault.Unavailable, "The hypervisor (libvirt) is unavailable: cannot %s instance %s.", action, uuid)
	}
	return fault.Wrap(err, fault.Internal, "The hypervisor failed to %s instance %s.", action, uuid)
}

// notFound is virt.NotFound, kept here for symmetry with classify.
func notFound(uuid string) error { return virt.NotFound(uuid) }
