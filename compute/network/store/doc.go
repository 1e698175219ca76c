// Package store keeps the network service's tables in PostgreSQL:
// networks, subnets and their allocation pools, ports and their fixed
// IPs, security groups and rules, and quota overrides. Address and MAC
// allocation happens here, in one transaction per port, under a row lock
// on the subnet and unique keys that no concurrent create can get past.
package store
