package manager

import (
	"context"
	"strings"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/volumeapi"
)

// moveAttachmentsHere gives each volume of a guest that now runs on this
// host (live migration, evacuation) a Cinder attachment with this host's
// connector, as nova does for moves: a new attachment for the instance,
// connected and completed, the mapping switched to it, the old one
// deleted. Cinder then shows the volume attached on this host. The guest
// already runs with its disks, so a failure is logged and that volume
// keeps its old attachment.
func (m *Manager) moveAttachmentsHere(ctx context.Context, inst objects.Instance, bdms []objects.BlockDeviceMapping) {
	if m.volumes == nil {
		return
	}
	vols, token := m.volumes, volumeapi.TokenFrom(ctx)
	for _, b := range bdms {
		if b.DestinationType != objects.DestinationVolume || b.VolumeID == "" || b.AttachmentID == "" {
			continue
		}
		at, err := vols.AttachmentCreate(ctx, token, b.VolumeID, inst.UUID)
		if err != nil {
			m.log.ErrorContext(ctx, "compute: could not attach a moved guest's volume on this host", "instance", inst.UUID, "volume", b.VolumeID, "error", err)
			continue
		}
		_, info, err := m.connect(ctx, vols, token, at.ID, b.VolumeID, b.DeviceName)
		if err == nil {
			err = vols.AttachmentComplete(ctx, token, at.ID)
		}
		if err == nil {
			err = m.saveBDM(ctx, conductorapi.BDMUpdate{InstanceUUID: inst.UUID, UUID: b.UUID, AttachmentID: &at.ID, ConnectionInfo: &info})
		}
		if err != nil {
			m.log.ErrorContext(ctx, "compute: could not attach a moved guest's volume on this host", "instance", inst.UUID, "volume", b.VolumeID, "error", err)
			if derr := vols.AttachmentDelete(ctx, token, at.ID); derr != nil {
				m.log.ErrorContext(ctx, "compute: could not delete an unused attachment", "attachment", at.ID, "error", derr)
			}
			continue
		}
		if err := vols.AttachmentDelete(ctx, token, b.AttachmentID); err != nil {
			m.log.ErrorContext(ctx, "compute: could not delete a moved volume's old attachment", "attachment", b.AttachmentID, "error", err)
		}
	}
}

// connectVolumesHere gives this host's connector to the existing Cinder
// attachment of each volume of an instance about to be spawned here from
// a shelved image (nova's _prep_block_device on unshelve), records the
// connection on its mapping and adds it to spec. It returns the
// attachments to complete once the guest runs.
func (m *Manager) connectVolumesHere(ctx context.Context, inst objects.Instance, bdms []objects.BlockDeviceMapping, spec *virt.InstanceSpec) ([]string, error) {
	var ids []string
	used := ownDevices(*spec)
	for _, b := range bdms {
		if b.DeviceName != "" {
			used[strings.TrimPrefix(b.DeviceName, "/dev/")] = true
		}
	}
	for _, b := range bdms {
		if b.DestinationType != objects.DestinationVolume || b.VolumeID == "" || b.AttachmentID == "" {
			continue
		}
		vols, _, err := m.volumeAbilities()
		if err != nil {
			return nil, err
		}
		// a volume attached while offloaded has no device yet: the next
		// free one after the guest's own disks and other volumes
		device := b.DeviceName
		if device == "" {
			device = nextVirtioDevice(used)
			used[strings.TrimPrefix(device, "/dev/")] = true
		}
		conn, info, err := m.connect(ctx, vols, volumeapi.TokenFrom(ctx), b.AttachmentID, b.VolumeID, device)
		if err != nil {
			return nil, err
		}
		conn.Bus = b.DiskBus
		if err := m.saveBDM(ctx, conductorapi.BDMUpdate{InstanceUUID: inst.UUID, UUID: b.UUID, ConnectionInfo: &info, DeviceName: &device}); err != nil {
			return nil, err
		}
		spec.Volumes = append(spec.Volumes, conn)
		ids = append(ids, b.AttachmentID)
	}
	return ids, nil
}

// ownDevices are the virtio devices of an image-backed guest's own disks
// (root, then ephemeral and swap when the flavor has them), as the
// driver names them.
func ownDevices(spec virt.InstanceSpec) map[string]bool {
	used := map[string]bool{}
	n := 0
	if !spec.BootFromVolume {
		n++
	}
	if spec.EphemeralGB > 0 {
		n++
	}
	if spec.SwapMiB > 0 {
		n++
	}
	for i := 0; i < n; i++ {
		used["vd"+string(rune('a'+i))] = true
	}
	return used
}

// nextVirtioDevice is the first /dev/vdX not in used.
func nextVirtioDevice(used map[string]bool) string {
	for c := 'a'; c <= 'z'; c++ {
		if d := "vd" + string(c); !used[d] {
			return "/dev/" + d
		}
	}
	return ""
}
