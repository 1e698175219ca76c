// Package cephbackup is cinder-backup's RBD driver, as upstream's
// CephBackupDriver between two RBD pools: a full backup is a new image
// volume-<vol>.backup.<backup> in the backup pool holding a copy of a
// snapshot of the volume; an incremental one writes only the extents that
// changed since its parent's source snapshot into the parent's image; each
// backup is a snapshot backup.<id>.snap.<ms> of that image. The volume is
// read as the backend's rbd_user (client.cinder) and the backup pool
// written as backup_ceph_user (client.cinder-backup).
package cephbackup
