package rpcapi

import (
	"context"

	"github.com/gostack/gostack/services/rpc"
)

// Backup manager methods (topic cinder-backup, server = the backup host).
const (
	MethodCreateBackup  = "create_backup"
	MethodDeleteBackup  = "delete_backup"
	MethodRestoreBackup = "restore_backup"
)

// BackupRef names a backup.
type BackupRef struct {
	BackupID string `json:"backup_id"`
}

// RestoreBackup is the argument of restore_backup.
type RestoreBackup struct {
	BackupID    string `json:"backup_id"`
	VolumeID    string `json:"volume_id"`
	VolumeIsNew bool   `json:"volume_is_new"`
}

func backupTarget(host string) rpc.Target {
	return rpc.Target{Exchange: Exchange, Topic: BackupTopic, Server: host}
}

// CreateBackup casts create_backup to the backup service on host.
func (c *Client) CreateBackup(ctx context.Context, host, id string) error {
	return c.c.Cast(ctx, backupTarget(host), MethodCreateBackup, BackupRef{BackupID: id})
}

// DeleteBackup casts delete_backup.
func (c *Client) DeleteBackup(ctx context.Context, host, id string) error {
	return c.c.Cast(ctx, backupTarget(host), MethodDeleteBackup, BackupRef{BackupID: id})
}

// RestoreBackup casts restore_backup.
func (c *Client) RestoreBackup(ctx context.Context, host, id, volumeID string, isNew bool) error {
	return c.c.Cast(ctx, backupTarget(host), MethodRestoreBackup, RestoreBackup{BackupID: id, VolumeID: volumeID, VolumeIsNew: isNew})
}

// MethodImportRecord checks an imported backup's data and makes it
// available.
const MethodImportRecord = "import_record"

// ImportRecord casts import_record.
func (c *Client) ImportRecord(ctx context.Context, host, id string) error {
	return c.c.Cast(ctx, backupTarget(host), MethodImportRecord, BackupRef{BackupID: id})
}
