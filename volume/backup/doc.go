// Package backup is cinder-backup's manager: it serves create_backup,
// delete_backup and restore_backup over RPC (topic cinder-backup, server
// the host name), drives a backup Driver, keeps the backup, volume and
// snapshot statuses, records user messages for failures, heartbeats its
// service record, and on start recovers work a restart interrupted.
package backup
