package manager

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// Volumes is what nova-compute asks of the block storage service
// (*volumeapi.Client). A token "" means the service user's.
type Volumes interface {
	Create(ctx context.Context, token string, req volumeapi.CreateRequest) (volumeapi.Volume, error)
	Get(ctx context.Context, token, id string) (volumeapi.Volume, error)
	Delete(ctx context.Context, token, id string) error
	WaitAvailable(ctx context.Context, token, id string, timeout time.Duration) (volumeapi.Volume, error)
	AttachmentCreate(ctx context.Context, token, volumeID, instanceUUID string) (volumeapi.Attachment, error)
	AttachmentUpdate(ctx context.Context, token, id string, conn volumeapi.Connector) (volumeapi.Attachment, error)
	AttachmentComplete(ctx context.Context, token, id string) error
	AttachmentDelete(ctx context.Context, token, id string) error
}

var _ Volumes = (*volumeapi.Client)(nil)

// SetVolumeAPI gives the manager the block storage service: boot from
// volume, volume attach and detach, volume cleanup on delete.
func (m *Manager) SetVolumeAPI(v Volumes) { m.volumes = v }

// bdmUpdater is the conductor's block_device_mapping_update
// (*ConductorClient has it).
type bdmUpdater interface {
	BDMUpdate(ctx context.Context, u conductorapi.BDMUpdate) (objects.BlockDeviceMapping, error)
}

// BDMUpdate calls the conductor's block_device_mapping_update.
func (c *ConductorClient) BDMUpdate(ctx context.Context, u conductorapi.BDMUpdate) (objects.BlockDeviceMapping, error) {
	var out objects.BlockDeviceMapping
	err := c.call(ctx, conductorapi.MethodBDMUpdate, u, &out)
	return out, err
}

func (m *Manager) saveBDM(ctx context.Context, u conductorapi.BDMUpdate) error {
	up, ok := m.conductor.(bdmUpdater)
	if !ok {
		return fault.New(fault.NotImplemented, "This conductor cannot record block device mappings.")
	}
	_, err := up.BDMUpdate(ctx, u)
	return err
}

func (m *Manager) volumeAbilities() (Volumes, virt.VolumeAttacher, error) {
	if m.volumes == nil {
		return nil, nil, fault.New(fault.Unavailable, "This compute host has no block storage service configured ([keystone_authtoken] credentials to find Cinder).")
	}
	att, ok := m.driver.(virt.VolumeAttacher)
	if !ok {
		return nil, nil, fault.New(fault.NotImplemented, "This compute host's hypervisor driver cannot attach volumes.")
	}
	return m.volumes, att, nil
}

// connector is this host as Cinder sees it (os-brick's connector
// properties); mountpoint is the device in the guest.
func (m *Manager) connector(mountpoint string) volumeapi.Connector {
	return volumeapi.Connector{Host: m.cfg.Host, IP: m.cfg.HostIP, Mountpoint: mountpoint}
}

// connect gives Cinder the connector for an attachment and returns how to
// reach the volume, with the JSON connection_info to record.
func (m *Manager) connect(ctx context.Context, vols Volumes, token, attachmentID, volumeID, device string) (virt.VolumeConnection, string, error) {
	at, err := vols.AttachmentUpdate(ctx, token, attachmentID, m.connector(device))
	if err != nil {
		return virt.VolumeConnection{}, "", err
	}
	conn, err := virt.VolumeConnectionFrom(at.Driver(), at.Data())
	if err != nil {
		return virt.VolumeConnection{}, "", err
	}
	if conn.VolumeID == "" {
		conn.VolumeID = volumeID
	}
	conn.Device = device
	// A multiattach volume's disk is shareable; the flag is kept in the
	// recorded connection_info, as nova's, for later redefinitions.
	v, err := vols.Get(ctx, token, volumeID)
	if err != nil {
		return virt.VolumeConnection{}, "", err
	}
	if v.Multiattach {
		conn.Multiattach = true
		if at.ConnectionInfo == nil {
			at.ConnectionInfo = map[string]any{}
		}
		at.ConnectionInfo["multiattach"] = true
	}
	info, _ := json.Marshal(at.ConnectionInfo)
	return conn, string(info), nil
}

// attachVolume serves attach_volume (a call): nova's _attach_volume with
// the attachments API. The mapping's Cinder attachment is reserved by the
// API; this host names the device, gives Cinder its connector, plugs the
// volume into the guest (live and in its definition) and completes the
// attachment. On failure the guest is left without the volume; the API
// deletes the attachment and the mapping.
func (m *Manager) attachVolume(ctx context.Context, a computeapi.AttachVolumeArgs) (computeapi.AttachVolumeReply, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodAttachVolume)
	reply, err := m.doAttach(ctx, a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: volume attach failed", "instance", uuid, "volume", a.BDM.VolumeID, "error", err)
	}
	return reply, err
}

func (m *Manager) doAttach(ctx context.Context, a computeapi.AttachVolumeArgs) (computeapi.AttachVolumeReply, error) {
	vols, att, err := m.volumeAbilities()
	if err != nil {
		return computeapi.AttachVolumeReply{}, err
	}
	uuid := a.Instance.UUID
	token := volumeapi.TokenFrom(ctx)
	device := a.BDM.DeviceName
	if namer, ok := m.driver.(virt.VolumeDeviceNamer); ok {
		if device, err = namer.NextVolumeDevice(ctx, uuid, device, a.BDM.DiskBus); err != nil {
			return computeapi.AttachVolumeReply{}, err
		}
	}
	conn, info, err := m.connect(ctx, vols, token, a.BDM.AttachmentID, a.BDM.VolumeID, device)
	if err != nil {
		return computeapi.AttachVolumeReply{}, err
	}
	conn.Bus = a.BDM.DiskBus
	dev, err := att.AttachVolume(ctx, uuid, conn)
	if err != nil {
		return computeapi.AttachVolumeReply{}, err
	}
	if err := vols.AttachmentComplete(ctx, token, a.BDM.AttachmentID); err != nil {
		dctx, cancel := detached(ctx)
		defer cancel()
		if derr := att.DetachVolume(dctx, uuid, a.BDM.VolumeID); derr != nil {
			m.log.ErrorContext(ctx, "compute: could not unplug a volume whose attachment failed", "instance", uuid, "volume", a.BDM.VolumeID, "error", derr)
		}
		return computeapi.AttachVolumeReply{}, err
	}
	return computeapi.AttachVolumeReply{Device: dev, ConnectionInfo: info}, nil
}

// detachVolume serves detach_volume (a call): unplug the volume from the
// guest (waiting for a running guest to release it) and delete its Cinder
// attachment, so the volume becomes available.
func (m *Manager) detachVolume(ctx context.Context, a computeapi.DetachVolumeArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodDetachVolume)
	err := m.doDetach(ctx, a.Instance, a.BDM)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: volume detach failed", "instance", uuid, "volume", a.BDM.VolumeID, "error", err)
	}
	return Empty{}, err
}

func (m *Manager) doDetach(ctx context.Context, inst objects.Instance, bdm objects.BlockDeviceMapping) error {
	vols, att, err := m.volumeAbilities()
	if err != nil {
		return err
	}
	if err := att.DetachVolume(ctx, inst.UUID, bdm.VolumeID); err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	if bdm.AttachmentID != "" {
		return vols.AttachmentDelete(ctx, volumeapi.TokenFrom(ctx), bdm.AttachmentID)
	}
	return nil
}

// externalInstanceEvent serves external_instance_event (a cast): nova's
// external_instance_event. volume-extended tells a running guest its
// volume grew; the network events are accepted and have nothing to wake
// here.
func (m *Manager) externalInstanceEvent(ctx context.Context, a computeapi.ExternalInstanceEventArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	for _, inst := range a.Instances {
		for _, e := range a.Events[inst.UUID] {
			if m.events.pop(inst.UUID, e) { // a handler waits for it (event_waiters.go)
				continue
			}
			switch e.Name {
			case "volume-extended":
				m.extendVolume(ctx, inst, e.Tag)
			default:
				m.log.InfoContext(ctx, "compute: external event received", "instance", inst.UUID, "event", e.Name, "tag", e.Tag, "status", e.Status)
			}
		}
	}
	return Empty{}, nil
}

// extendVolume is nova's extend_volume: read the volume's new size from
// Cinder (as the service user: the event comes from Cinder, not the
// volume's owner) and resize the guest's disk.
func (m *Manager) extendVolume(ctx context.Context, inst objects.Instance, volumeID string) {
	uuid := inst.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, "extend_volume")
	err := func() error {
		vols, att, err := m.volumeAbilities()
		if err != nil {
			return err
		}
		v, err := vols.Get(ctx, "", volumeID)
		if err != nil {
			return err
		}
		return att.ExtendVolume(ctx, uuid, volumeID, int64(v.Size)<<30)
	}()
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: could not extend a volume in the guest", "instance", uuid, "volume", volumeID, "error", err)
		return
	}
	m.log.InfoContext(ctx, "compute: volume extended in the guest", "instance", uuid, "volume", volumeID)
}

// cleanupVolumes runs after the guest of a deleted instance is destroyed
// (nova's _cleanup_volumes): every volume's attachment is deleted and the
// volumes marked delete_on_termination are deleted. Failures are logged;
// they never stop the delete.
func (m *Manager) cleanupVolumes(ctx context.Context, uuid string, bdms []objects.BlockDeviceMapping) {
	if m.volumes == nil {
		return
	}
	token := volumeapi.TokenFrom(ctx)
	for _, b := range bdms {
		if b.DestinationType != objects.DestinationVolume || b.VolumeID == "" {
			continue
		}
		if b.AttachmentID != "" {
			if err := m.volumes.AttachmentDelete(ctx, token, b.AttachmentID); err != nil {
				m.log.ErrorContext(ctx, "compute: could not delete a volume attachment of a deleted instance", "instance", uuid, "volume", b.VolumeID, "error", err)
				continue
			}
		}
		if b.DeleteOnTermination {
			if err := m.deleteVolume(ctx, token, b.VolumeID); err != nil {
				m.log.ErrorContext(ctx, "compute: could not delete a volume of a deleted instance", "instance", uuid, "volume", b.VolumeID, "error", err)
				continue
			}
			m.log.InfoContext(ctx, "compute: volume deleted with its instance", "instance", uuid, "volume", b.VolumeID)
		}
	}
}

// deleteVolume deletes a volume once it is no longer attaching or
// detaching (Cinder refuses to delete it then).
func (m *Manager) deleteVolume(ctx context.Context, token, id string) error {
	deadline := m.now().Add(time.Minute)
	for {
		err := m.volumes.Delete(ctx, token, id)
		if err == nil || fault.KindOf(err) != fault.Invalid || m.now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
