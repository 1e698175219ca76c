// Package store keeps Cinder's records in its PostgreSQL database: volumes,
// snapshots, volume types with their extra specs and access lists, quota
// limits and user messages (migrations/cinder). Every daemon of the
// service that touches the database goes through it: cinder-api, the
// scheduler (which records the chosen host) and the volume manager (which
// records the outcome of driver operations), as upstream's cinder.db does.
package store
