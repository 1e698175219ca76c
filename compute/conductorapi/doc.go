// Package conductorapi is the RPC contract of nova-conductor (topic
// "conductor"): the message types and a typed Client. nova-api casts
// build_instances to it; nova-compute calls it for everything it needs from
// the database, which compute hosts never reach directly: instance updates
// (with nova's expected task_state check), instance action events, faults,
// compute node reports, the instances on a host, instance destruction and
// the service heartbeat.
//
// Method names copy nova's conductor and objects indirection API so readers
// can look them up upstream; methods upstream does not have (compute node
// reports, service heartbeats) are named after what they do.
package conductorapi
