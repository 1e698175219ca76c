// Package hoststate is the scheduler's in-memory view of one compute node
// while it places a request: the node's inventory and usage read from
// placement, the availability zone of its service, and the resources
// consumed by the instances of the same request already placed on it.
package hoststate
