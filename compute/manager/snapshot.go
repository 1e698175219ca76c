package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// Task states of a snapshot beyond objects' (nova's task_states).
const (
	TaskImagePendingUpload = "image_pending_upload"
	// DefaultImagePool is Glance's RBD pool when the API names none.
	DefaultImagePool = "images"
)

// imageRemover removes an image a direct snapshot made (the libvirt
// driver's RemoveImage), when Glance would not take it.
type imageRemover interface {
	RemoveImage(ctx context.Context, pool, imageID string) error
}

// snapshotInstance serves snapshot_instance (createImage of an
// image-backed server): nova's _snapshot_instance with the libvirt
// driver's direct snapshot. task_state image_snapshot ->
// image_pending_upload -> image_uploading -> None; the Glance image gets
// the copy's location and becomes active. A failure deletes the image
// (and any copy), clears the task and records a fault.
func (m *Manager) snapshotInstance(ctx context.Context, a computeapi.SnapshotInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodSnapshotInstance)
	err := m.snapshot(ctx, a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: snapshot failed", "instance", uuid, "image", a.ImageID, "error", err)
		if !deletedMeanwhile(err) {
			m.recordFault(ctx, uuid, err)
		}
		m.revertTask(ctx, uuid)
		m.deleteImageQuietly(ctx, a.ImageID)
	}
	return Empty{}, nil
}

func (m *Manager) snapshot(ctx context.Context, a computeapi.SnapshotInstanceArgs) error {
	uuid := a.Instance.UUID
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskImagePendingUpload)}, objects.TaskImageSnapshot, TaskImageBackup); err != nil {
		return err
	}
	loc, err := m.directSnapshot(ctx, uuid, a.ImageID, a.Pool, func() error {
		_, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(objects.TaskImageUploading)}, TaskImagePendingUpload)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(objects.TaskNone)}, objects.TaskImageUploading); err != nil {
		return err
	}
	m.log.InfoContext(ctx, "compute: instance snapshotted", "instance", uuid, "image", a.ImageID, "location", loc)
	if a.Rotation != nil {
		m.rotateBackups(ctx, uuid, a.BackupType, *a.Rotation)
	}
	return nil
}

// TaskImageBackup is the task_state of createBackup.
const TaskImageBackup = "image_backup"

// backupLister lists an instance's backups (GlanceImages.Backups).
type backupLister interface {
	Backups(ctx context.Context, instanceUUID, backupType string) ([]string, error)
}

// rotateBackups deletes the instance's backups of backupType beyond the
// rotation newest (nova's _rotate_backups); a failure is logged.
func (m *Manager) rotateBackups(ctx context.Context, uuid, backupType string, rotation int) {
	bl, ok := m.life.images.(backupLister)
	if !ok {
		return
	}
	ids, err := bl.Backups(ctx, uuid, backupType)
	if err != nil {
		m.log.ErrorContext(ctx, "compute: could not list backups to rotate", "instance", uuid, "error", err)
		return
	}
	for i := rotation; i < len(ids); i++ {
		if err := m.life.images.Delete(ctx, ids[i]); err != nil {
			m.log.ErrorContext(ctx, "compute: could not delete a rotated backup", "instance", uuid, "image", ids[i], "error", err)
			continue
		}
		m.log.InfoContext(ctx, "compute: backup rotated out", "instance", uuid, "image", ids[i], "backup_type", backupType)
	}
}

// directSnapshot copies the root disk into pool as imageID and registers
// it in Glance; between the two it calls uploading. A failure removes the
// copy (the Glance record is the caller's).
func (m *Manager) directSnapshot(ctx context.Context, uuid, imageID, pool string, uploading func() error) (string, error) {
	snap, ok := m.driver.(virt.Snapshotter)
	if !ok {
		return "", fault.New(fault.Invalid, "The hypervisor of host %s cannot snapshot instances.", m.cfg.Host)
	}
	if m.life.images == nil {
		return "", fault.New(fault.Unavailable, "nova-compute on %s has no image service to store the snapshot in.", m.cfg.Host)
	}
	if pool == "" {
		pool = DefaultImagePool
	}
	loc, err := snap.DirectSnapshot(ctx, uuid, imageID, pool)
	if err != nil {
		return "", err
	}
	if uploading != nil {
		err = uploading()
	}
	if err == nil {
		err = m.life.images.AddLocation(ctx, imageID, loc)
	}
	if err != nil {
		if r, ok := m.driver.(imageRemover); ok {
			dctx, cancel := detached(ctx)
			if rerr := r.RemoveImage(dctx, pool, imageID); rerr != nil {
				m.log.ErrorContext(ctx, "compute: could not remove a snapshot's copy", "image", imageID, "pool", pool, "error", rerr)
			}
			cancel()
		}
		return "", err
	}
	return loc, nil
}

// deleteImageQuietly deletes a Glance image, logging a failure.
func (m *Manager) deleteImageQuietly(ctx context.Context, imageID string) {
	if m.life.images == nil || imageID == "" {
		return
	}
	dctx, cancel := detached(ctx)
	defer cancel()
	if err := m.life.images.Delete(dctx, imageID); err != nil {
		m.log.ErrorContext(ctx, "compute: could not delete an image", "image", imageID, "error", err)
	}
}
