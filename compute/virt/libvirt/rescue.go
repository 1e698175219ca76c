package libvirt

import (
	"context"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.Rescuer = (*Driver)(nil)

func rescueDiskName(uuid string) string { return uuid + "_disk.rescue" }

// Rescue boots the guest from <uuid>_disk.rescue, a clone (or import) of
// the rescue image, with the instance's own disks after it.
func (d *Driver) Rescue(ctx context.Context, spec virt.InstanceSpec, rescue virt.Image) error {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	if err := d.withDomain(spec.UUID, "rescue", hardStop); err != nil {
		return err
	}
	rspec := spec
	rspec.Image = rescue
	rspec.RootGB = 0 // the rescue image's own size
	target := ceph.ImageSpec(d.s.Pool, rescueDiskName(spec.UUID))
	if err := d.removeDisk(ctx, target); err != nil && fault.KindOf(err) != fault.NotFound {
		return err // a stale rescue disk from an earlier rescue
	}
	var made createdDisks
	if err := d.makeDiskFrom(ctx, rspec, target, &made); err != nil {
		_ = d.removeMade(context.WithoutCancel(ctx), made)
		return err
	}
	if err := d.redefineWith(ctx, spec, rescueDiskName(spec.UUID), true); err != nil {
		_ = d.removeMade(context.WithoutCancel(ctx), made)
		return err
	}
	d.log.InfoContext(ctx, "instance rescued", "instance", spec.UUID, "rescue_image", rescue.ID)
	return nil
}

// Unrescue boots the guest from its own disks and removes the rescue disk.
func (d *Driver) Unrescue(ctx context.Context, spec virt.InstanceSpec) error {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	if err := d.redefineWith(ctx, spec, "", true); err != nil {
		return err
	}
	err := d.removeDisk(ctx, ceph.ImageSpec(d.s.Pool, rescueDiskName(spec.UUID)))
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	return nil
}

// makeDiskFrom makes target from spec's image the way the root disk is
// made (clone or import, grown to spec.RootGB).
func (d *Driver) makeDiskFrom(ctx context.Context, spec virt.InstanceSpec, target ceph.Spec, made *createdDisks) error {
	return d.makeImageDisk(ctx, spec, target, made)
}
