// Package rpcapi is the RPC contract between Cinder's daemons: topics,
// method names (upstream's: create_volume, delete_volume,
// update_service_capabilities, ...) and argument types, with thin clients
// for cinder-api and cinder-scheduler to cast to the scheduler and to one
// backend's volume manager.
package rpcapi
