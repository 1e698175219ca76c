// Package objects holds the plain Go types that nova's daemons pass to each
// other and keep in the database: an Instance (a "server" in the API; this
// package and the rest of compute say instance), its Flavor copy, its
// BlockDeviceMappings, InstanceActions with their events, and Faults; plus
// nova's vm_state, task_state and power_state vocabularies and the status
// the API derives from them.
//
// The types carry no behaviour beyond pure helpers and travel as JSON over
// services/rpc (field names in snake_case, as nova's objects are named), so
// a compute host gets everything it needs in one message and never reads
// the database.
package objects
