// Package rpcapi is the contract between Nova and the network service:
// the methods nova-conductor (and, for the host agent, each compute
// host) call on topic "network" over AMQP, named after nova's network
// API (allocate_for_instance, deallocate_for_instance,
// get_instance_nw_info) and neutron's port binding, their arguments and
// results, and a typed Client. compute/network/binding serves them.
package rpcapi
