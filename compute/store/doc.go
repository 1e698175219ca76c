// Package store keeps nova's compute tables in PostgreSQL: flavors with
// their extra specs and project access, keypairs, quotas and quota
// classes, instances (with their flavor copy, metadata and tags), block
// device mappings, instance actions with their events, and instance
// faults. nova-api and nova-conductor use it; compute hosts never do.
//
// Errors are services/fault kinds with upstream's messages (FlavorNotFound,
// InstanceNotFound, UnexpectedTaskStateError...), so the API can render
// them as they are.
package store
