// Package manager is cinder-volume's per-backend volume manager: it serves
// the RPC methods of its backend's queue (cinder-volume.<host>@<backend>),
// drives the backend's Driver, records each outcome in the database
// (status, user messages on failure, the status of the group or group
// snapshot the volume or snapshot belongs to), reports capabilities to
// the schedulers, heartbeats through servicegroup, and on start recovers
// the volumes, snapshots, groups and group snapshots a crash left in
// transient states.
package manager
