// Package compute is the Nova service: the Compute v2.1 API (nova-api),
// the conductor that orchestrates builds and moves and is the only database
// access of compute hosts, and the per-host compute manager with its libvirt
// driver. Throughout, a "server" in the API is an instance.
package compute
