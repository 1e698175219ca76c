package manager

import (
	"context"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// reimage serves reimage (a cast): cinder's manager reimage. The volume
// (status downloading, set by the API with the status to return to in
// previous_status) gets the image's data the way a volume made from the
// image does (an RBD clone of the image's snapshot, else a download
// converted to raw), at its own size; its volume_image_metadata become
// the image's, and it returns to its previous status. A reserved volume
// is a server's root volume being rebuilt: Nova hears volume-reimaged for
// the server. On failure the volume is in error, with a user message.
func (m *Manager) reimage(ctx context.Context, a rpcapi.Reimage) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "downloading" {
		return struct{}{}, nil // a redelivery of finished work
	}
	back := "available"
	if v.PreviousStatus != nil && *v.PreviousStatus != "" {
		back = *v.PreviousStatus
	}
	meta, err := m.writeImage(ctx, v, a.ImageID)
	if err != nil {
		m.log.Error("reimage failed", "volume", v.ID, "image", a.ImageID, "err", err)
		m.message(ctx, v.ProjectID, v.ID, message.ActionReimage, detailOf(err))
		prev := ptr("downloading")
		if _, uerr := m.db.UpdateVolume(ctx, v.ID, []string{"downloading"}, store.VolumeUpdate{Status: ptr("error"), PreviousStatus: &prev}); uerr != nil {
			m.log.Error("cannot record volume status", "volume", v.ID, "err", uerr)
		}
		if back == "reserved" {
			m.notifyReimaged(ctx, v, true)
		}
		return struct{}{}, nil
	}
	none := (*string)(nil)
	if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"downloading"}, store.VolumeUpdate{Status: &back, PreviousStatus: &none, ImageMetadata: meta}); err != nil {
		m.log.Warn("volume reimaged but its record changed meanwhile", "volume", v.ID, "err", err)
		return struct{}{}, nil
	}
	m.log.Info("volume reimaged", "volume", v.ID, "image", a.ImageID)
	if back == "reserved" {
		m.notifyReimaged(ctx, v, false)
	}
	return struct{}{}, nil
}

// writeImage replaces the volume's data with the image's: the backend's
// volume is removed and made again from the image, at the volume's size.
// A volume with snapshots keeps them, so it cannot be reimaged (upstream's
// RBD driver finds it busy).
func (m *Manager) writeImage(ctx context.Context, v store.Volume, imageID string) (map[string]string, error) {
	d, err := m.driver()
	if err != nil {
		return nil, err
	}
	snaps, err := m.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID}, nil, "", 0)
	if err != nil {
		return nil, err
	}
	if len(snaps) > 0 {
		return nil, fault.New(fault.Conflict, "Volume %s has %d snapshots: it cannot be reimaged.", v.ID, len(snaps))
	}
	if err := d.DeleteVolume(ctx, v.ID); err != nil {
		return nil, err
	}
	v.ImageID = &imageID
	meta, err := m.createFromImage(ctx, d, v)
	if err != nil {
		return nil, err
	}
	// The new image has no metadata: the type's back-end QoS again, as
	// upstream's copy_image_to_volume (_setup_volume) does.
	return meta, m.applyQoS(ctx, d, v.ID, v.TypeID)
}

// notifyReimaged tells Nova the reimage of a reserved volume ended, for
// each server it is attached to (cinder's reimage_volume); a failure to
// reach Nova is a user message.
func (m *Manager) notifyReimaged(ctx context.Context, v store.Volume, failed bool) {
	if m.nova == nil {
		return
	}
	atts, err := m.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}})
	if err != nil {
		m.log.Error("cannot list the attachments of a reimaged volume", "volume", v.ID, "err", err)
		return
	}
	var servers []string
	for _, at := range atts {
		if at.InstanceUUID != nil {
			servers = append(servers, *at.InstanceUUID)
		}
	}
	if err := m.nova.VolumeReimaged(ctx, v.ID, servers, failed); err != nil {
		m.log.Error("cannot tell Nova about the reimaged volume", "volume", v.ID, "err", err)
		m.message(ctx, v.ProjectID, v.ID, message.ActionReimage, message.DetailReimageFailed)
	}
}
