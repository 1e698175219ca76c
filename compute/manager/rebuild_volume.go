package manager

import (
	"context"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// volumeReimager is Cinder's os-reimage (*volumeapi.Client has it).
type volumeReimager interface {
	Reimage(ctx context.Context, token, volumeID, imageID string, reserved bool) error
}

var _ volumeReimager = (*volumeapi.Client)(nil)

// rootVolume is the mapping of a volume-backed instance's root volume.
func rootVolume(bdms []objects.BlockDeviceMapping) (objects.BlockDeviceMapping, bool) {
	for _, b := range bdms {
		if b.IsRoot() && b.DestinationType == objects.DestinationVolume && b.VolumeID != "" {
			return b, true
		}
	}
	return objects.BlockDeviceMapping{}, false
}

// reimageRootVolume is nova's _rebuild_volume_backed_instance (2.93): the
// guest is powered off and its root volume detached from it; a new
// attachment for the instance keeps the volume reserved while the old one
// is deleted; Cinder writes the image over the volume (reimage_reserved)
// and this waits for its volume-reimaged event, [DEFAULT]
// reimage_timeout_per_gb seconds per GiB of the image. It returns the
// root mapping with its new attachment, which connectRootVolume connects.
func (m *Manager) reimageRootVolume(ctx context.Context, a computeapi.RebuildInstanceArgs) (objects.BlockDeviceMapping, error) {
	uuid := a.Instance.UUID
	root, ok := rootVolume(a.BDMs)
	if !ok {
		return root, fault.New(fault.Internal, "Unable to find root block device mapping for volume-backed instance.")
	}
	vols, att, err := m.volumeAbilities()
	if err != nil {
		return root, err
	}
	re, ok := vols.(volumeReimager)
	if !ok {
		return root, fault.New(fault.NotImplemented, "This compute host's block storage client cannot reimage volumes.")
	}
	token := volumeapi.TokenFrom(ctx)
	if err := m.driver.PowerOff(ctx, uuid, m.cfg.ShutdownTimeout); err != nil && fault.KindOf(err) != fault.NotFound {
		return root, err
	}
	// The new attachment first, so the volume stays reserved for the
	// instance once the old one is gone.
	at, err := vols.AttachmentCreate(ctx, token, root.VolumeID, uuid)
	if err != nil {
		return root, rebuildAborted(uuid, err)
	}
	undo := func(cause error) error {
		dctx, cancel := detached(ctx)
		defer cancel()
		if derr := vols.AttachmentDelete(dctx, token, at.ID); derr != nil {
			m.log.ErrorContext(ctx, "compute: could not delete a rebuild's new attachment", "instance", uuid, "attachment", at.ID, "error", derr)
		}
		return cause
	}
	if err := att.DetachVolume(ctx, uuid, root.VolumeID); err != nil && fault.KindOf(err) != fault.NotFound {
		return root, undo(err)
	}
	if err := m.saveBDM(ctx, conductorapi.BDMUpdate{InstanceUUID: uuid, UUID: root.UUID, AttachmentID: &at.ID}); err != nil {
		return root, undo(err)
	}
	old := root.AttachmentID
	root.AttachmentID = at.ID
	if old != "" {
		if err := vols.AttachmentDelete(ctx, token, old); err != nil {
			return root, rebuildAborted(uuid, err)
		}
	}
	gb := (a.Image.Size + 1<<30 - 1) >> 30
	timeout := m.cfg.ReimageTimeoutPerGB * time.Duration(max(gb, 1))
	w := m.events.prepare(uuid, "volume-reimaged", root.VolumeID)
	defer w.done()
	start := m.now()
	if err := re.Reimage(ctx, token, root.VolumeID, a.Image.ID, true); err != nil {
		return root, rebuildAborted(uuid, err)
	}
	if err := w.wait(ctx, timeout); err != nil {
		return root, rebuildAborted(uuid, err)
	}
	m.log.InfoContext(ctx, "compute: root volume reimaged", "instance", uuid, "volume", root.VolumeID, "image", a.Image.ID,
		"seconds", m.now().Sub(start).Seconds())
	return root, nil
}

// rebuildAborted is nova's BuildAbortException of a volume-backed
// rebuild, with the cause's message after nova's reason.
func rebuildAborted(uuid string, err error) error {
	return fault.Wrap(err, fault.KindOf(err), "Build of instance %s aborted: Failed to rebuild volume backed instance. %s", uuid, fault.MessageOf(err))
}

// connectRootVolume connects the reimaged root volume's new attachment on
// this host (nova's attach_block_devices on rebuild): Cinder gets the
// connector, the attachment is completed (the volume is in-use again),
// the mapping records the connection, and the volume goes back into the
// stopped guest's definition on its device.
func (m *Manager) connectRootVolume(ctx context.Context, uuid string, root objects.BlockDeviceMapping) error {
	vols, att, err := m.volumeAbilities()
	if err != nil {
		return err
	}
	token := volumeapi.TokenFrom(ctx)
	device := root.DeviceName
	if device == "" {
		device = "/dev/vda"
	}
	conn, info, err := m.connect(ctx, vols, token, root.AttachmentID, root.VolumeID, device)
	if err != nil {
		return err
	}
	conn.Bus = root.DiskBus
	if err := vols.AttachmentComplete(ctx, token, root.AttachmentID); err != nil {
		return err
	}
	if err := m.saveBDM(ctx, conductorapi.BDMUpdate{InstanceUUID: uuid, UUID: root.UUID, ConnectionInfo: &info}); err != nil {
		return err
	}
	_, err = att.AttachVolume(ctx, uuid, conn)
	return err
}
