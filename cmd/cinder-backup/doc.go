// Command cinder-backup serves volume backups of this host.
//
//	cinder-backup [--config-file F]...
//
// It consumes cinder-backup.<host> on [DEFAULT] transport_url and stores
// backups in the RBD pool [DEFAULT] backup_ceph_pool as backup_ceph_user;
// volumes are read and restored as the rbd_user of their backend section.
package main
