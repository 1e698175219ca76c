package manager

import (
	"context"
	"sort"
	"time"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// volumeCreateTimeout bounds the wait for a volume Nova asked Cinder for
// (nova's block_device_allocate_retries x block_device_allocate_retries_interval).
var volumeCreateTimeout = 3 * time.Minute

// buildVolumes is the volumes of one build (nova's _prep_block_device
// for volume mappings): made, reserved and connected before the spawn,
// completed after it, or undone when the build fails.
type buildVolumes struct {
	m     *Manager
	uuid  string
	token string
	// created are the volumes this build asked Cinder for; attachments are
	// the attachments it made.
	created, attachments []string
}

// prepareVolumes makes the instance's volumes ready for the spawn: for each
// mapping with destination volume (in boot order) it has Cinder create the
// volume from its image, snapshot or blank when it has none yet, waits for
// it, creates and connects its attachment, records all of it on the
// mapping (through the conductor) and adds its connection to spec. On
// failure it undoes what it made and returns the error.
func (m *Manager) prepareVolumes(ctx context.Context, inst *objects.Instance, bdms []objects.BlockDeviceMapping, spec *virt.InstanceSpec) (*buildVolumes, error) {
	bv := &buildVolumes{m: m, uuid: inst.UUID, token: volumeapi.TokenFrom(ctx)}
	var list []objects.BlockDeviceMapping
	for _, b := range bdms {
		if b.DestinationType == objects.DestinationVolume {
			list = append(list, b)
		}
	}
	if len(list) == 0 {
		return bv, nil
	}
	sort.SliceStable(list, func(i, j int) bool { return bootOrder(list[i]) < bootOrder(list[j]) })
	vols, _, err := m.volumeAbilities()
	if err != nil {
		return bv, err
	}
	for i, b := range list {
		conn, err := bv.prepare(ctx, vols, inst, b, i == 0 && b.IsRoot())
		if err != nil {
			bv.undo(ctx)
			return bv, err
		}
		spec.Volumes = append(spec.Volumes, conn)
	}
	spec.BootFromVolume = list[0].IsRoot()
	return bv, nil
}

func bootOrder(b objects.BlockDeviceMapping) int {
	if b.BootIndex == nil || *b.BootIndex < 0 {
		return 1 << 30
	}
	return *b.BootIndex
}

func (bv *buildVolumes) prepare(ctx context.Context, vols Volumes, inst *objects.Instance, b objects.BlockDeviceMapping, root bool) (virt.VolumeConnection, error) {
	m := bv.m
	volumeID := b.VolumeID
	if volumeID == "" {
		req := volumeapi.CreateRequest{Size: b.VolumeSize, VolumeType: b.VolumeType}
		switch b.SourceType {
		case objects.SourceImage:
			req.ImageRef = b.ImageID
		case objects.SourceSnapshot:
			req.SnapshotID = b.SnapshotID
		case objects.SourceBlank:
			req.Name = inst.UUID + "-blank-vol"
		default:
			return virt.VolumeConnection{}, fault.New(fault.Invalid, "Block Device Mapping is Invalid: cannot make a volume from source %s.", b.SourceType)
		}
		v, err := vols.Create(ctx, bv.token, req)
		if err != nil {
			return virt.VolumeConnection{}, fault.Wrap(err, fault.KindOf(err), "Build of instance %s aborted: Volume could not be created: %s", inst.UUID, faultMessage(err))
		}
		volumeID = v.ID
		bv.created = append(bv.created, v.ID)
		m.log.InfoContext(ctx, "compute: volume created for the instance", "instance", inst.UUID, "volume", v.ID, "source", b.SourceType)
		if err := m.saveBDM(ctx, conductorapi.BDMUpdate{InstanceUUID: inst.UUID, UUID: b.UUID, VolumeID: &volumeID}); err != nil {
			return virt.VolumeConnection{}, err
		}
		if _, err := vols.WaitAvailable(ctx, bv.token, v.ID, volumeCreateTimeout); err != nil {
			return virt.VolumeConnection{}, fault.Wrap(err, fault.KindOf(err), "Build of instance %s aborted: Volume %s did not finish being created: %s", inst.UUID, v.ID, faultMessage(err))
		}
	}
	at, err := vols.AttachmentCreate(ctx, bv.token, volumeID, inst.UUID)
	if err != nil {
		return virt.VolumeConnection{}, fault.Wrap(err, fault.KindOf(err), "Build of instance %s aborted: volume %s could not be attached: %s", inst.UUID, volumeID, faultMessage(err))
	}
	bv.attachments = append(bv.attachments, at.ID)
	device := ""
	if root {
		device = "/dev/vda"
	}
	conn, info, err := m.connect(ctx, vols, bv.token, at.ID, volumeID, device)
	if err != nil {
		return virt.VolumeConnection{}, err
	}
	conn.Bus = b.DiskBus
	u := conductorapi.BDMUpdate{InstanceUUID: inst.UUID, UUID: b.UUID, AttachmentID: &at.ID, ConnectionInfo: &info}
	if device != "" {
		u.DeviceName = &device
	}
	if err := m.saveBDM(ctx, u); err != nil {
		return virt.VolumeConnection{}, err
	}
	return conn, nil
}

// complete marks the attachments attached once the guest runs.
func (bv *buildVolumes) complete(ctx context.Context) error {
	for _, id := range bv.attachments {
		if err := bv.m.volumes.AttachmentComplete(ctx, bv.token, id); err != nil {
			return err
		}
	}
	return nil
}

// undo deletes the attachments the build made and the volumes it created
// (a failed build leaves no volume Nova made, whatever its
// delete_on_termination).
func (bv *buildVolumes) undo(ctx context.Context) {
	if bv == nil || bv.m.volumes == nil {
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	for _, id := range bv.attachments {
		if err := bv.m.volumes.AttachmentDelete(dctx, bv.token, id); err != nil {
			bv.m.log.ErrorContext(ctx, "compute: could not delete the volume attachment of a failed build", "instance", bv.uuid, "attachment", id, "error", err)
		}
	}
	for _, id := range bv.created {
		if err := bv.m.deleteVolume(dctx, bv.token, id); err != nil {
			bv.m.log.ErrorContext(ctx, "compute: could not delete the volume of a failed build", "instance", bv.uuid, "volume", id, "error", err)
		}
	}
	bv.attachments, bv.created = nil, nil
}
