package manager

import (
	"context"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// manager returns the driver as a driver.Manager, or an error when the
// driver is down or cannot manage existing storage.
func (m *Manager) manager() (driver.Manager, error) {
	d, err := m.driver()
	if err != nil {
		return nil, err
	}
	dm, ok := d.(driver.Manager)
	if !ok {
		return nil, fault.New(fault.NotImplemented, "The volume driver cannot manage existing volumes.")
	}
	return dm, nil
}

// manageExisting serves manage_existing (a cast): cinder's manager flow
// manage_existing. The API made the row (status managing, size 0); the
// driver measures the storage (GiB rounded up) and takes it (RBD: renames
// the image volume-<id>); the volume becomes available with that size, so
// it counts in the project's gigabytes from then on. Any failure leaves the
// volume in error_managing, as upstream, with a user message.
func (m *Manager) manageExisting(ctx context.Context, a rpcapi.ManageExisting) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "managing" {
		return struct{}{}, nil // a redelivery of finished work
	}
	failed := func(err error) (struct{}, error) {
		m.log.Error("manage existing volume failed", "volume", v.ID, "ref", a.Ref, "err", err)
		m.message(ctx, v.ProjectID, v.ID, message.ActionCreateFromBackend, detailOf(err))
		if _, uerr := m.db.UpdateVolume(ctx, v.ID, []string{"managing"}, store.VolumeUpdate{Status: ptr("error_managing")}); uerr != nil {
			m.log.Error("cannot record volume status", "volume", v.ID, "err", uerr)
		}
		return struct{}{}, nil
	}
	dm, err := m.manager()
	if err != nil {
		return failed(err)
	}
	size, err := dm.ManageSize(ctx, a.Ref)
	if err != nil {
		// A redelivery after the rename: the image has its new name.
		if size2, err2 := dm.ManageSize(ctx, "volume-"+v.ID); err2 == nil && a.Ref != "volume-"+v.ID {
			size, err = size2, nil
		}
	}
	if err != nil {
		return failed(err)
	}
	if err := dm.Manage(ctx, v.ID, a.Ref); err != nil {
		return failed(err)
	}
	if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"managing"}, store.VolumeUpdate{
		Status: ptr("available"), Size: &size, Launched: true}); err != nil {
		m.log.Warn("volume managed but its record changed meanwhile", "volume", v.ID, "err", err)
		return struct{}{}, nil
	}
	m.log.Info("existing volume managed", "volume", v.ID, "ref", a.Ref, "size", size)
	return struct{}{}, nil
}

// getManageableVolumes serves get_manageable_volumes (a call): the
// backend's volumes, each judged as upstream's RBD driver does: a Cinder
// volume of this backend is not safe ("already managed", with its id), nor
// one in use ("volume in use"), nor a deleted volume's remains ("volume
// marked as deleted"). The API sorts and pages.
func (m *Manager) getManageableVolumes(ctx context.Context, _ struct{}) ([]rpcapi.ManageableVolume, error) {
	dm, err := m.manager()
	if err != nil {
		return nil, err
	}
	list, err := dm.ManageableVolumes(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := m.db.ListVolumes(ctx, store.VolumeFilter{Host: m.cfg.Host}, nil, "", 0)
	if err != nil {
		return nil, err
	}
	ours := make(map[string]bool, len(mine))
	for _, v := range mine {
		ours[v.ID] = true
	}
	out := make([]rpcapi.ManageableVolume, 0, len(list))
	for _, b := range list {
		e := rpcapi.ManageableVolume{Reference: map[string]string{"source-name": b.Ref}, Size: b.SizeGB, SafeToManage: true}
		switch {
		case b.VolumeID != "" && ours[b.VolumeID]:
			e.SafeToManage, e.ReasonNotSafe, e.CinderID = false, ptr("already managed"), ptr(b.VolumeID)
		case b.InUse:
			e.SafeToManage, e.ReasonNotSafe = false, ptr("volume in use")
		case b.Deleted:
			e.SafeToManage, e.ReasonNotSafe = false, ptr("volume marked as deleted")
		}
		out = append(out, e)
	}
	return out, nil
}

// unmanageVolume serves the unmanage of a volume (status unmanaging):
// cinder's delete_volume with unmanage_only. The driver keeps the storage
// (upstream's RBD unmanage does nothing); the row goes, and with it the
// volume's share of the project's quota.
func (m *Manager) unmanageVolume(ctx context.Context, a rpcapi.VolumeRef) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "unmanaging" {
		return struct{}{}, nil
	}
	if _, err := m.manager(); err != nil {
		m.log.Error("cannot unmanage volume", "volume", v.ID, "err", err)
		m.setStatus(ctx, v.ID, "error_unmanaging")
		return struct{}{}, nil
	}
	defer m.settleGroup(ctx, v.GroupID)
	if err := m.db.DeleteVolume(ctx, v.ID); err != nil {
		return struct{}{}, err
	}
	m.log.Info("volume unmanaged", "volume", v.ID)
	return struct{}{}, nil
}
