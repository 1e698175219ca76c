// Package driver is the boundary between Cinder's volume manager and a
// storage backend: a small Driver interface for what every backend does
// (create, clone, snapshot, extend, delete, export, connect) and the
// backend's configuration section (volume_backend_name and friends). The
// RBD implementation is in driver/rbd.
package driver
