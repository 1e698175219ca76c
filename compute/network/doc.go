// Package network is the network service: a small Network v2.0 (Neutron)
// API over one flat provider network model, in the nova-network FlatDHCP
// style. Its parts: api (HTTP), store (tables), ipam (address and MAC
// arithmetic), policy (neutron's default rules) and rpcapi (the seam
// through which Nova allocates, binds and releases ports).
package network
