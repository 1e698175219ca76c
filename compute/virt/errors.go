package virt

import "github.com/gostack/gostack/services/fault"

// NotFound is the error for a guest that does not exist on this host, with
// nova's InstanceNotFound message.
func NotFound(uuid string) error {
	return fault.New(fault.NotFound, "Instance %s could not be found.", uuid)
}

// IsNotFound reports whether err says the guest does not exist.
func IsNotFound(err error) bool { return fault.KindOf(err) == fault.NotFound }
