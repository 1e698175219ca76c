package manager

import (
	"context"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
)

// Task and vm states of shelving (nova's task_states).
const (
	TaskShelving                   = "shelving"
	TaskShelvingImagePendingUpload = "shelving_image_pending_upload"
	TaskShelvingImageUploading     = "shelving_image_uploading"
	TaskShelvingOffloading         = "shelving_offloading"
	TaskUnshelving                 = "unshelving"
)

// ShelvedOffloadTime is nova's [DEFAULT] shelved_offload_time: 0 offloads
// a shelved instance at once (its guest and disks removed, its resources
// freed); otherwise it stays SHELVED on its host until shelveOffload (no
// periodic offload is run).
var ShelvedOffloadTime = config.Int("DEFAULT", "shelved_offload_time", 0,
	"Seconds a shelved instance keeps its host before it is offloaded; 0: at once, -1: never.", config.Min(-1))

// LifecycleOpts are the options of the lifecycle actions.
func LifecycleOpts() []config.Option { return []config.Option{ShelvedOffloadTime} }

// SetShelvedOffloadTime sets [DEFAULT] shelved_offload_time.
func (m *Manager) SetShelvedOffloadTime(seconds int) { m.life.offloadAfter = seconds }

// shelveInstance serves shelve_instance: the guest stops, its root disk
// is copied into the <name>-shelved image, the instance is SHELVED and,
// with shelved_offload_time 0, offloaded at once. A failure deletes the
// image, starts the guest again if it ran and leaves a fault.
func (m *Manager) shelveInstance(ctx context.Context, a computeapi.ShelveInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodShelveInstance)
	err := m.shelve(ctx, a)
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: shelve failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		m.deleteImageQuietly(ctx, a.ImageID)
		dctx, cancel := detached(ctx)
		if a.Instance.VMState == objects.VMActive {
			if perr := m.driver.PowerOn(dctx, uuid); perr != nil {
				m.log.ErrorContext(ctx, "compute: could not start the guest after a failed shelve", "instance", uuid, "error", perr)
			}
		}
		power, _ := m.powerState(dctx, uuid)
		if _, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(a.Instance.VMState), TaskState: ptr(objects.TaskNone), PowerState: &power}); uerr != nil {
			m.log.ErrorContext(ctx, "compute: could not reset the instance after a failed shelve", "instance", uuid, "error", uerr)
		}
		cancel()
	}
	return Empty{}, nil
}

func (m *Manager) shelve(ctx context.Context, a computeapi.ShelveInstanceArgs) error {
	uuid := a.Instance.UUID
	timeout := time.Duration(0)
	if a.CleanShutdown {
		timeout = m.cfg.ShutdownTimeout
	}
	if err := m.driver.PowerOff(ctx, uuid, timeout); err != nil {
		return err
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskShelvingImagePendingUpload), PowerState: ptr(objects.PowerShutdown)}, TaskShelving); err != nil {
		return err
	}
	if _, err := m.directSnapshot(ctx, uuid, a.ImageID, a.Pool, func() error {
		_, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskShelvingImageUploading)}, TaskShelvingImagePendingUpload)
		return err
	}); err != nil {
		return err
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMShelved), TaskState: ptr(objects.TaskNone)}, TaskShelvingImageUploading); err != nil {
		return err
	}
	m.log.InfoContext(ctx, "compute: instance shelved", "instance", uuid, "image", a.ImageID)
	if m.life.offloadAfter != 0 {
		return nil
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(TaskShelvingOffloading)}, objects.TaskNone); err != nil {
		return err
	}
	return m.offload(ctx, uuid)
}

// rootFlattener makes a root disk independent of its image (the libvirt
// driver's FlattenRoot).
type rootFlattener interface {
	FlattenRoot(ctx context.Context, uuid string) error
}

// shelveOffloadInstance serves shelve_offload_instance.
func (m *Manager) shelveOffloadInstance(ctx context.Context, a computeapi.ShelveInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodShelveOffloadInstance)
	err := m.offload(ctx, uuid)
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.recordFault(ctx, uuid, err)
		m.revertTask(ctx, uuid)
	}
	return Empty{}, nil
}

// offload removes the guest and its disks (the shelved image keeps the
// data), frees the instance's resources and leaves it SHELVED_OFFLOADED
// with no host (nova's _shelve_offload_instance).
func (m *Manager) offload(ctx context.Context, uuid string) error {
	if err := m.driver.Destroy(ctx, uuid, virt.DestroyOptions{}); err != nil {
		return err
	}
	m.claims(ctx, conductorapi.ClaimsReleaseInstance, uuid, "")
	_, err := m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMShelvedOffloaded), TaskState: ptr(objects.TaskNone),
		PowerState: ptr(objects.PowerShutdown), Host: ptr(""), Node: ptr("")}, TaskShelvingOffloading)
	if err == nil {
		m.log.InfoContext(ctx, "compute: instance offloaded", "instance", uuid)
	}
	return err
}

// unshelveInstance serves unshelve_instance on the host the conductor
// chose: the guest is built from the shelved image, which is deleted
// once the instance is ACTIVE. A failure removes what was built, frees
// the claim and leaves the instance SHELVED_OFFLOADED with a fault.
func (m *Manager) unshelveInstance(ctx context.Context, a computeapi.UnshelveInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, buildTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodUnshelveInstance)
	err := m.unshelve(ctx, a)
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: unshelve failed", "instance", uuid, "error", err)
		m.destroyQuietly(ctx, uuid, virt.DestroyOptions{})
		m.recordFault(ctx, uuid, err)
		m.releaseClaims(ctx, uuid)
		dctx, cancel := detached(ctx)
		if _, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMShelvedOffloaded), TaskState: ptr(objects.TaskNone),
			PowerState: ptr(objects.PowerShutdown), Host: ptr(""), Node: ptr("")}); uerr != nil {
			m.log.ErrorContext(ctx, "compute: could not reset a failed unshelve", "instance", uuid, "error", uerr)
		}
		cancel()
	}
	return Empty{}, nil
}

func (m *Manager) unshelve(ctx context.Context, a computeapi.UnshelveInstanceArgs) error {
	inst := a.Instance
	uuid := inst.UUID
	node := a.Node
	if _, err := m.update(ctx, uuid, conductorapi.Updates{TaskState: ptr(objects.TaskSpawning), Host: ptr(m.cfg.Host), Node: &node}, TaskUnshelving); err != nil {
		return err
	}
	inst.Host, inst.Node = m.cfg.Host, node
	spec := InstanceSpec(&inst, &a.Image)
	spec.Image.Fetch = m.fetch
	// An offloaded server may come back on another host: its ports follow.
	var err error
	if spec.Interfaces, err = m.bindNetworksHere(ctx, &inst); err != nil {
		return err
	}
	if _, err := m.driver.Info(ctx, uuid); err == nil {
		// Still on this host (shelved, not offloaded): start it.
		if err := m.driver.PowerOn(ctx, uuid); err != nil {
			return err
		}
	} else {
		// Its volumes (attached before the shelve or while offloaded)
		// are connected here and attached in the new guest.
		attachments, err := m.connectVolumesHere(ctx, inst, a.BDMs, &spec)
		if err != nil {
			return err
		}
		if err := m.driver.Spawn(ctx, spec); err != nil {
			return err
		}
		for _, id := range attachments {
			if err := m.volumes.AttachmentComplete(ctx, volumeapi.TokenFrom(ctx), id); err != nil {
				return err
			}
		}
	}
	// The root disk no longer depends on the shelved image, which goes.
	if f, ok := m.driver.(rootFlattener); ok {
		if err := f.FlattenRoot(ctx, uuid); err != nil {
			return err
		}
	}
	power, err := m.powerState(ctx, uuid)
	if err != nil {
		power = objects.PowerNoState
	}
	if _, err := m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMActive), TaskState: ptr(objects.TaskNone), PowerState: &power}, objects.TaskSpawning); err != nil {
		return err
	}
	m.deleteImageQuietly(ctx, a.Image.ID)
	m.log.InfoContext(ctx, "compute: instance unshelved", "instance", uuid, "image", a.Image.ID)
	return nil
}

// rescueSpec is the spec of an instance being rescued or unrescued on
// this host: its own disks (none for a volume-backed one, whose root
// volume the driver keeps) and its ports.
func (m *Manager) rescueSpec(ctx context.Context, inst objects.Instance) (virt.InstanceSpec, error) {
	img := objects.ImageMeta{ID: inst.ImageRef}
	spec := InstanceSpec(&inst, &img)
	spec.BootFromVolume = inst.ImageRef == ""
	var err error
	spec.Interfaces, err = m.instanceInterfaces(ctx, &inst)
	return spec, err
}

// rescueInstance serves rescue_instance: the guest boots from a fresh
// copy of the rescue image with its own disk attached second. A failure
// leaves the instance as it was (ACTIVE) with a fault.
func (m *Manager) rescueInstance(ctx context.Context, a computeapi.RescueInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodRescueInstance)
	err := func() error {
		rs, ok := m.driver.(virt.Rescuer)
		if !ok {
			return fault.New(fault.Invalid, "The hypervisor of host %s cannot rescue instances.", m.cfg.Host)
		}
		rescue := InstanceSpec(&a.Instance, &a.RescueImage).Image
		rescue.Fetch = m.fetch
		spec, err := m.rescueSpec(ctx, a.Instance)
		if err != nil {
			return err
		}
		if err := rs.Rescue(ctx, spec, rescue); err != nil {
			return err
		}
		power, _ := m.powerState(ctx, uuid)
		_, err = m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMRescued), TaskState: ptr(objects.TaskNone), PowerState: &power}, "rescuing")
		return err
	}()
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: rescue failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		dctx, cancel := detached(ctx)
		if perr := m.driver.PowerOn(dctx, uuid); perr != nil {
			m.log.ErrorContext(ctx, "compute: could not start the guest after a failed rescue", "instance", uuid, "error", perr)
		}
		power, _ := m.powerState(dctx, uuid)
		if _, uerr := m.update(dctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMActive), TaskState: ptr(objects.TaskNone), PowerState: &power}); uerr != nil {
			m.log.ErrorContext(ctx, "compute: could not reset a failed rescue", "instance", uuid, "error", uerr)
		}
		cancel()
	}
	return Empty{}, nil
}

// unrescueInstance serves unrescue_instance.
func (m *Manager) unrescueInstance(ctx context.Context, a computeapi.InstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, actionTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, computeapi.MethodUnrescueInstance)
	err := func() error {
		rs, ok := m.driver.(virt.Rescuer)
		if !ok {
			return fault.New(fault.Invalid, "The hypervisor of host %s cannot rescue instances.", m.cfg.Host)
		}
		spec, err := m.rescueSpec(ctx, a.Instance)
		if err != nil {
			return err
		}
		if err := rs.Unrescue(ctx, spec); err != nil {
			return err
		}
		power, _ := m.powerState(ctx, uuid)
		_, err = m.update(ctx, uuid, conductorapi.Updates{VMState: ptr(objects.VMActive), TaskState: ptr(objects.TaskNone), PowerState: &power}, "unrescuing")
		return err
	}()
	ev.finish(err)
	if err != nil && !deletedMeanwhile(err) {
		m.log.WarnContext(ctx, "compute: unrescue failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		m.revertTask(ctx, uuid)
	}
	return Empty{}, nil
}
