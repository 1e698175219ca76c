// Package ipam is the pure arithmetic of address management: parsing and
// checking IPv4 subnets and allocation pools, choosing a free address,
// and generating MAC addresses under neutron's base_mac. The store makes
// the choices durable and unique.
package ipam
