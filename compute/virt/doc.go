// Package virt is the hypervisor boundary of nova-compute: the small Driver
// interface the compute manager calls to build, power and destroy guests
// and to learn about the host, and the plain types it speaks in.
//
// The types deliberately do not depend on compute/objects: the manager maps
// its instance, flavor and image objects to an InstanceSpec, so a driver
// never sees the database's shapes and the manager never sees libvirt's.
// Throughout, an "instance" is what the API calls a server; its guest is
// the hypervisor's domain.
//
// Optional abilities (volume attach, live migration, ...) are separate
// interfaces checked by type assertion, as Nomad's DriverPlugin does, rather
// than a capability dictionary.
//
// Errors are services/fault kinds: a missing guest is fault.NotFound (see
// NotFound), an action the guest's state forbids fault.Conflict, a bad spec
// fault.Invalid, an unreachable hypervisor or storage fault.Unavailable.
package virt
