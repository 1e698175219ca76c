// Package rbd is Cinder's RBD volume driver over services/ceph: volume
// `volume-<id>` in the backend's pool, snapshots `snapshot-<id>` on it,
// copy-on-write clones from Glance images in the same cluster
// (images/<id>@snap) and from snapshots, snapshot+clone for volume clones
// (flattened past rbd_max_clone_depth), and RBD connection info for
// libvirt, and migration to another backend of the same cluster
// (migrate.go), as upstream's cinder/volume/drivers/rbd.py.
package rbd
