// Package binding serves the rpcapi contract: it allocates, binds and
// releases the ports of Nova's instances in the store, so the API's
// ports and Nova's NICs are one thing (device_id the instance,
// device_owner compute:<zone>, binding:host_id the compute host).
package binding
