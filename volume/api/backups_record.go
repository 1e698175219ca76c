package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/volume/store"
)

// backupRecord is what export_record encodes (base64 JSON, as upstream's
// Backup.encode_record) and import_record reads back.
type backupRecord struct {
	ID               string            `json:"id"`
	VolumeID         string            `json:"volume_id"`
	SnapshotID       *string           `json:"snapshot_id"`
	DisplayName      *string           `json:"display_name"`
	Description      *string           `json:"display_description"`
	Container        *string           `json:"container"`
	ParentID         *string           `json:"parent_id"`
	Size             int               `json:"size"`
	Service          *string           `json:"service"`
	ServiceMetadata  *string           `json:"service_metadata"`
	AvailabilityZone *string           `json:"availability_zone"`
	DataTimestamp    time.Time         `json:"data_timestamp"`
	ObjectCount      int               `json:"object_count"`
	Metadata         map[string]string `json:"metadata"`
}

const backupService = "cinder.backup.drivers.ceph.CephBackupDriver"

// exportBackup is GET /backups/{id}/export_record (admin).
func (a *API) exportBackup(w http.ResponseWriter, r *http.Request) {
	_, b, ok := a.backupFor(w, r, "backup:export-import")
	if !ok {
		return
	}
	if b.Status != "available" {
		fail(w, r, fault.New(fault.Invalid, "Invalid backup: Backup status must be available and not %s.", b.Status))
		return
	}
	rec := backupRecord{ID: b.ID, VolumeID: b.VolumeID, SnapshotID: b.SnapshotID, DisplayName: b.Name,
		Description: b.Description, Container: b.Container, ParentID: b.ParentID, Size: b.Size, Service: b.Service,
		ServiceMetadata: b.ServiceMetadata, AvailabilityZone: b.AvailabilityZone, DataTimestamp: b.DataTimestamp,
		ObjectCount: b.ObjectCount, Metadata: b.Metadata}
	service := backupService
	if b.Service != nil && *b.Service != "" {
		service = *b.Service
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"backup-record": map[string]any{
		"backup_service": service, "backup_url": base64.StdEncoding.EncodeToString(mustJSON(rec))}})
}

// importBackup is POST /backups/import_record (admin): the record becomes
// a backup of the caller's project, available once cinder-backup finds its
// data in the backup pool.
func (a *API) importBackup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Service *string `json:"backup_service"`
		URL     *string `json:"backup_url"`
	}
	if err := decode(r, "backup-record", &req); err != nil {
		fail(w, r, err)
		return
	}
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, "backup:backup-import", "")
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	if req.Service == nil || req.URL == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute backup-record. 'backup_service' and 'backup_url' are required properties"))
		return
	}
	if !strings.HasPrefix(*req.Service, "cinder.backup.drivers.ceph") {
		fail(w, r, fault.New(fault.Invalid, "Invalid input received: Unsupported backup service %s; only %s is served.", *req.Service, backupService))
		return
	}
	raw, err := base64.StdEncoding.DecodeString(*req.URL)
	var rec backupRecord
	if err == nil {
		err = json.Unmarshal(raw, &rec)
	}
	if err != nil || !store.IsUUID(rec.ID) || !store.IsUUID(rec.VolumeID) || rec.Size < 1 {
		fail(w, r, fault.New(fault.Invalid, "Invalid input received: Can't parse backup record."))
		return
	}
	ctx := r.Context()
	if _, err := a.db.GetBackup(ctx, rec.ID); err == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid backup: Backup already exists in database."))
		return
	}
	if rec.ParentID != nil {
		if _, err := a.db.GetBackup(ctx, *rec.ParentID); err != nil {
			rec.ParentID = nil
		}
	}
	host, err := a.backupHost(ctx, deref(rec.AvailabilityZone), "")
	if err != nil {
		fail(w, r, err)
		return
	}
	b := store.Backup{ID: rec.ID, VolumeID: rec.VolumeID, SnapshotID: rec.SnapshotID, ProjectID: c.project(),
		UserID: c.user(), Host: host, AvailabilityZone: rec.AvailabilityZone, Name: rec.DisplayName,
		Description: rec.Description, Container: rec.Container, ParentID: rec.ParentID, Status: "creating",
		Service: strPtr(backupService), Size: rec.Size, DataTimestamp: rec.DataTimestamp, Metadata: rec.Metadata}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, b.ProjectID); err != nil {
			return err
		}
		if err := a.checkBackupQuota(ctx, tx, b.ProjectID, b.Size); err != nil {
			return err
		}
		created, err := tx.CreateBackup(ctx, b)
		if err != nil {
			return err
		}
		meta := deref(rec.ServiceMetadata)
		b, err = tx.UpdateBackup(ctx, created.ID, nil, store.BackupUpdate{ServiceMetadata: &meta})
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.rpc.ImportRecord(auth.WithRPC(ctx), host, b.ID); err != nil {
		st, why := "error", strPtr("The backup service is unavailable.")
		_, _ = a.db.UpdateBackup(ctx, b.ID, nil, store.BackupUpdate{Status: &st, FailReason: &why})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The backup service is unavailable."))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"backup": backupSummary(r, b)})
}
