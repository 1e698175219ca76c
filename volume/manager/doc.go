// Package manager is cinder-volume's per-backend volume manager: it serves
// the RPC methods of its backend's queue (cinder-volume.<host>@<backend>),
// drives the backend's Driver, records each outcome in the database
// (status, user messages on failure), reports capabilities to the
// schedulers, heartbeats through servicegroup, and on start recovers the
// volumes and snapshots a crash left in transient states.
package manager
