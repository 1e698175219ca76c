// Package placement keeps the scheduler's view of resources in the nova
// database: compute nodes with their inventory (reported by nova-compute
// through the conductor), and allocations, the resources each instance
// claims on its node. It does the job of upstream's placement service for
// one resource provider per compute node and the resource classes VCPU,
// MEMORY_MB and DISK_GB.
//
// A claim runs in one transaction that locks the node's row (SELECT ... FOR
// UPDATE), sums the node's allocations and inserts the new one only if it
// fits the node's capacity, (total - reserved) * allocation_ratio, as
// placement computes it. Concurrent claims on one node therefore serialize
// and never overcommit it; claims on different nodes do not wait for each
// other.
//
// Usage is not stored: it is the sum of a node's allocations, computed when
// read, so a released claim can never leave a stale counter. The read
// functions (List, Get, Statistics) are what os-hypervisors shows.
package placement
