package backup

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// Config is the manager's settings.
type Config struct {
	Host             string // [DEFAULT] host: the RPC server name and service host
	AvailabilityZone string
	ReportInterval   time.Duration
}

// Manager serves backups of one host.
type Manager struct {
	cfg Config
	db  *store.Store
	sg  *servicegroup.Store
	drv Driver
	log *slog.Logger
}

// New returns a manager.
func New(cfg Config, db *store.Store, sg *servicegroup.Store, drv Driver, log *slog.Logger) *Manager {
	if cfg.ReportInterval <= 0 {
		cfg.ReportInterval = 10 * time.Second
	}
	return &Manager{cfg: cfg, db: db, sg: sg, drv: drv, log: log}
}

// Register adds the manager's handlers to its RPC server.
func (m *Manager) Register(s *rpc.Server) {
	s.Register(rpcapi.MethodCreateBackup, rpc.Handle(m.createBackup))
	s.Register(rpcapi.MethodDeleteBackup, rpc.Handle(m.deleteBackup))
	s.Register(rpcapi.MethodRestoreBackup, rpc.Handle(m.restoreBackup))
	s.Register(rpcapi.MethodImportRecord, rpc.Handle(m.importRecord))
}

// importRecord makes an imported backup available once its data is found
// in the backup pool, else error.
func (m *Manager) importRecord(ctx context.Context, a rpcapi.BackupRef) (struct{}, error) {
	b, err := m.db.GetBackup(ctx, a.BackupID)
	if err != nil {
		return struct{}{}, err
	}
	if b.Status != "creating" {
		return struct{}{}, nil
	}
	rec, ok := ParseRecord(b.ServiceMetadata)
	if !ok {
		err = fault.New(fault.Invalid, "The imported backup record names no backup data.")
	} else {
		err = m.drv.Check(ctx, rec)
	}
	st := "available"
	u := store.BackupUpdate{Status: &st}
	if err != nil {
		m.log.Error("import of a backup record failed", "backup", b.ID, "err", err)
		st, why := "error", reason(err)
		u = store.BackupUpdate{Status: &st, FailReason: &why}
	}
	m.setBackup(ctx, b.ID, u)
	return struct{}{}, nil
}

// Run registers the service, recovers interrupted work and heartbeats
// until ctx ends.
func (m *Manager) Run(ctx context.Context) error {
	svc, err := m.sg.Register(ctx, servicegroup.Registration{Binary: "cinder-backup", Host: m.cfg.Host,
		Topic: rpcapi.BackupTopic, Zone: m.cfg.AvailabilityZone})
	if err != nil {
		return err
	}
	m.recover(ctx)
	m.sg.Heartbeat(ctx, svc.ID, m.cfg.ReportInterval, m.log)
	return nil
}

func backendOf(host string) string {
	_, b, _ := strings.Cut(rpcapi.BackendOf(host), "@")
	return b
}

func sourceOf(b store.Backup, volumeHost string) Source {
	return Source{VolumeID: b.VolumeID, Backend: backendOf(volumeHost), SnapshotID: deref(b.SnapshotID)}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// reason is the user-facing text of an error for fail_reason (255
// characters at most; the internal cause goes to the log only).
func reason(err error) *string {
	s := fault.MessageOf(err)
	if len(s) > 255 {
		s = s[:252] + "..."
	}
	return &s
}

func (m *Manager) message(ctx context.Context, project, backupID string, action, detail message.Field) {
	if err := message.Record(ctx, m.db, project, message.ResourceBackup, backupID, action, detail); err != nil {
		m.log.Error("cannot record user message", "err", err)
	}
}

// releaseSource returns the volume (or snapshot) to its status before the
// backup.
func (m *Manager) releaseSource(ctx context.Context, b store.Backup) {
	ctx = context.WithoutCancel(ctx)
	if b.SnapshotID != nil {
		st := "available"
		_, _ = m.db.UpdateSnapshot(ctx, *b.SnapshotID, []string{"backing-up"}, store.SnapshotUpdate{Status: &st})
		return
	}
	st := deref(b.PreviousStatus)
	if st == "" {
		st = "available"
	}
	if _, err := m.db.UpdateVolume(ctx, b.VolumeID, []string{"backing-up"}, store.VolumeUpdate{Status: &st}); err != nil &&
		fault.KindOf(err) != fault.NotFound {
		m.log.Warn("cannot return the volume to its status", "volume", b.VolumeID, "err", err)
	}
}

func (m *Manager) setBackup(ctx context.Context, id string, u store.BackupUpdate) {
	if _, err := m.db.UpdateBackup(context.WithoutCancel(ctx), id, nil, u); err != nil {
		m.log.Error("cannot record backup", "backup", id, "err", err)
	}
}

func (m *Manager) job(ctx context.Context, b store.Backup) (Job, error) {
	v, err := m.db.GetVolume(ctx, b.VolumeID)
	if err != nil {
		return Job{}, err
	}
	j := Job{BackupID: b.ID, Source: sourceOf(b, v.Host)}
	if b.ParentID != nil {
		p, err := m.db.GetBackup(ctx, *b.ParentID)
		if err != nil {
			return j, err
		}
		rec, ok := ParseRecord(p.ServiceMetadata)
		if !ok {
			return j, fault.New(fault.Invalid, "Parent backup %s holds no data.", p.ID)
		}
		j.Parent = &rec
	}
	return j, nil
}

func (m *Manager) createBackup(ctx context.Context, a rpcapi.BackupRef) (struct{}, error) {
	b, err := m.db.GetBackup(ctx, a.BackupID)
	if err != nil {
		return struct{}{}, err
	}
	if b.Status != "creating" {
		return struct{}{}, nil // a redelivery of finished work
	}
	start := time.Now()
	j, err := m.job(ctx, b)
	var rec Record
	if err == nil {
		rec, err = m.drv.Backup(ctx, j)
	}
	if v, verr := m.db.GetVolume(ctx, b.VolumeID); err == nil && verr == nil {
		rec.Bootable, rec.ImageMetadata = v.Bootable, v.ImageMetadata
	}
	m.releaseSource(ctx, b)
	if err != nil {
		m.log.Error("backup failed", "backup", b.ID, "volume", b.VolumeID, "err", err)
		m.message(ctx, b.ProjectID, b.ID, message.ActionBackupCreate, message.DetailBackupCreateDriverError)
		st, why := "error", reason(err)
		m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &st, FailReason: &why})
		return struct{}{}, nil
	}
	st, meta, container, zero := "available", rec.String(), m.drv.Container(), 0
	var noReason *string
	m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &st, ServiceMetadata: &meta, Container: &container,
		ObjectCount: &zero, FailReason: &noReason})
	m.log.Info("backup created", "backup", b.ID, "volume", b.VolumeID, "incremental", j.Parent != nil,
		"size_gb", b.Size, "seconds", time.Since(start).Seconds())
	return struct{}{}, nil
}

func (m *Manager) deleteBackup(ctx context.Context, a rpcapi.BackupRef) (struct{}, error) {
	b, err := m.db.GetBackup(ctx, a.BackupID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if rec, ok := ParseRecord(b.ServiceMetadata); ok {
		src := Source{VolumeID: b.VolumeID}
		if v, err := m.db.GetVolume(ctx, b.VolumeID); err == nil {
			src = sourceOf(b, v.Host)
		}
		if err := m.drv.Delete(ctx, rec, b.ParentID == nil, src); err != nil {
			m.log.Error("delete backup failed", "backup", b.ID, "err", err)
			m.message(ctx, b.ProjectID, b.ID, message.ActionBackupDelete, message.DetailBackupDeleteDriverError)
			st, why := "error_deleting", reason(err)
			m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &st, FailReason: &why})
			return struct{}{}, nil
		}
	}
	if err := m.db.DeleteBackup(ctx, b.ID); err != nil {
		return struct{}{}, err
	}
	m.log.Info("backup deleted", "backup", b.ID)
	return struct{}{}, nil
}

func (m *Manager) restoreBackup(ctx context.Context, a rpcapi.RestoreBackup) (struct{}, error) {
	b, err := m.db.GetBackup(ctx, a.BackupID)
	if err != nil {
		return struct{}{}, err
	}
	if b.Status != "restoring" {
		return struct{}{}, nil
	}
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err == nil {
		rec, ok := ParseRecord(b.ServiceMetadata)
		if !ok {
			err = fault.New(fault.Invalid, "Backup %s holds no data.", b.ID)
		} else {
			err = m.drv.Restore(ctx, rec, Target{VolumeID: v.ID, Backend: backendOf(v.Host)}, b.Size)
		}
	}
	avail := "available"
	m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &avail})
	if err != nil {
		m.log.Error("restore failed", "backup", b.ID, "volume", a.VolumeID, "err", err)
		m.message(ctx, b.ProjectID, b.ID, message.ActionBackupRestore, message.DetailBackupRestoreError)
		st := "error_restoring"
		_, _ = m.db.UpdateVolume(context.WithoutCancel(ctx), a.VolumeID, nil, store.VolumeUpdate{Status: &st})
		return struct{}{}, nil
	}
	rec, _ := ParseRecord(b.ServiceMetadata)
	up := store.VolumeUpdate{Status: &avail, ImageMetadata: rec.ImageMetadata}
	if rec.Bootable {
		up.Bootable = &rec.Bootable
	}
	if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"restoring-backup"}, up); err != nil {
		m.log.Warn("volume restored but its record changed meanwhile", "volume", v.ID, "err", err)
	}
	m.log.Info("backup restored", "backup", b.ID, "volume", v.ID)
	return struct{}{}, nil
}

// recover is upstream's _cleanup_incomplete_backup_operations for this
// host: creating goes to error (its leftovers removed, the volume back to
// its status), restoring back to available (the volume to
// error_restoring), deleting is deleted again.
func (m *Manager) recover(ctx context.Context) {
	bs, err := m.db.ListBackups(ctx, store.BackupFilter{Host: m.cfg.Host,
		Statuses: []string{"creating", "restoring", "deleting"}}, nil, "", 0, 0)
	if err != nil {
		m.log.Error("recovery: cannot list backups", "err", err)
		return
	}
	for _, b := range bs {
		switch b.Status {
		case "creating":
			m.log.Warn("recovery: backup was being created when the service stopped; marking it error", "backup", b.ID)
			if j, err := m.job(ctx, b); err == nil {
				if err := m.drv.Abandon(ctx, j); err != nil {
					m.log.Error("recovery: cannot remove what the backup left", "backup", b.ID, "err", err)
				}
			}
			m.releaseSource(ctx, b)
			m.message(ctx, b.ProjectID, b.ID, message.ActionBackupCreate, message.DetailBackupCreateDriverError)
			st, why := "error", reason(fault.New(fault.Unavailable, "cinder-backup restarted while the backup was being created; create the backup again."))
			m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &st, FailReason: &why})
		case "restoring":
			st := "available"
			m.setBackup(ctx, b.ID, store.BackupUpdate{Status: &st})
			if b.RestoreVolumeID != nil {
				e := "error_restoring"
				_, _ = m.db.UpdateVolume(ctx, *b.RestoreVolumeID, []string{"restoring-backup"}, store.VolumeUpdate{Status: &e})
			}
		case "deleting":
			go func(id string) { _, _ = m.deleteBackup(ctx, rpcapi.BackupRef{BackupID: id}) }(b.ID)
		}
	}
}
